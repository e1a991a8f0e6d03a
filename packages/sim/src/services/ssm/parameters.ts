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
import type { Parameter, ParameterType, Tag } from "./state.ts";

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
const MAX_VALUE = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };

/** Creates or overwrites a parameter; `reserved` lets the simulator itself write AWS's public `/aws/...` names. */
export function putParameter(
  region: RegionState,
  spec: ParameterSpec,
  now: number,
  options: { reserved?: boolean } = {},
): Parameter {
  checkName(spec.name, options.reserved ?? false);
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
  const parameter: Parameter = {
    name: spec.name,
    type,
    value: spec.value,
    version: (existing?.version ?? 0) + 1,
    lastModifiedDate: now,
    dataType,
    tier: advanced ? "Advanced" : "Standard",
    tags: existing?.tags ?? spec.tags ?? [],
    ...((spec.description ?? existing?.description) !== undefined && {
      description: spec.description ?? existing?.description,
    }),
    ...(type === "SecureString" && { keyId: spec.keyId ?? existing?.keyId ?? "alias/aws/ssm" }),
  };
  region.ssm.parameters.set(spec.name, parameter);
  return parameter;
}

function checkName(name: string, reserved: boolean): void {
  if (!NAME.test(name) || name.length > 1011) {
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

function describe(world: World, region: RegionState, p: Parameter, withDecryption: boolean): Record<string, unknown> {
  const parameterArn = arn(world, region, p.name);
  return {
    Name: p.name,
    Type: p.type,
    Value: p.type === "SecureString" && !withDecryption ? ciphertext(parameterArn, p.version) : p.value,
    Version: p.version,
    LastModifiedDate: epochSeconds(p.lastModifiedDate),
    ARN: parameterArn,
    DataType: p.dataType,
  };
}

function notFound(name: string): AwsError {
  return new AwsError("ParameterNotFound", `Parameter ${name} not found.`);
}

export function getParameter(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const name = requiredString(input, "Name");
  const parameter = region.ssm.parameters.get(name);
  if (!parameter) throw notFound(name);
  return { Parameter: describe(world, region, parameter, optionalBoolean(input, "WithDecryption") ?? false) };
}

export function getParameters(body: unknown, { world, region }: RequestContext): unknown {
  const input = asInput(body);
  const names = listLength(optionalStrings(input, "Names") ?? [], "Names", { min: 1, max: 10 });
  const withDecryption = optionalBoolean(input, "WithDecryption") ?? false;
  const unique = [...new Set(names)];
  return {
    Parameters: unique.flatMap((name) => {
      const p = region.ssm.parameters.get(name);
      return p ? [describe(world, region, p, withDecryption)] : [];
    }),
    InvalidParameters: unique.filter((name) => !region.ssm.parameters.has(name)),
  };
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

export function putParameterOperation(body: unknown, { region, now }: RequestContext): unknown {
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
  );
  return { Version: parameter.version, Tier: parameter.tier };
}

export function deleteParameter(body: unknown, { region }: RequestContext): unknown {
  const name = requiredString(asInput(body), "Name");
  if (!region.ssm.parameters.delete(name)) throw notFound(name);
  return {};
}
