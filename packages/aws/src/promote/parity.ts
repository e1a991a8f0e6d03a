import { createHash } from "node:crypto";
import { DescribeImagesCommand, type Image } from "@aws-sdk/client-ec2";
import { fromAwsError, isNotFound } from "../aws-errors.ts";
import type { AwsClients, AwsContext } from "../clients.ts";
import { describeGroup } from "../group.ts";
import { readTemplateVersion, type TemplateVersion } from "../launch-template.ts";
import type { GroupInfo } from "../rollout/types.ts";
import { TAG, tagValue } from "../tags.ts";

export interface ParityRow {
  aspect: string;
  source: string;
  target: string;
  same: boolean;
  /** Capacity and environment differences are expected; structural ones are warnings (failures with require-parity). */
  expected: boolean;
}

export interface ParityReport {
  compared: boolean;
  /** Why not compared. */
  why?: string;
  rows: ParityRow[];
  /** Rows that differ (expected or not). */
  differences: ParityRow[];
  /** Differences that are not expected: warnings, failures with require-parity. */
  unexpected: ParityRow[];
}

export interface GroupSide {
  region: string;
  group: string;
  /** The environment's name, normalised away in user data like the group's. */
  environment?: string;
  /**
   * The values the environment rendered its user data with (rolling-replace's `vars`), when
   * known: each value (of 3 characters or more) found in the user data becomes `{{NAME}}` again.
   */
  vars?: Record<string, string>;
}

interface Observed {
  side: GroupSide;
  group: GroupInfo;
  template: TemplateVersion;
  image: Image | undefined;
}

/**
 * Compares two Auto Scaling groups, each by its launch template version (the one the group
 * launches):
 *
 * - instance family (`t3` of `t3.small`; the size is expected to differ) and architecture (the
 *   AMI's, else from the instance type: a `g` after the generation digit, or `a1`, is arm64);
 * - AMI lineage: the same bake key, or else the same AMI name once its variable parts (tokens of
 *   6 or more hex digits with a digit among them: commits, dates, bake keys) are `*`;
 * - user-data template: a digest of the user data with the environment's values normalised
 *   (see normaliseUserData);
 * - health check type, the number of availability zones;
 * - capacity (min, max, desired): expected to differ.
 *
 * A group without a launch template (a launch configuration, or a mixed instances policy
 * without one) is not compared, and the report says why. A group that does not exist is an error.
 */
export async function compareGroups(ctx: AwsContext, source: GroupSide, target: GroupSide): Promise<ParityReport> {
  const [a, b] = await Promise.all([observe(ctx, source), observe(ctx, target)]);
  if (typeof a === "string" || typeof b === "string") {
    const why = [a, b].filter((x): x is string => typeof x === "string").join(" ");
    return { compared: false, why, rows: [], differences: [], unexpected: [] };
  }
  const row = (aspect: string, s: string, t: string, expected = false, same = s === t): ParityRow => ({
    aspect,
    source: s,
    target: t,
    same,
    expected,
  });
  const [la, lb] = [lineage(a.image), lineage(b.image)];
  const [ua, ub] = [userDataDigest(a), userDataDigest(b)];
  const zones = (o: Observed) => o.group.availabilityZones ?? [];
  const rows: ParityRow[] = [
    row("instance family", family(a.template.instanceType), family(b.template.instanceType)),
    row("instance type", a.template.instanceType ?? "unknown", b.template.instanceType ?? "unknown", true),
    row("architecture", architecture(a), architecture(b)),
    row("AMI lineage", la.text, lb.text, false, sameLineage(la, lb)),
    row("user-data template", ua, ub),
    row("health check type", a.group.healthCheckType, b.group.healthCheckType),
    row(
      "availability zones",
      `${zones(a).length} (${zones(a).join(", ")})`,
      `${zones(b).length} (${zones(b).join(", ")})`,
      false,
      zones(a).length === zones(b).length,
    ),
    row("min size", String(a.group.minSize), String(b.group.minSize), true),
    row("max size", String(a.group.maxSize), String(b.group.maxSize), true),
    row("desired capacity", String(a.group.desiredCapacity), String(b.group.desiredCapacity), true),
  ];
  const differences = rows.filter((r) => !r.same);
  return { compared: true, rows, differences, unexpected: differences.filter((r) => !r.expected) };
}

/** The group with its launch template version and AMI, or why it cannot be compared. */
async function observe(ctx: AwsContext, side: GroupSide): Promise<Observed | string> {
  const clients = ctx.aws(side.region);
  const group = await describeGroup(clients, side.group);
  if (!group.launchTemplate) {
    const how = group.mixedInstancesPolicy ? "a mixed instances policy" : "a launch configuration";
    return `Group ${side.group} in ${side.region} launches through ${how}, not a launch template; only launch templates are compared.`;
  }
  const template = await readTemplateVersion(clients, group.launchTemplate.id, group.launchTemplate.version);
  const image = template.imageId ? await describeImage(clients, template.imageId) : undefined;
  return { side, group, template, image };
}

/** The AMI as this account sees it, or undefined when it does not (deregistered, or not shared with it). */
async function describeImage(clients: AwsClients, imageId: string): Promise<Image | undefined> {
  try {
    return (await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw fromAwsError(error, `describe AMI ${imageId} in ${clients.region}`);
  }
}

export function family(instanceType: string | undefined): string {
  return instanceType?.split(".")[0] ?? "unknown";
}

function architecture(o: Observed): string {
  if (o.image?.Architecture) return o.image.Architecture;
  const f = family(o.template.instanceType);
  if (f === "unknown") return f;
  return /^a1$|^[a-z]+\d+[a-z]*g/.test(f) ? "arm64" : "x86_64";
}

interface Lineage {
  text: string;
  /** The name pattern; absent when the AMI or its name is not visible. */
  pattern?: string;
  bakeKey?: string;
}

function lineage(image: Image | undefined): Lineage {
  if (!image?.Name) return { text: image ? `${image.ImageId} (no name)` : "unknown (the AMI is not visible)" };
  const pattern = namePattern(image.Name);
  const bakeKey = tagValue(image.Tags, TAG.bakeKey);
  return { text: `${pattern} (${image.ImageId})`, pattern, ...(bakeKey && { bakeKey }) };
}

/** The same bake key, or else the same name pattern; unknown is never the same. */
function sameLineage(a: Lineage, b: Lineage): boolean {
  if (a.bakeKey !== undefined && a.bakeKey === b.bakeKey) return true;
  return a.pattern !== undefined && a.pattern === b.pattern;
}

/** An AMI name with its variable parts (tokens of 6+ hex digits with a digit: commits, dates, bake keys) as `*`. */
export function namePattern(name: string): string {
  return name.replace(/[A-Za-z0-9]+/g, (token) => (/^[0-9a-f]{6,}$/i.test(token) && /\d/.test(token) ? "*" : token));
}

function userDataDigest(o: Observed): string {
  if (!o.template.userData) return "none";
  const text = Buffer.from(o.template.userData, "base64").toString("utf8");
  const normalised = normaliseUserData(text, [o.side.group, o.side.environment], o.side.vars);
  const digest = createHash("sha256").update(normalised).digest("hex").slice(0, 12);
  return `sha256:${digest} (${normalised.split("\n").length} lines)`;
}

/**
 * User data as a template: what is left once the environment's values are taken out. The
 * known vars' values (longest first, 3 characters or more) become `{{NAME}}`; every
 * occurrence of the group's and the environment's names (whole words, any case) becomes
 * `{{ENV}}`; and the value of every `KEY=VALUE` line (optionally `export KEY=VALUE`, the form
 * rolling-replace's vars render to) becomes `{{KEY}}`. Values embedded otherwise (a URL in a
 * command) still count as a difference: write them as KEY=VALUE lines to compare equal.
 */
export function normaliseUserData(
  text: string,
  names: (string | undefined)[],
  vars: Record<string, string> = {},
): string {
  let out = text.replace(/\r\n/g, "\n");
  const known = Object.entries(vars)
    .filter(([, value]) => value.length >= 3)
    .sort(([, a], [, b]) => b.length - a.length);
  for (const [name, value] of known) out = out.replaceAll(value, `{{${name}}}`);
  for (const name of names) {
    if (!name) continue;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "gi"), "{{ENV}}");
  }
  return out.replace(/^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=.*$/gm, "$1$2={{$2}}");
}
