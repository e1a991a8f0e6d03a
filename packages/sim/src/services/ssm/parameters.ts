import { createHash } from "node:crypto";
import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import {
  asInput,
  epochSeconds,
  listLength,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalString,
  optionalStrings,
  requiredString,
  validationError,
} from "./input.ts";
import type { Parameter, ParameterType, ParameterVersion, Tag } from "./state.ts";

/**
 * Parameter Store: String, StringList and SecureString parameters, versions, the
 * `aws:ec2:image` data type, lookups by name and by path. Secrets never leave without
 * `WithDecryption`, as in AWS, where the caller would get the KMS ciphertext instead.
 */
export interface ParameterSpec {
  name: string;
  value: string;
  type?: string | undefined;
  dataType?: string | undefined;
  description?: string | undefined;
  keyId?: string | undefined;
  tags?: Tag[] | undefined;
  overwrite?: boolean | undefined;
  allowedPattern?: string | undefined;
  tier?: string | undefined;
}

const TYPES: readonly ParameterType[] = ["String", "StringList", "SecureString"];
const DATA_TYPES = ["text", "aws:ec2:image", "aws:ssm:integration"];
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const NAME = /^[a-zA-Z0-9_.\-/]+$/;
// PutParameter's `Value`: 4 KB standard, 8 KB advanced (SSM API reference, PutParameter).
const MAX_VALUE = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };
// The model's PSParameterName is 1..2048; PutParameter's Name documentation says 1011 of them, ARN included, are the caller's.
const MAX_NAME = 2048;
const MAX_NAME_WITH_ARN = 1011;
const MAX_LEVELS = 15;
const MAX_VERSIONS = 100;

/** Creates or overwrites a parameter; `reserved` lets the simulator itself write AWS's public `/aws/...` names. */
export function putParameter(
  region: RegionState,
  spec: ParameterSpec,
  now: number,
  options: { accountId: string; reserved?: boolean },
): Parameter {
  checkName(spec.name, region.name, options.accountId, options.reserved ?? false);
  const existing = region.ssm.parameters.get(spec.name);
  if (existing && !spec.overwrite) {
    throw new AwsError(
      "ParameterAlreadyExists",
      "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    );
  }
  if (spec.overwrite && spec.tags && spec.tags.length > 0) {
    throw validationError(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  const type = (spec.type ?? existing?.type) as ParameterType | undefined;
  if (type === undefined) throw validationError("A parameter type is required when you create a parameter.");
  if (!TYPES.includes(type)) {
    throw validationError(
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
    );
  }
  const dataType = spec.dataType ?? existing?.dataType ?? "text";
  if (!DATA_TYPES.includes(dataType)) {
    throw validationError(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
  }
  if (dataType === "aws:ec2:image" && type !== "String") {
    throw validationError(`The data type aws:ec2:image can only be used with parameters of type String.`);
  }
  if (dataType === "aws:ec2:image" && !AMI_ID.test(spec.value)) {
    throw validationError(
      `Invalid value for the data type aws:ec2:image: '${spec.value}'. The value must be an AMI id such as ami-0123456789abcdef0.`,
    );
  }
  const requestedTier = spec.tier ?? "Standard";
  const maxLength = (MAX_VALUE as Record<string, number | undefined>)[requestedTier];
  if (maxLength === undefined) {
    throw validationError(`The tier ${requestedTier} is not valid. Use Standard, Advanced or Intelligent-Tiering.`);
  }
  if (spec.value.length === 0 || spec.value.length > maxLength) {
    throw validationError(
      `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and ${maxLength}`,
    );
  }
  // Intelligent-Tiering chooses Advanced only when the value needs it; Advanced never goes back.
  const advanced =
    existing?.tier === "Advanced" ||
    requestedTier === "Advanced" ||
    (requestedTier === "Intelligent-Tiering" && spec.value.length > MAX_VALUE.Standard);
  if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(spec.value)) {
    throw new AwsError(
      "ParameterPatternMismatchException",
      `Parameter value, cannot be validated against allowedPattern: ${spec.allowedPattern}`,
    );
  }
  const version: ParameterVersion = {
    version: (existing?.version ?? 0) + 1,
    type,
    value: spec.value,
    lastModifiedDate: now,
    dataType,
    tier: advanced ? "Advanced" : "Standard",
    labels: [],
    ...((spec.description ?? existing?.description) !== undefined && {
      description: spec.description ?? existing?.description,
    }),
    ...(type === "SecureString" && { keyId: spec.keyId ?? existing?.keyId ?? "alias/aws/ssm" }),
    ...(spec.allowedPattern !== undefined && { allowedPattern: spec.allowedPattern }),
  };
  const history = [...(existing?.history ?? []), version];
  // Parameter Store keeps the 100 newest versions and deletes the oldest to make room, unless
  // it has a label: then PutParameter fails (the ParameterMaxVersionLimitExceeded exception
  // in the SSM API reference; "Working with parameter versions", sysman-paramstore-versions.html).
  if (history.length > MAX_VERSIONS) {
    const oldest = history[0] as ParameterVersion;
    if (oldest.labels.length > 0) {
      throw new AwsError(
        "ParameterMaxVersionLimitExceeded",
        `You attempted to create a new version of ${spec.name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
      );
    }
    history.shift();
  }
  const parameter: Parameter = { ...version, name: spec.name, tags: existing?.tags ?? spec.tags ?? [], history };
  region.ssm.parameters.set(spec.name, parameter);
  return parameter;
}

/**
 * PutParameter's naming constraints (its `Name` member in the SSM API reference): letters,
 * digits, `_.-` and `/` between levels, no `aws`/`ssm` prefix, at most 15 levels
 * (HierarchyLevelLimitExceededException), and at most 1011 characters counting the ARN
 * before the name (`arn:aws:ssm:<region>:<account>:parameter/`); the model's 2048 includes
 * 1037 characters Systems Manager reserves.
 */
function checkName(name: string, regionName: string, accountId: string, reserved: boolean): void {
  const withArn = `arn:aws:ssm:${regionName}:${accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
  if (name.length > MAX_NAME || withArn.length > MAX_NAME_WITH_ARN) {
    throw validationError(
      `Parameter name: ${name.slice(0, 64)}... is too long: a name, counted with the ARN before it (${withArn.length - name.length} characters here), can be at most ${MAX_NAME_WITH_ARN} characters.`,
    );
  }
  if (!NAME.test(name)) {
    throw validationError(
      `Parameter name: ${name} is not valid. A name can consist of letters, numbers and the symbols .-_/ and be at most 1011 characters long.`,
    );
  }
  if (name.includes("/") && !name.startsWith("/")) {
    throw validationError("Parameter name must be a fully qualified name.");
  }
  if (!reserved && /^\/?(?:aws|ssm)/i.test(name)) {
    throw validationError(
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
    );
  }
  if (name.split("/").filter((level) => level !== "").length > MAX_LEVELS) {
    throw new AwsError(
      "HierarchyLevelLimitExceededException",
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels. ${name} has more.`,
    );
  }
}

/** AWS's public parameters (`/aws/service/...`) belong to no account, and their ARNs say so. */
function isPublic(name: string): boolean {
  return name.startsWith("/aws/");
}

function arn(world: World, region: RegionState, name: string): string {
  const account = isPublic(name) ? "" : world.accountId;
  return `arn:aws:ssm:${region.name}:${account}:parameter${name.startsWith("/") ? name : `/${name}`}`;
}

/** Stands in for the KMS ciphertext AWS returns without decryption; derived from the ARN, never from the value. */
function ciphertext(parameterArn: string, version: number): string {
  const digest = createHash("sha256").update(`${parameterArn}#${version}`).digest();
  return `AQICAH${Buffer.concat([digest, digest]).toString("base64")}`;
}

function describe(
  world: World,
  region: RegionState,
  p: Parameter,
  withDecryption: boolean,
  found: { version: ParameterVersion; selector?: string } = { version: p },
): Record<string, unknown> {
  const parameterArn = arn(world, region, p.name);
  const v = found.version;
  return {
    Name: p.name,
    Type: v.type,
    Value: v.type === "SecureString" && !withDecryption ? ciphertext(parameterArn, v.version) : v.value,
    Version: v.version,
    // The API reference's Parameter.Selector: the version or label asked for. It does not show
    // its exact form; the simulator answers ":<version>" / ":<label>", the suffix as the name carried it.
    ...(found.selector !== undefined && { Selector: `:${found.selector}` }),
    LastModifiedDate: epochSeconds(v.lastModifiedDate),
    ARN: parameterArn,
    DataType: v.dataType,
  };
}

function notFound(name: string): AwsError {
  return new AwsError("ParameterNotFound", `Parameter ${name} not found.`);
}

/**
 * `name`, `name:version` or `name:label`, as GetParameter and GetParameters take them (their
 * `Name`/`Names` members in the SSM API reference). Parameter names cannot hold ":", so the
 * last one starts the selector; a selector of digits is a version, anything else a label.
 */
type Lookup =
  | { kind: "found"; parameter: Parameter; version: ParameterVersion; selector?: string }
  | { kind: "noParameter"; name: string }
  | { kind: "noVersion"; name: string; version: string }
  | { kind: "noLabel"; name: string; label: string };

function lookup(region: RegionState, requested: string): Lookup {
  const colon = requested.lastIndexOf(":");
  const name = colon < 0 ? requested : requested.slice(0, colon);
  const parameter = region.ssm.parameters.get(name);
  if (!parameter) return { kind: "noParameter", name };
  if (colon < 0) return { kind: "found", parameter, version: parameter };
  const selector = requested.slice(colon + 1);
  if (/^\d+$/.test(selector)) {
    const version = parameter.history.find((v) => v.version === Number(selector));
    return version ? { kind: "found", parameter, version, selector } : { kind: "noVersion", name, version: selector };
  }
  const version = parameter.history.find((v) => v.labels.includes(selector));
  return version ? { kind: "found", parameter, version, selector } : { kind: "noLabel", name, label: selector };
}

export function getParameter(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const found = lookup(region, requiredString(input, "Name"));
  switch (found.kind) {
    case "noParameter":
      throw notFound(found.name);
    // ParameterVersionNotFound is one of GetParameter's documented errors (SSM API reference,
    // GetParameter; botocore's model). The message's wording is not documented.
    case "noVersion":
      throw new AwsError(
        "ParameterVersionNotFound",
        `Systems Manager could not find version ${found.version} of ${found.name}. Verify the version and try again.`,
      );
    // Neither the API reference nor the model declares an error of its own for a label no
    // version has; GetParameter's one documented error for a selector that matches no version
    // is ParameterVersionNotFound, so that is what the simulator answers rather than invent a
    // code (clients may also meet ParameterVersionLabelNotFound on AWS: undocumented).
    case "noLabel":
      throw new AwsError(
        "ParameterVersionNotFound",
        `Systems Manager could not find label ${found.label} for parameter ${found.name}. Verify the label and try again.`,
      );
    case "found":
      return {
        Parameter: describe(world, region, found.parameter, optionalBoolean(input, "WithDecryption") ?? false, found),
      };
  }
}

/**
 * GetParameters declares no version errors (botocore's model lists only InvalidKeyId and
 * InternalServerError): a name, version or label that does not resolve is listed in
 * `InvalidParameters` as it was asked for.
 */
export function getParameters(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const names = listLength(optionalStrings(input, "Names") ?? [], "Names", { min: 1, max: 10 });
  const withDecryption = optionalBoolean(input, "WithDecryption") ?? false;
  const unique = [...new Set(names)];
  const parameters: Record<string, unknown>[] = [];
  const invalid: string[] = [];
  for (const name of unique) {
    const found = lookup(region, name);
    if (found.kind === "found") parameters.push(describe(world, region, found.parameter, withDecryption, found));
    else invalid.push(name);
  }
  return { Parameters: parameters, InvalidParameters: invalid };
}

export function getParametersByPath(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const path = requiredString(input, "Path");
  if (!path.startsWith("/"))
    throw validationError(`The parameter path ${path} is not valid. A path must begin with /.`);
  if (optionalList(input, "ParameterFilters")) {
    throw validationError("ParameterFilters are not supported by the simulator.");
  }
  const recursive = optionalBoolean(input, "Recursive") ?? false;
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const matching = [...region.ssm.parameters.values()]
    .filter((p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes("/")))
    .filter((p) => isPublic(prefix) || !isPublic(p.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(matching, {
    nextToken: optionalString(input, "NextToken"),
    maxResults: optionalInteger(input, "MaxResults", { min: 1, max: 10 }),
    defaultMax: 10,
  });
  const withDecryption = optionalBoolean(input, "WithDecryption") ?? false;
  return { Parameters: page.map((p) => describe(world, region, p, withDecryption)), NextToken: nextToken };
}

export function putParameterOperation(body: unknown, { world, region, now }: RequestContext): unknown {
  const input = asInput(body);
  const tags = optionalList(input, "Tags")?.map((t) => ({
    Key: requiredString(t, "Key"),
    Value: requiredString(t, "Value"),
  }));
  const parameter = putParameter(
    region,
    {
      name: requiredString(input, "Name"),
      value: optionalString(input, "Value") ?? "",
      type: optionalString(input, "Type"),
      dataType: optionalString(input, "DataType"),
      description: optionalString(input, "Description"),
      keyId: optionalString(input, "KeyId"),
      tags,
      overwrite: optionalBoolean(input, "Overwrite"),
      allowedPattern: optionalString(input, "AllowedPattern"),
      tier: optionalString(input, "Tier"),
    },
    now,
    { accountId: world.accountId },
  );
  return { Version: parameter.version, Tier: parameter.tier };
}

export function deleteParameter(body: unknown, { region }: RequestContext): unknown {
  const name = requiredString(asInput(body), "Name");
  if (!region.ssm.parameters.delete(name)) throw notFound(name);
  return {};
}

const LABEL_CHARACTERS = /^[a-zA-Z0-9_.-]+$/;
const MAX_LABELS_PER_VERSION = 10;

/**
 * LabelParameterVersion, by the requirements its SSM API reference page lists: a label is on
 * one version of a parameter at a time (attaching it elsewhere moves it), a version has at
 * most 10 labels (ParameterVersionLabelLimitExceeded), a label is 1..100 characters (the
 * model's ParameterLabel; longer is a ValidationException) of letters, digits, `.`, `-` and
 * `_`, and does not begin with a digit, `aws` or `ssm` (case-insensitive). A label that breaks
 * those is not attached and comes back in `InvalidLabels`; the page says so of the
 * beginnings, and is not explicit about the characters, which the simulator treats the same.
 * `ParameterVersion` absent: the latest.
 */
export function labelParameterVersion(body: unknown, { region }: RequestContext): unknown {
  const input = asInput(body);
  const name = requiredString(input, "Name");
  const labels = listLength(optionalStrings(input, "Labels") ?? [], "Labels", { min: 1, max: 10 });
  for (const label of labels) {
    if (label.length < 1 || label.length > 100) {
      throw validationError(
        `1 validation error detected: Value '[${labels.join(", ")}]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]`,
      );
    }
  }
  const requested = optionalInteger(input, "ParameterVersion", { min: 0, max: Number.MAX_SAFE_INTEGER });
  const parameter = region.ssm.parameters.get(name);
  if (!parameter) throw notFound(name);
  const target =
    requested === undefined ? parameter.history.at(-1) : parameter.history.find((v) => v.version === requested);
  if (!target) {
    throw new AwsError(
      "ParameterVersionNotFound",
      `Systems Manager could not find version ${requested} of ${name}. Verify the version and try again.`,
    );
  }
  const valid = (label: string) => LABEL_CHARACTERS.test(label) && !/^(?:\d|aws|ssm)/i.test(label);
  const attaching = [...new Set(labels.filter(valid))];
  const after = new Set([...target.labels, ...attaching]);
  if (after.size > MAX_LABELS_PER_VERSION) {
    throw new AwsError(
      "ParameterVersionLabelLimitExceeded",
      `A parameter version can have a maximum of ${MAX_LABELS_PER_VERSION} labels. Version ${target.version} of ${name} would have ${after.size}.`,
    );
  }
  for (const version of parameter.history) {
    if (version !== target) version.labels = version.labels.filter((label) => !attaching.includes(label));
  }
  target.labels = [...after];
  // The latest version is the parameter itself too; keep its labels the same.
  const latest = parameter.history.at(-1);
  if (latest) parameter.labels = latest.labels;
  return { InvalidLabels: labels.filter((label) => !valid(label)), ParameterVersion: target.version };
}

/**
 * GetParameterHistory: every version Parameter Store keeps, oldest first, 1..50 a page (the
 * model's MaxResults). The API reference does not say the order or the default page size;
 * the simulator lists oldest first and pages 50 by default. `LastModifiedUser` is left out:
 * there is no IAM here to name a caller.
 */
export function getParameterHistory(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const name = requiredString(input, "Name");
  const parameter = region.ssm.parameters.get(name);
  if (!parameter) throw notFound(name);
  const withDecryption = optionalBoolean(input, "WithDecryption") ?? false;
  const { page, nextToken } = paginate(parameter.history, {
    nextToken: optionalString(input, "NextToken"),
    maxResults: optionalInteger(input, "MaxResults", { min: 1, max: 50 }),
    defaultMax: 50,
  });
  return {
    Parameters: page.map((v) => {
      const { Selector: _, ARN: __, ...shown } = describe(world, region, parameter, withDecryption, { version: v });
      return {
        ...shown,
        Tier: v.tier,
        Labels: v.labels,
        ...(v.description !== undefined && { Description: v.description }),
        ...(v.keyId !== undefined && { KeyId: v.keyId }),
        ...(v.allowedPattern !== undefined && { AllowedPattern: v.allowedPattern }),
        Policies: [],
      };
    }),
    NextToken: nextToken,
  };
}
