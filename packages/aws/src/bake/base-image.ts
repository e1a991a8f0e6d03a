import { DescribeImagesCommand, type DescribeImagesCommandInput, type Image } from "@aws-sdk/client-ec2";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { type Clock, DeployError } from "@deploy/core";
import { awsErrorCode, fromAwsError, isNotFound } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { AMI_ID } from "../images.ts";
import type { BaseImageSource, ResolvedBaseImage } from "./types.ts";

const INPUT = "base-ami";

const FORMS =
  "Write an AMI id (ami-0123456789abcdef0), an SSM parameter holding one " +
  "(ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64), " +
  "or a name filter with its owners (name=al2023-ami-2023.*-kernel-6.1-x86_64,owner=amazon).";

// SSM parameter names, with an optional `:version` or `:label` selector, as GetParameter takes them.
const PARAMETER = /^[A-Za-z0-9_.\-/]+(?::[A-Za-z0-9_.-]+)?$/;
// AMI names (3 to 128 of these characters) with the filter's `*` and `?` wildcards.
const NAME_PATTERN = /^[A-Za-z0-9()[\] ./'@_*?-]{1,128}$/;
const OWNER = /^(?:\d{12}|self|amazon|aws-marketplace)$/;

/**
 * Reads how the base AMI is named: `ami-...`, `ssm:<parameter>`, or
 * `name=<pattern>,owner=<owner>[,owner=<owner>...]` (the newest available, not deprecated
 * AMI whose name matches, `*` and `?` as wildcards). A filter must name its owners:
 * anyone can publish a public AMI with any name.
 */
export function parseBaseImage(text: string, input = INPUT): BaseImageSource {
  const value = text.trim();
  const fail = (problem: string, fix = FORMS) =>
    new DeployError({ what: `Input "${input}" ${problem}.`, why: `Got "${value}".`, fix, input, code: "InvalidValue" });

  if (value.startsWith("ami-")) {
    if (!AMI_ID.test(value))
      throw fail("is not a valid AMI id", "An AMI id is ami- followed by 8 or 17 hexadecimal digits.");
    return { kind: "id", imageId: value };
  }
  if (value.startsWith("ssm:")) {
    const parameter = value.slice("ssm:".length);
    if (!PARAMETER.test(parameter)) {
      throw fail(
        "is not a valid SSM parameter name",
        "Write ssm: followed by the parameter's name, like ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.",
      );
    }
    return { kind: "ssm", parameter };
  }
  if (!value.includes("=")) throw fail("is not an AMI id, an SSM parameter or a name filter");

  const names: string[] = [];
  const owners: string[] = [];
  for (const part of value.split(",")) {
    const [key = "", ...rest] = part.split("=");
    const item = rest.join("=").trim();
    if (key.trim() === "name") names.push(item);
    else if (key.trim() === "owner") owners.push(item);
    else
      throw fail(`has "${part.trim()}" in its name filter`, `A name filter has only name= and owner= parts. ${FORMS}`);
  }
  const [namePattern] = names;
  if (names.length !== 1 || namePattern === undefined) {
    throw fail("needs exactly one name= in its name filter", `Give one name pattern. ${FORMS}`);
  }
  if (!NAME_PATTERN.test(namePattern)) {
    throw fail(
      `has an invalid name pattern "${namePattern}"`,
      "AMI names are up to 128 letters, digits, spaces and ( ) [ ] . / - ' @ _; use * and ? as wildcards.",
    );
  }
  if (owners.length === 0) {
    throw fail(
      "has a name filter without an owner",
      "Add owner=amazon, owner=self or owner=<account id>: anyone can publish a public AMI with a name that matches.",
    );
  }
  const badOwner = owners.find((owner) => !OWNER.test(owner));
  if (badOwner !== undefined) {
    throw fail(
      `has an invalid owner "${badOwner}"`,
      "An owner is a 12-digit account id, self, amazon or aws-marketplace.",
    );
  }
  return { kind: "filter", namePattern, owners };
}

/** How the summary names where the base AMI came from. */
export function describeBaseImageSource(source: BaseImageSource): string {
  switch (source.kind) {
    case "id":
      return source.imageId;
    case "ssm":
      return `ssm:${source.parameter}`;
    case "filter":
      return `name ${source.namePattern} owned by ${source.owners.join(" or ")}`;
  }
}

/**
 * The AMI a source names in the clients' region, which must be available there: an id as
 * it is, an SSM parameter's value, or a filter's newest match that is neither deprecated
 * (by the clock's time) nor unavailable. No waiting: a base AMI is not new, and the SDK
 * retries throttling.
 */
export async function resolveBaseImage(
  clients: AwsClients,
  source: BaseImageSource,
  opts: { clock: Clock; signal: AbortSignal },
): Promise<ResolvedBaseImage> {
  const from = describeBaseImageSource(source);
  let image: Image;
  switch (source.kind) {
    case "id":
      image = await imageById(clients, source.imageId, "", opts.signal);
      break;
    case "ssm": {
      const imageId = await parameterValue(clients, source.parameter, opts.signal);
      image = await imageById(clients, imageId, `, named by the SSM parameter ${source.parameter},`, opts.signal);
      break;
    }
    case "filter":
      image = await newestMatch(clients, source, from, opts);
      break;
  }
  return {
    imageId: image.ImageId as string,
    name: image.Name ?? "",
    architecture: image.Architecture ?? "",
    source: from,
    ...(image.CreationDate && { creationDate: image.CreationDate }),
  };
}

/** `named` says where the id came from, as it reads after the id (`, named by ...,`). */
async function imageById(clients: AwsClients, imageId: string, named: string, signal: AbortSignal): Promise<Image> {
  const { region } = clients;
  const [image] = await describeImages(clients, { ImageIds: [imageId] }, `describe the base AMI ${imageId}`, signal);
  if (!image) {
    throw new DeployError({
      what: `The base AMI ${imageId}${named} does not exist in ${region}.`,
      why: "DescribeImages does not find it: an AMI belongs to one region, a deregistered one is gone, and another account's must be shared with this one.",
      fix: `Give an AMI of ${region} in "${INPUT}", or an SSM parameter or a name filter, which find the right AMI in each region.`,
      input: INPUT,
      code: "BaseImageNotFound",
    });
  }
  if (image.State !== "available") {
    const reason = image.StateReason?.Message ? ` AWS says: ${image.StateReason.Message}` : "";
    throw new DeployError({
      what: `The base AMI ${imageId}${named} in ${region} is ${image.State ?? "in an unknown state"}, not available.`,
      why: `A builder can only launch from an available AMI.${reason}`,
      fix:
        image.State === "pending"
          ? "Run this step again once the AMI is available."
          : `Give another base AMI in "${INPUT}".`,
      input: INPUT,
      code: "BaseImageNotAvailable",
    });
  }
  return image;
}

async function parameterValue(clients: AwsClients, name: string, signal: AbortSignal): Promise<string> {
  const { region } = clients;
  signal.throwIfAborted();
  let parameter: { Value?: string; Type?: string } | undefined;
  try {
    ({ Parameter: parameter } = await clients.ssm.send(new GetParameterCommand({ Name: name })));
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === "ParameterVersionNotFound" || code === "ParameterVersionLabelNotFound") {
      throw missingVersion(name, region, code, error);
    }
    if (code !== "ParameterNotFound") throw fromAwsError(error, `read the SSM parameter ${name}`);
    throw new DeployError({
      what: `The SSM parameter ${name} does not exist in ${region}.`,
      why: "GetParameter answered ParameterNotFound; parameters belong to one region.",
      fix: `Check the name in "${INPUT}". AWS's public ones are listed by \`aws ssm get-parameters-by-path --path /aws/service/ami-amazon-linux-latest --region ${region}\`.`,
      input: INPUT,
      code: "ParameterNotFound",
    });
  }
  const value = parameter?.Value ?? "";
  if (AMI_ID.test(value)) return value;
  // Not decrypted, but a SecureString's value is not printed even so.
  const got = parameter?.Type === "SecureString" ? "It is a SecureString." : `It holds "${value}".`;
  throw new DeployError({
    what: `The SSM parameter ${name} in ${region} does not hold an AMI id.`,
    why: `${got} An AMI id is ami- followed by 8 or 17 hexadecimal digits.`,
    fix: `Name a parameter whose value is an AMI id (data type aws:ec2:image) in "${INPUT}".`,
    input: INPUT,
    code: "InvalidBaseImage",
  });
}

/** `name:version` or `name:label` named a version the parameter does not have (or no longer keeps: SSM keeps 100). */
function missingVersion(selected: string, region: string, code: string, cause: unknown): DeployError {
  const colon = selected.lastIndexOf(":");
  const name = selected.slice(0, colon);
  const selector = selected.slice(colon + 1);
  // A label may not start with a digit, so a selector of digits is a version, anything else a
  // label: told by its form rather than by the error code, which AWS documents for versions only.
  const which = /^\d+$/.test(selector) ? `no version ${selector}` : `no version labelled ${selector}`;
  return new DeployError({
    what: `The SSM parameter ${name} has ${which} in ${region}.`,
    why: `GetParameter answered ${code}; Parameter Store keeps a parameter's last 100 versions, and a label is on one version at a time.`,
    fix: `Check the version or label after the name in "${INPUT}" (\`aws ssm get-parameter-history --name ${name} --region ${region}\` lists them), or drop it to use the latest version.`,
    input: INPUT,
    code: "ParameterNotFound",
    serviceCode: code,
    cause,
  });
}

async function newestMatch(
  clients: AwsClients,
  source: Extract<BaseImageSource, { kind: "filter" }>,
  from: string,
  { clock, signal }: { clock: Clock; signal: AbortSignal },
): Promise<Image> {
  const { region } = clients;
  // Deprecated ones too, so that when all are deprecated the error can say so.
  const matches = await describeImages(
    clients,
    { Owners: source.owners, Filters: [{ Name: "name", Values: [source.namePattern] }], IncludeDeprecated: true },
    `find the base AMI (${from})`,
    signal,
  );
  const now = clock.now();
  const deprecated = (image: Image) => image.DeprecationTime !== undefined && Date.parse(image.DeprecationTime) <= now;
  const usable = matches.filter((image) => image.State === "available" && !deprecated(image));
  const [newest] = usable.sort(
    (a, b) => Date.parse(b.CreationDate ?? "") - Date.parse(a.CreationDate ?? "") || order(a.ImageId, b.ImageId),
  );
  if (newest) return newest;

  const skipped =
    matches.length === 0 ? "none matches" : `${matches.length} match, but none is available and not deprecated`;
  throw new DeployError({
    what: `No base AMI in ${region} matches name "${source.namePattern}" owned by ${source.owners.join(" or ")}.`,
    why: `DescribeImages: ${skipped}.`,
    fix: `Check the pattern and owners in "${INPUT}" (\`aws ec2 describe-images --owners ${source.owners.join(" ")} --filters Name=name,Values='${source.namePattern}' --region ${region}\` lists the matches), or give an AMI id.`,
    input: INPUT,
    code: "BaseImageNotFound",
  });
}

/** Every page of a DescribeImages; an id that does not exist gives no image rather than an error. */
async function describeImages(
  clients: AwsClients,
  input: DescribeImagesCommandInput,
  doing: string,
  signal: AbortSignal,
): Promise<Image[]> {
  const images: Image[] = [];
  let NextToken: string | undefined;
  try {
    do {
      signal.throwIfAborted();
      const answer = await clients.ec2.send(new DescribeImagesCommand({ ...input, NextToken }));
      images.push(...(answer.Images ?? []));
      NextToken = answer.NextToken;
    } while (NextToken);
  } catch (error) {
    if (input.ImageIds && isNotFound(error)) return [];
    throw fromAwsError(error, doing);
  }
  return images;
}

function order(a = "", b = ""): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
