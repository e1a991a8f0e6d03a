import { createHash } from "node:crypto";
import { AwsError } from "../../protocol/errors.ts";

/**
 * EC2 resource ids and the errors EC2 answers about them: a malformed id and a well-formed
 * id that does not exist are different errors, and callers (retry loops) tell them apart.
 */
interface ResourceKind {
  prefix: string;
  malformed: string;
  notFound: string;
  notFoundMessage: (id: string) => string;
}

const RESOURCE_KINDS = {
  instance: {
    prefix: "i",
    malformed: "InvalidInstanceID.Malformed",
    notFound: "InvalidInstanceID.NotFound",
    notFoundMessage: (id) => `The instance ID '${id}' does not exist`,
  },
  image: {
    prefix: "ami",
    malformed: "InvalidAMIID.Malformed",
    notFound: "InvalidAMIID.NotFound",
    notFoundMessage: (id) => `The image id '[${id}]' does not exist`,
  },
  snapshot: {
    prefix: "snap",
    malformed: "InvalidSnapshotID.Malformed",
    notFound: "InvalidSnapshot.NotFound",
    notFoundMessage: (id) => `The snapshot '${id}' does not exist.`,
  },
  launchTemplate: {
    prefix: "lt",
    malformed: "InvalidLaunchTemplateId.Malformed",
    notFound: "InvalidLaunchTemplateId.NotFound",
    notFoundMessage: (id) => `The specified launch template, with template ID ${id}, does not exist.`,
  },
  subnet: {
    prefix: "subnet",
    malformed: "InvalidSubnetID.Malformed",
    notFound: "InvalidSubnetID.NotFound",
    notFoundMessage: (id) => `The subnet ID '${id}' does not exist`,
  },
  securityGroup: {
    prefix: "sg",
    malformed: "InvalidGroupId.Malformed",
    notFound: "InvalidGroup.NotFound",
    notFoundMessage: (id) => `The security group '${id}' does not exist`,
  },
} satisfies Record<string, ResourceKind>;

export type ResourceKindName = keyof typeof RESOURCE_KINDS;

/** AWS ids are the prefix and 8 (old style) or 17 lowercase hex digits. */
export function isWellFormed(kind: ResourceKindName, id: string): boolean {
  return new RegExp(`^${RESOURCE_KINDS[kind].prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

/** The id itself, or the kind's `Malformed` error. */
export function wellFormed(kind: ResourceKindName, id: string): string {
  if (!isWellFormed(kind, id)) throw new AwsError(RESOURCE_KINDS[kind].malformed, `Invalid id: "${id}"`);
  return id;
}

export function notFound(kind: ResourceKindName, id: string): AwsError {
  return new AwsError(RESOURCE_KINDS[kind].notFound, RESOURCE_KINDS[kind].notFoundMessage(id));
}

/** Which kind of resource an id names, by its prefix. */
export function kindOfId(id: string): ResourceKindName | undefined {
  const prefix = id.slice(0, id.indexOf("-"));
  return (Object.keys(RESOURCE_KINDS) as ResourceKindName[]).find((k) => RESOURCE_KINDS[k].prefix === prefix);
}

/**
 * An id that is the same every time for the same inputs, for what exists before anything
 * is created (default subnets, Amazon's images): the same region always has the same ids,
 * whatever order regions are first used in.
 */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}-0${createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 16)}`;
}
