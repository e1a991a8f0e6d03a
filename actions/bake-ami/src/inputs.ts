import {
  type BakeRequest,
  isAccountId,
  kmsKey,
  parseBaseImage,
  readRecipe,
  refuseAwsManagedKeys,
  renderAmiName,
  TAG,
} from "@deploy/aws";
import {
  forInput,
  type Inputs,
  invalidInput,
  looksLikeSecretName,
  type RunContext,
  readRegion,
  regionCode,
} from "@deploy/core";
import { parseRelease, type Release } from "@deploy/release";

/**
 * Every input of the step, read and checked before the first AWS call that changes
 * anything. A bad value fails here, naming the input, the value and the fix.
 */
export interface Settings {
  request: BakeRequest;
  /** The release being extended, when `release` is given. */
  release?: Release;
  /** The commit the AMI is baked for: the release's, or the run's. */
  commit: string;
  /** Every region the bake touches: where it bakes, then the copies. */
  regions: string[];
}

/** Where ami-name's default has the repository's name: the runner evaluates it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the GitHub expression action.yml's default holds
export const REPOSITORY_NAME = "${{ github.event.repository.name }}";

/** The defaults action.yml declares (a unit test keeps the two in step). */
export const DEFAULTS = {
  "instance-type": "t3.small",
  "ami-name": `${REPOSITORY_NAME}-{{short-commit}}-{{date}}-{{bake-key}}`,
  encrypt: "false",
  "force-rebake": "false",
  timeout: "45m",
  "poll-interval": "15s",
} as const;

/** Set by the action for the recipe; a recipe-env line may not set them. */
const ACTION_ENV = ["IMAGE", "RELEASE"];
const IMAGE_BY_DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const SUBNET = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;
const PROFILE_ARN = /^arn:aws[\w-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,128}$/;
// AWS's characters for tag keys and values (letters, digits, spaces and _ . : / = + - @).
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const BAKE_KEY_PLACEHOLDER = /\{\{\s*bake-key\s*\}\}/;
const DATE_PLACEHOLDER = /\{\{\s*date\s*\}\}/;
/** Security groups per network interface, by default. */
const MAX_SECURITY_GROUPS = 5;
/** AWS allows 50 tags a resource; the suite puts up to five of its own. */
const MAX_USER_TAGS = 45;
/** The largest gp3 volume. */
const MAX_ROOT_GIB = 16_384;

export async function readSettings(
  inputs: Inputs,
  run: RunContext,
  env: NodeJS.ProcessEnv,
  /** When the step runs, for the AMI name's {{date}}. */
  now: Date,
): Promise<Settings> {
  const region = readRegion(inputs, "which region to bake the AMI in", env);
  const base = parseBaseImage(inputs.string("base-ami", { required: true }));
  const recipePaths = inputs.list("recipe", { required: true });
  const release = readRelease(inputs);
  const image = readImage(inputs, release);
  const commit = release?.commit ?? run.commit;
  const recipeEnv = readRecipeEnv(inputs, { IMAGE: image ?? "", RELEASE: commit });
  const instanceType = inputs.string("instance-type", {
    default: DEFAULTS["instance-type"],
    validate: (type) => (INSTANCE_TYPE.test(type) ? undefined : 'Write an EC2 instance type, like "t3.small".'),
  });
  const subnetId = inputs.string("subnet-id", {
    validate: (id) => (SUBNET.test(id) ? undefined : 'Write a subnet id, like "subnet-0123456789abcdef0".'),
  });
  const securityGroupIds = readSecurityGroups(inputs);
  const iamInstanceProfile = inputs.string("iam-instance-profile", { required: true, validate: instanceProfile });
  const rootVolumeSizeGiB = inputs.integer("root-volume-size", { min: 1, max: MAX_ROOT_GIB });
  const tags = readTags(inputs);
  const copyToRegions = [...new Set(inputs.list("regions", { validate: regionCode }))].filter((r) => r !== region);
  const regions = [region, ...copyToRegions];
  const shareWithAccounts = [
    ...new Set(
      inputs.list("share-with-accounts", {
        validate: (id) => (isAccountId(id) ? undefined : 'Write 12-digit AWS account ids, like "123456789012".'),
      }),
    ),
  ];
  const encrypt = inputs.boolean("encrypt", { default: DEFAULTS.encrypt });
  const kmsKeyIds = readKmsKeys(inputs, encrypt, regions);
  if (encrypt && shareWithAccounts.length > 0) {
    const amis = regions.map((r) => ({ region: r, encrypted: true }));
    forInput("kms-key-id", () => refuseAwsManagedKeys(amis, kmsKeyIds));
  }
  const forceRebake = inputs.boolean("force-rebake", { default: DEFAULTS["force-rebake"] });
  const amiNameTemplate = readAmiName(inputs, run, commit, forceRebake, now);
  const timeoutMs = inputs.duration("timeout", { default: DEFAULTS.timeout, min: "5m", max: "12h" });
  const pollIntervalMs = inputs.duration("poll-interval", {
    default: DEFAULTS["poll-interval"],
    min: "1s",
    max: "5m",
  });
  // Last: the only input read from disk, after every cheaper check.
  const recipe = await readRecipe(recipePaths, env.GITHUB_WORKSPACE ?? process.cwd());

  const request: BakeRequest = {
    region,
    base,
    recipe,
    recipeEnv,
    ...(image !== undefined && { image }),
    instanceType,
    ...(subnetId !== undefined && { subnetId }),
    securityGroupIds,
    iamInstanceProfile,
    ...(rootVolumeSizeGiB !== undefined && { rootVolumeSizeGiB }),
    amiNameTemplate,
    tags,
    copyToRegions,
    shareWithAccounts,
    encrypt,
    kmsKeyIds,
    forceRebake,
    timeoutMs,
    pollIntervalMs,
  };
  return { request, ...(release && { release }), commit, regions };
}

function readRelease(inputs: Inputs): Release | undefined {
  const text = inputs.string("release");
  return text === undefined ? undefined : forInput("release", () => parseRelease(text));
}

/** The image input, or the release's; both given, they must be the same image. */
function readImage(inputs: Inputs, release: Release | undefined): string | undefined {
  const image = inputs.string("image", {
    validate: (ref) =>
      IMAGE_BY_DIGEST.test(ref)
        ? undefined
        : "Give the image by digest, as build-image outputs it (registry/repository@sha256:<64 hex digits>): a tag can name another image tomorrow, and the bake key needs this one.",
  });
  if (image !== undefined && release?.image !== undefined && image !== release.image) {
    throw invalidInput(
      "image",
      image,
      `is not the release's image (${release.image})`,
      'Leave "image" out to bake the release\'s image, or pass the release that has this image.',
    );
  }
  return image ?? release?.image;
}

function readRecipeEnv(inputs: Inputs, fromAction: Record<string, string>): Record<string, string> {
  const env = inputs.keyValues("recipe-env");
  for (const name of Object.keys(env)) {
    if (ACTION_ENV.includes(name)) {
      throw invalidInput(
        "recipe-env",
        `${name}=${env[name]}`,
        `sets ${name}, which the action sets`,
        `Remove the line: the recipe gets IMAGE (the image input) and RELEASE (the commit) from the action.`,
      );
    }
    if (looksLikeSecretName(name)) {
      throw invalidInput(
        "recipe-env",
        name,
        "sets a variable that looks like a secret",
        "Secrets must not go into an AMI, and recipe-env is kept in SSM's command history: have instances read secrets from SSM Parameter Store (SecureString) at boot, and pass only a parameter's name here (e.g. DATABASE_URL_PARAMETER).",
      );
    }
  }
  return { ...env, ...fromAction };
}

function readSecurityGroups(inputs: Inputs): string[] {
  const groups = [
    ...new Set(
      inputs.list("security-group-ids", {
        validate: (id) =>
          SECURITY_GROUP.test(id) ? undefined : 'Write security group ids, like "sg-0123456789abcdef0" (not names).',
      }),
    ),
  ];
  if (groups.length > MAX_SECURITY_GROUPS) {
    throw invalidInput(
      "security-group-ids",
      groups.join(", "),
      `names ${groups.length} security groups`,
      `An instance takes at most ${MAX_SECURITY_GROUPS}; the builder needs none open inbound.`,
    );
  }
  return groups;
}

function instanceProfile(value: string): string | undefined {
  if (value.startsWith("arn:")) {
    if (PROFILE_ARN.test(value)) return undefined;
    if (value.includes(":role/")) {
      return "This is a role's ARN: give the instance profile that holds the role (its name, or arn:aws:iam::<account>:instance-profile/<name>).";
    }
    return "Write an instance profile ARN, like arn:aws:iam::123456789012:instance-profile/bake-ami-builder.";
  }
  return PROFILE_NAME.test(value)
    ? undefined
    : 'Write the instance profile\'s name (letters, digits and + = , . @ _ -), like "bake-ami-builder".';
}

function readTags(inputs: Inputs): Record<string, string> {
  const tags = inputs.keyValues("tags", { key: tagKey });
  for (const [key, value] of Object.entries(tags)) {
    if (value.length > 256 || !TAG_TEXT.test(value)) {
      throw invalidInput(
        "tags",
        `${key}=${value}`,
        "has a value AWS does not take",
        "A tag value is up to 256 letters, digits, spaces and _ . : / = + - @.",
      );
    }
  }
  const count = Object.keys(tags).length;
  if (count > MAX_USER_TAGS) {
    throw invalidInput(
      "tags",
      `${count} tags`,
      "has too many tags",
      `AWS allows 50 tags on a resource and the suite sets ${50 - MAX_USER_TAGS}: give at most ${MAX_USER_TAGS}.`,
    );
  }
  return tags;
}

function tagKey(key: string): string | undefined {
  if (/^deploy:/i.test(key)) {
    return `Keys starting with deploy: are the suite's own (${Object.values(TAG).join(", ")}): choose another prefix.`;
  }
  if (/^aws:/i.test(key)) return "Keys starting with aws: are reserved by AWS: choose another prefix.";
  if (key.length > 128 || !TAG_TEXT.test(key)) {
    return "A tag key is 1 to 128 letters, digits, spaces and _ . : / + - @.";
  }
  return undefined;
}

/**
 * `kms-key-id`: one key for every region (an id or alias, which each region resolves to
 * its own key; an ARN only when it is the one region's), or `region=key` lines.
 */
function readKmsKeys(inputs: Inputs, encrypt: boolean, regions: string[]): Record<string, string> {
  const input = "kms-key-id";
  const text = inputs.string(input);
  if (text === undefined) return {};
  if (!encrypt) {
    throw invalidInput(input, text, "is set without encrypt", 'Set "encrypt" to true, or remove kms-key-id.');
  }
  if (!text.includes("=")) {
    const region = keyRegion(text, text);
    const others = regions.filter((r) => r !== region);
    if (region !== undefined && others.length > 0) {
      throw invalidInput(
        input,
        text,
        `is a key of ${region}, and the AMI also goes to ${others.join(", ")}`,
        `A KMS key belongs to one region: give one region=key line per region, like "${regions[0]}=arn:aws:kms:${regions[0]}:123456789012:key/...", or an alias that exists in each region.`,
      );
    }
    return Object.fromEntries(regions.map((r) => [r, text]));
  }
  const keys = inputs.keyValues(input, { key: regionCode });
  for (const [region, key] of Object.entries(keys)) {
    const line = `${region}=${key}`;
    if (!regions.includes(region)) {
      throw invalidInput(
        input,
        line,
        `names ${region}, where no AMI is made`,
        `Give keys for ${regions.join(", ")} only (the region and "regions"), or add ${region} to "regions".`,
      );
    }
    const owner = keyRegion(key, line);
    if (owner !== undefined && owner !== region) {
      throw invalidInput(
        input,
        line,
        `gives ${region} a key of ${owner}`,
        `Give ${region} a key that is in ${region}.`,
      );
    }
  }
  return keys;
}

/** The region of a key ARN, undefined for an id or alias; a malformed key fails. */
function keyRegion(key: string, got: string): string | undefined {
  const parsed = kmsKey(key);
  if (parsed) return parsed.region;
  throw invalidInput(
    "kms-key-id",
    got,
    "is not a KMS key",
    "Write a key id, an alias (alias/name), or a key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>).",
  );
}

/**
 * The ami-name template, with the runner's default where it is empty. It is rendered here
 * with a stand-in key, so that a bad template fails before the bake; the bake renders it again.
 */
function readAmiName(inputs: Inputs, run: RunContext, commit: string, forceRebake: boolean, now: Date): string {
  const repositoryName = run.repository.split("/").pop() ?? "";
  const fallback = DEFAULTS["ami-name"].replace(REPOSITORY_NAME, repositoryName);
  const template = inputs.string("ami-name", { default: fallback });
  if (!BAKE_KEY_PLACEHOLDER.test(template)) {
    throw invalidInput(
      "ami-name",
      template,
      "has no {{bake-key}}",
      "AMI names are unique in a region: put {{bake-key}} in the name, so that what is baked from other inputs gets another name.",
    );
  }
  if (forceRebake && !DATE_PLACEHOLDER.test(template)) {
    throw invalidInput(
      "ami-name",
      template,
      "has no {{date}}, and force-rebake is set",
      "A rebake with the same key needs a new name: put {{date}} in ami-name, or leave force-rebake off.",
    );
  }
  forInput("ami-name", () => renderAmiName(template, { commit, date: now, bakeKey: `sha256:${"0".repeat(64)}` }));
  return template;
}
