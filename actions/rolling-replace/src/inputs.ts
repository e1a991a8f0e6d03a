import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  type IfRefreshRunning,
  type OnCancel,
  type RefreshPreferences,
  type RolloutRequest,
  renderUserData,
  type Strategy,
} from "@deploy/aws";
import {
  DeployError,
  forInput,
  type Inputs,
  invalidInput,
  parsePercentage,
  type RunContext,
  readRegion,
} from "@deploy/core";
import { amiFor, parseRelease, type Release } from "@deploy/release";

/**
 * Every input of the step, read and checked before the first AWS call that changes
 * anything. A bad value fails here, naming the input, the value and the fix.
 */
export interface Settings {
  /** The rollout, with the group's region. */
  request: RolloutRequest;
  /** The release being rolled out, when given as `release` rather than `ami-id`. */
  release?: Release;
  onCancel: OnCancel;
  dryRun: boolean;
  /** Where to record the GitHub deployment; absent without `environment`. */
  deployment?: DeploymentSettings;
}

export interface DeploymentSettings {
  token: string;
  environment: string;
  environmentUrl?: string;
}

/** The defaults action.yml declares (a unit test keeps the two in step). */
export const DEFAULTS = {
  strategy: "rolling",
  "min-healthy-percentage": "90",
  "skip-matching": "true",
  "auto-rollback": "true",
  "if-refresh-running": "fail",
  "on-cancel": "rollback",
  "poll-interval": "15s",
  "dry-run": "false",
} as const;

const STRATEGIES: readonly Strategy[] = ["rolling", "blue-green"];
const IF_REFRESH_RUNNING: readonly IfRefreshRunning[] = ["fail", "wait", "cancel"];
const ON_CANCEL: readonly OnCancel[] = ["rollback", "cancel", "leave"];
/** Instance refresh preferences that a blue/green rollout, which starts no refresh, cannot honour. */
const ROLLING_ONLY = [
  "max-healthy-percentage",
  "checkpoint-percentages",
  "checkpoint-delay",
  "alarms",
  "scale-in-protected-instances",
  "standby-instances",
] as const;

const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
/** AWS takes at most 10 alarms in an AlarmSpecification. */
const MAX_ALARMS = 10;

export function readSettings(inputs: Inputs, run: RunContext, env: NodeJS.ProcessEnv = process.env): Settings {
  const groupName = inputs.string("auto-scaling-group", {
    required: true,
    validate: (name) =>
      name.length > 255 || name.startsWith("arn:")
        ? "Write the group's name (up to 255 characters), not its ARN."
        : undefined,
  });
  const region = readRegion(inputs, "which region the Auto Scaling group is in", env);
  const { imageId, release } = readImage(inputs, region);
  const strategy = inputs.oneOf("strategy", STRATEGIES, { default: DEFAULTS.strategy });
  const preferences = readPreferences(inputs, strategy);
  const ifRefreshRunning = inputs.oneOf("if-refresh-running", IF_REFRESH_RUNNING, {
    default: DEFAULTS["if-refresh-running"],
  });
  const onCancel = readOnCancel(inputs);
  const timeoutMs = inputs.duration("timeout", { min: "1m", max: "6h" });
  const pollIntervalMs = inputs.duration("poll-interval", {
    default: DEFAULTS["poll-interval"],
    min: "1s",
    max: "5m",
  });
  const userData = readUserData(inputs, env);
  const dryRun = inputs.boolean("dry-run", { default: DEFAULTS["dry-run"] });
  const deployment = readDeployment(inputs);

  const commit = release?.commit ?? run.commit;
  const request: RolloutRequest = {
    region,
    groupName,
    imageId,
    strategy,
    preferences,
    ifRefreshRunning,
    ...(userData !== undefined && { userData }),
    description: `deploy ${commit.slice(0, 7)} by run ${run.runId}-${run.runAttempt} (${run.runUrl})`.slice(0, 255),
    ...(timeoutMs !== undefined && { timeoutMs }),
    pollIntervalMs,
  };
  return {
    request,
    ...(release && { release }),
    onCancel,
    dryRun,
    ...(deployment && { deployment }),
  };
}

/** Read by the post step as well, which applies it to what the main step left running. */
export function readOnCancel(inputs: Inputs): OnCancel {
  return inputs.oneOf("on-cancel", ON_CANCEL, { default: DEFAULTS["on-cancel"] });
}

function readImage(inputs: Inputs, region: string): { imageId: string; release?: Release } {
  const amiId = inputs.string("ami-id", {
    validate: (id) =>
      id.startsWith("resolve:ssm:")
        ? "Give the AMI id itself: AutoRollback cannot restore an image given as an SSM parameter alias, so resolve it in an earlier step."
        : AMI_ID.test(id)
          ? undefined
          : 'Write an AMI id, like "ami-0a1b2c3d4e5f60718".',
  });
  const text = inputs.string("release");
  if ((amiId === undefined) === (text === undefined)) {
    const both = amiId !== undefined;
    throw new DeployError({
      what: both ? 'Inputs "ami-id" and "release" are both set.' : 'Neither "ami-id" nor "release" is set.',
      why: both
        ? `Got "${amiId}" and a release record; the step rolls out one image.`
        : "The step needs an image to roll out.",
      fix: 'Set "release" to the release output of bake-ami or promote, or "ami-id" to an AMI id, not both.',
      input: both ? "ami-id" : "release",
      code: "InvalidValue",
    });
  }
  if (amiId !== undefined) return { imageId: amiId };
  const release = forInput("release", () => parseRelease(text));
  return { imageId: forInput("release", () => amiFor(release, region)), release };
}

function readPreferences(inputs: Inputs, strategy: Strategy): RefreshPreferences {
  const minHealthyPercentage = inputs.percentage("min-healthy-percentage", {
    default: DEFAULTS["min-healthy-percentage"],
  });
  const maxHealthyPercentage = inputs.percentage("max-healthy-percentage", { min: 100, max: 200 });
  if (maxHealthyPercentage !== undefined && maxHealthyPercentage - minHealthyPercentage > 100) {
    throw invalidInput(
      "max-healthy-percentage",
      String(maxHealthyPercentage),
      `is more than 100 above min-healthy-percentage (${minHealthyPercentage})`,
      `AWS allows a difference of at most 100: lower it to ${minHealthyPercentage + 100} or less, or raise min-healthy-percentage.`,
    );
  }
  const checkpointPercentages = readCheckpoints(inputs);
  const checkpointDelaySeconds = seconds(inputs.duration("checkpoint-delay", { max: "48h" }));
  if (checkpointDelaySeconds !== undefined && checkpointPercentages.length === 0) {
    throw invalidInput(
      "checkpoint-delay",
      inputs.string("checkpoint-delay") ?? "",
      "is set without checkpoint-percentages",
      'A delay applies at checkpoints: set checkpoint-percentages too, like "50, 100", or remove checkpoint-delay.',
    );
  }
  const alarms = inputs.list("alarms", {
    validate: (name) => (name.length > 255 ? "Write CloudWatch alarm names of up to 255 characters." : undefined),
  });
  if (alarms.length > MAX_ALARMS) {
    throw invalidInput(
      "alarms",
      alarms.join(", "),
      `names ${alarms.length} alarms`,
      `AWS takes at most ${MAX_ALARMS}.`,
    );
  }
  const preferences: RefreshPreferences = {
    minHealthyPercentage,
    ...(maxHealthyPercentage !== undefined && { maxHealthyPercentage }),
    ...defined("instanceWarmupSeconds", seconds(inputs.duration("instance-warmup", { max: "1h" }))),
    ...(checkpointPercentages.length > 0 && { checkpointPercentages }),
    ...defined("checkpointDelaySeconds", checkpointDelaySeconds),
    skipMatching: inputs.boolean("skip-matching", { default: DEFAULTS["skip-matching"] }),
    autoRollback: inputs.boolean("auto-rollback", { default: DEFAULTS["auto-rollback"] }),
    ...(alarms.length > 0 && { alarms }),
    ...defined("bakeTimeSeconds", seconds(inputs.duration("bake-time", { max: "48h" }))),
    ...defined(
      "scaleInProtectedInstances",
      inputs.oneOf("scale-in-protected-instances", ["Refresh", "Ignore", "Wait"]),
    ),
    ...defined("standbyInstances", inputs.oneOf("standby-instances", ["Terminate", "Ignore", "Wait"])),
  };
  if (strategy === "blue-green") refuseRollingOnly(inputs);
  return preferences;
}

function readCheckpoints(inputs: Inputs): number[] {
  const input = "checkpoint-percentages";
  const about = { label: `Input "${input}"`, input };
  const items = inputs.list(input);
  const percentages = items.map((item) => parsePercentage(item, about, { min: 1, max: 100 }));
  if (percentages.some((p, i) => i > 0 && p <= (percentages[i - 1] as number))) {
    throw invalidInput(
      input,
      items.join(", "),
      "is not in ascending order",
      'List each percentage once, smallest first, like "25, 50, 100".',
    );
  }
  return percentages;
}

function refuseRollingOnly(inputs: Inputs): void {
  for (const name of ROLLING_ONLY) {
    const value = inputs.string(name);
    if (value === undefined) continue;
    throw invalidInput(
      name,
      value,
      'applies to strategy "rolling" only',
      'A blue-green rollout starts no instance refresh: remove it, or set strategy to "rolling".',
    );
  }
}

function readUserData(inputs: Inputs, env: NodeJS.ProcessEnv): string | undefined {
  const file = inputs.string("user-data");
  const vars = inputs.keyValues("vars");
  if (file === undefined) {
    if (Object.keys(vars).length === 0) return undefined;
    throw invalidInput(
      "vars",
      Object.keys(vars).join(", "),
      "is set without user-data",
      'Vars are rendered into a user-data template: set "user-data" to the template\'s path, or remove vars.',
    );
  }
  const where = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), file);
  if (!existsSync(where)) {
    throw invalidInput(
      "user-data",
      file,
      "names a file that does not exist",
      `Give a path relative to the repository root (looked for ${where}), and check the repository out (actions/checkout) before this step.`,
    );
  }
  // renderUserData refuses secret-looking vars, unknown placeholders and user data over AWS's limit.
  return forInput("vars", () => renderUserData(readFileSync(where, "utf8"), vars));
}

function readDeployment(inputs: Inputs): DeploymentSettings | undefined {
  const token = inputs.string("github-token", { secret: true });
  const environment = inputs.string("environment", {
    validate: (name) => (name.length > 255 ? "Write an environment name of up to 255 characters." : undefined),
  });
  const environmentUrl = inputs.string("environment-url", {
    validate: (url) =>
      /^https?:\/\/\S+$/.test(url) ? undefined : 'Write an http(s) URL, like "https://stage.example.com".',
  });
  if (environment === undefined) {
    if (environmentUrl === undefined) return undefined;
    throw invalidInput(
      "environment-url",
      environmentUrl,
      "is set without environment",
      'The URL is shown on the deployment record: set "environment" too, or remove environment-url.',
    );
  }
  if (token === undefined) {
    throw new DeployError({
      what: 'Input "github-token" is empty, and "environment" asks for a deployment record.',
      why: `Got environment "${environment}" and no token to record the deployment with.`,
      fix: 'Leave "github-token" at its default (github.token) with "permissions: deployments: write", or remove "environment".',
      input: "github-token",
      code: "InvalidValue",
    });
  }
  return { token, environment, ...(environmentUrl !== undefined && { environmentUrl }) };
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

/** `{ [key]: value }` when the value is set, so optional preferences stay absent rather than undefined. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
