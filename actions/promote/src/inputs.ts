import { isAccountId, kmsKey } from "@deploy/aws";
import {
  DeployError,
  forInput,
  type Inputs,
  invalidInput,
  parseDuration,
  type RunContext,
  readRegion,
  regionCode,
} from "@deploy/core";
import { type PromotionRequest, parseRelease } from "@deploy/release";

/**
 * Every input of the step, read and checked before the first call to GitHub or AWS. A bad
 * value fails here, naming the input, the value and the fix.
 */
export interface Settings {
  token: string;
  /** What planPromotion checks on GitHub, but the time. */
  promotion: Omit<PromotionRequest, "now">;
  /** Where `to` runs: the AMI must be there. */
  region: string;
  /** Other regions the AMI must be in; never `region`. */
  copyToRegions: string[];
  targetAccount?: string;
  kmsKeyIds: Record<string, string>;
  /** The groups to compare; absent when source-group and target-group are not given. */
  parity?: ParitySettings;
  timeoutMs: number;
  pollIntervalMs: number;
}

export interface ParitySettings {
  source: { region: string; group: string };
  target: { region: string; group: string };
  /** Differences beyond capacity and the environments' values fail the step. */
  require: boolean;
}

/** The defaults action.yml declares (a unit test keeps the two in step); github-token's is the runner's. */
export const DEFAULTS = {
  "from-environment": "stage",
  "to-environment": "production",
  "allow-rollback": "false",
  "require-parity": "false",
  timeout: "60m",
  "poll-interval": "15s",
} as const;

const SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{7,39}$/;
/** The longest max-age: a year. */
const MAX_AGE_MS = 365 * 24 * 3_600_000;
/** GitHub's limit on an environment's name. */
const MAX_ENVIRONMENT = 255;

export function readSettings(inputs: Inputs, run: RunContext, env: NodeJS.ProcessEnv = process.env): Settings {
  const from = readEnvironment(inputs, "from-environment", DEFAULTS["from-environment"]);
  const to = readEnvironment(inputs, "to-environment", DEFAULTS["to-environment"]);
  if (from === to) {
    throw invalidInput(
      "to-environment",
      to,
      "is the same environment as from-environment",
      'Promote from one environment to another, like from-environment "stage" and to-environment "production".',
    );
  }
  const wanted = readWanted(inputs);
  const token = inputs.string("github-token", { secret: true });
  if (token === undefined) {
    throw new DeployError({
      what: 'Input "github-token" is empty.',
      why: `The step reads the deployments of ${from} and ${to} and the release's check runs from GitHub.`,
      fix: 'Leave "github-token" at its default (github.token), with "permissions: deployments: read, checks: read".',
      input: "github-token",
      code: "InvalidValue",
    });
  }
  const region = readRegion(inputs, `which region ${to} runs in`, env);
  const copyToRegions = [...new Set(inputs.list("copy-to-regions", { validate: regionCode }))].filter(
    (r) => r !== region,
  );
  const targetAccount = inputs.string("target-account", {
    validate: (id) => (isAccountId(id) ? undefined : 'Write a 12-digit AWS account id, like "210987654321".'),
  });
  const kmsKeyIds = readKmsKeys(inputs, [region, ...copyToRegions]);
  const requiredChecks = [
    ...new Set(
      inputs.list("required-checks", {
        validate: (name) => (name.length > 255 ? "Write check run names of up to 255 characters." : undefined),
      }),
    ),
  ];
  const maxAgeMs = readMaxAge(inputs);
  const allowRollback = inputs.boolean("allow-rollback", { default: DEFAULTS["allow-rollback"] });
  const parity = readParity(inputs, region);
  const timeoutMs = inputs.duration("timeout", { default: DEFAULTS.timeout, min: "5m", max: "12h" });
  const pollIntervalMs = inputs.duration("poll-interval", {
    default: DEFAULTS["poll-interval"],
    min: "1s",
    max: "5m",
  });
  return {
    token,
    promotion: {
      repository: run.repository,
      from,
      to,
      ...(wanted && { wanted }),
      requiredChecks,
      ...(maxAgeMs !== undefined && { maxAgeMs }),
      allowRollback,
    },
    region,
    copyToRegions,
    ...(targetAccount !== undefined && { targetAccount }),
    kmsKeyIds,
    ...(parity && { parity }),
    timeoutMs,
    pollIntervalMs,
  };
}

function readEnvironment(inputs: Inputs, name: string, fallback: string): string {
  return inputs.string(name, {
    default: fallback,
    validate: (value) =>
      value.length > MAX_ENVIRONMENT || /[\r\n]/.test(value)
        ? `Write a GitHub environment's name, one line of up to ${MAX_ENVIRONMENT} characters, like "${fallback}".`
        : undefined,
  });
}

/** `release`: a record (JSON) or a full commit sha. */
function readWanted(inputs: Inputs): PromotionRequest["wanted"] {
  const text = inputs.string("release");
  if (text === undefined) return undefined;
  if (text.startsWith("{")) return { release: forInput("release", () => parseRelease(text)) };
  const sha = text.toLowerCase();
  if (SHA.test(sha)) return { commit: sha };
  throw invalidInput(
    "release",
    text,
    SHORT_SHA.test(sha) ? "is a short commit sha" : "is neither a release record nor a commit sha",
    "Give the full 40-character commit sha (github.sha, or git rev-parse HEAD), or the release output of bake-ami or promote unchanged; leave it empty to promote the newest successful deployment.",
  );
}

function readMaxAge(inputs: Inputs): number | undefined {
  const text = inputs.string("max-age");
  if (text === undefined) return undefined;
  return parseDuration(
    text,
    { label: 'Input "max-age"', input: "max-age" },
    { min: "1m", max: MAX_AGE_MS },
    { long: true },
  );
}

/** `region=key` lines; a key must be for a region that gets a copy. */
function readKmsKeys(inputs: Inputs, regions: string[]): Record<string, string> {
  const keys = inputs.keyValues("kms-key-id", { key: regionCode });
  for (const [region, key] of Object.entries(keys)) {
    const line = `${region}=${key}`;
    if (!regions.includes(region)) {
      throw invalidInput(
        "kms-key-id",
        line,
        `names ${region}, where no copy is made`,
        `Give keys for ${regions.join(", ")} only (region and copy-to-regions).`,
      );
    }
    const parsed = kmsKey(key);
    const keyRegion = parsed?.region;
    if (!parsed || (keyRegion !== undefined && keyRegion !== region)) {
      throw invalidInput(
        "kms-key-id",
        line,
        keyRegion !== undefined ? `gives ${region} a key of ${keyRegion}` : "is not a KMS key",
        `Give ${region} a key id, an alias (alias/name) or a key ARN of ${region}.`,
      );
    }
  }
  return keys;
}

function readParity(inputs: Inputs, region: string): ParitySettings | undefined {
  const groupName = (name: string) =>
    inputs.string(name, {
      validate: (value) =>
        value.length > 255 || value.startsWith("arn:")
          ? "Write the Auto Scaling group's name (up to 255 characters), not its ARN."
          : undefined,
    });
  const source = groupName("source-group");
  const sourceRegion = inputs.string("source-region", { validate: regionCode });
  const target = groupName("target-group");
  const require = inputs.boolean("require-parity", { default: DEFAULTS["require-parity"] });
  if (source === undefined || target === undefined) {
    const given = source !== undefined ? "source-group" : target !== undefined ? "target-group" : undefined;
    if (given !== undefined) {
      const missing = given === "source-group" ? "target-group" : "source-group";
      throw invalidInput(
        given,
        (source ?? target) as string,
        `is set without ${missing}`,
        `The parity report compares two groups: set "${missing}" too, or remove "${given}".`,
      );
    }
    if (sourceRegion !== undefined) {
      throw invalidInput(
        "source-region",
        sourceRegion,
        "is set without source-group",
        'Set "source-group" and "target-group" to compare the groups, or remove source-region.',
      );
    }
    if (require) {
      throw invalidInput(
        "require-parity",
        "true",
        "is set without source-group and target-group",
        'Parity is checked between two Auto Scaling groups: set "source-group" and "target-group", or remove require-parity.',
      );
    }
    return undefined;
  }
  return {
    source: { region: sourceRegion ?? region, group: source },
    target: { region, group: target },
    require,
  };
}
