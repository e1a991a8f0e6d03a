import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState, World } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import { maxRecords, requireGroup, validation } from "./errors.ts";
import { aliveMembers, isoSeconds, newUuid, terminateMember } from "./members.ts";
import { activeRefresh, cancelRefresh } from "./refresh.ts";
import { activityXml, groupXml, launchTemplateXml } from "./serialize.ts";
import type { Group, GroupTag, LaunchTemplateRef } from "./state.ts";
import { readTemplateRef } from "./templates.ts";

/** The operations on groups themselves: create, update, delete, describe, resize, and terminate a member. */

/** What a new group needs; the API and world files both make groups through `newGroup`. */
export interface GroupSpec {
  name: string;
  launchTemplate?: LaunchTemplateRef | undefined;
  launchConfigurationName?: string | undefined;
  minSize: number;
  maxSize: number;
  desiredCapacity?: number | undefined;
  subnetIds: string[];
  availabilityZones?: string[];
  healthCheckType?: string | undefined;
  healthCheckGracePeriod?: number | undefined;
  defaultInstanceWarmup?: number | undefined;
  defaultCooldown?: number | undefined;
  targetGroupARNs?: string[];
  tags?: GroupTag[];
  newInstancesProtectedFromScaleIn?: boolean | undefined;
}

const HEALTH_CHECK_TYPES = ["EC2", "ELB", "VPC_LATTICE", "EBS"];
const MAX_GROUP_NAME = 255;
const GROUP_NAME_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * CreateAutoScalingGroup's AutoScalingGroupName: 1..255 characters (botocore's model,
 * XmlStringMaxLen255), "any ASCII character 33 to 126", and no colon (the CreateAutoScalingGroup
 * API reference). The length is the model's constraint, answered as Auto Scaling answers one
 * (ValidationError, "1 validation error detected: ..."); for the characters the reference
 * gives no error, and the simulator answers its plain ValidationError.
 */
function checkGroupName(name: string): void {
  if (name.length > MAX_GROUP_NAME) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'autoScalingGroupName' failed to satisfy constraint: Member must have length less than or equal to ${MAX_GROUP_NAME}`,
    );
  }
  if (!GROUP_NAME_CHARACTERS.test(name) || name.includes(":")) {
    throw validation(
      `Invalid Auto Scaling group name: ${name}. A name is ASCII characters 33 to 126, without a colon.`,
    );
  }
}

export function newGroup(world: World, region: RegionState, spec: GroupSpec, now: number): Group {
  checkGroupName(spec.name);
  if (region.autoscaling.groups.has(spec.name)) {
    throw new AwsError(
      "AlreadyExists",
      `AutoScalingGroup by this name already exists - A group with the name ${spec.name} already exists`,
    );
  }
  const desiredCapacity = spec.desiredCapacity ?? spec.minSize;
  checkSizes(spec.minSize, spec.maxSize, desiredCapacity);
  const healthCheckType = spec.healthCheckType ?? "EC2";
  if (!HEALTH_CHECK_TYPES.includes(healthCheckType)) throw validation(`Invalid health check type: ${healthCheckType}`);
  const group: Group = {
    name: spec.name,
    arn: `arn:aws:autoscaling:${region.name}:${world.accountId}:autoScalingGroup:${newUuid(world)}:autoScalingGroupName/${spec.name}`,
    createdAt: now,
    launchTemplate: spec.launchTemplate,
    launchConfigurationName: spec.launchConfigurationName,
    minSize: spec.minSize,
    maxSize: spec.maxSize,
    desiredCapacity,
    defaultCooldown: spec.defaultCooldown ?? 300,
    ...placement(region, spec.subnetIds, spec.availabilityZones ?? []),
    healthCheckType,
    healthCheckGracePeriod: spec.healthCheckGracePeriod ?? 0,
    defaultInstanceWarmup: spec.defaultInstanceWarmup,
    targetGroupARNs: spec.targetGroupARNs ?? [],
    trafficSources: [],
    tags: spec.tags ?? [],
    newInstancesProtectedFromScaleIn: spec.newInstancesProtectedFromScaleIn ?? false,
    suspended: new Map(),
    members: new Map(),
    deleting: false,
    refreshes: [],
    launchFailures: 0,
  };
  region.autoscaling.groups.set(group.name, group);
  return group;
}

export function createAutoScalingGroup(q: QueryParams, { world, region, now }: RequestContext) {
  const source = launchSource(region, q);
  if (!source.launchTemplate && !source.launchConfigurationName) {
    throw validation(
      "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
    );
  }
  newGroup(
    world,
    region,
    {
      name: q.requiredStr("AutoScalingGroupName"),
      ...source,
      minSize: requiredInt(q, "MinSize"),
      maxSize: requiredInt(q, "MaxSize"),
      desiredCapacity: q.int("DesiredCapacity"),
      subnetIds: subnetList(q.str("VPCZoneIdentifier")),
      availabilityZones: q.strings("AvailabilityZones"),
      healthCheckType: q.str("HealthCheckType"),
      healthCheckGracePeriod: q.int("HealthCheckGracePeriod"),
      defaultInstanceWarmup: q.int("DefaultInstanceWarmup"),
      defaultCooldown: q.int("DefaultCooldown"),
      targetGroupARNs: q.strings("TargetGroupARNs"),
      tags: q.structs("Tags").map((t) => ({
        Key: t.requiredStr("Key"),
        Value: t.str("Value") ?? "",
        PropagateAtLaunch: t.bool("PropagateAtLaunch") ?? false,
      })),
      newInstancesProtectedFromScaleIn: q.bool("NewInstancesProtectedFromScaleIn"),
    },
    now,
  );
  return {};
}

export function updateAutoScalingGroup(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const source = launchSource(region, q);
  if ((source.launchTemplate || source.launchConfigurationName) && activeRefresh(group)?.desiredConfiguration) {
    throw validation(
      "An active instance refresh with a desired configuration exists. All configuration options derived from the desired configuration are not available for update while the instance refresh is active.",
    );
  }
  const minSize = q.int("MinSize") ?? group.minSize;
  const maxSize = q.int("MaxSize") ?? group.maxSize;
  // A new bound the current size falls outside moves the desired capacity with it.
  const desired = q.int("DesiredCapacity") ?? Math.min(Math.max(group.desiredCapacity, minSize), maxSize);
  checkSizes(minSize, maxSize, desired);
  if (source.launchTemplate || source.launchConfigurationName) {
    group.launchTemplate = source.launchTemplate;
    group.launchConfigurationName = source.launchConfigurationName;
  }
  if (q.has("VPCZoneIdentifier") || q.has("AvailabilityZones")) {
    Object.assign(group, placement(region, subnetList(q.str("VPCZoneIdentifier")), q.strings("AvailabilityZones")));
  }
  const healthCheckType = q.str("HealthCheckType");
  if (healthCheckType !== undefined && !HEALTH_CHECK_TYPES.includes(healthCheckType)) {
    throw validation(`Invalid health check type: ${healthCheckType}`);
  }
  Object.assign(group, {
    minSize,
    maxSize,
    desiredCapacity: desired,
    healthCheckType: healthCheckType ?? group.healthCheckType,
    healthCheckGracePeriod: q.int("HealthCheckGracePeriod") ?? group.healthCheckGracePeriod,
    defaultInstanceWarmup: q.int("DefaultInstanceWarmup") ?? group.defaultInstanceWarmup,
    defaultCooldown: q.int("DefaultCooldown") ?? group.defaultCooldown,
    newInstancesProtectedFromScaleIn:
      q.bool("NewInstancesProtectedFromScaleIn") ?? group.newInstancesProtectedFromScaleIn,
  });
  return {};
}

export function deleteAutoScalingGroup(q: QueryParams, { world, region, now }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"), false);
  if (group.deleting) return {};
  if (!q.bool("ForceDelete")) {
    if ([...group.members.values()].some((m) => m.lifecycleState !== "InService")) {
      throw new AwsError(
        "ScalingActivityInProgress",
        "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
      );
    }
    if (group.members.size > 0) {
      throw new AwsError(
        "ResourceInUse",
        "You cannot delete an AutoScalingGroup while there are instances still in the group.",
      );
    }
  }
  group.deleting = true;
  group.minSize = group.maxSize = group.desiredCapacity = 0;
  const refresh = activeRefresh(group);
  if (refresh) cancelRefresh(refresh, false);
  const cause = `At ${isoSeconds(now)} an instance was taken out of service in response to a user request to delete the group.`;
  for (const member of aliveMembers(group)) terminateMember(world, region, group, member, now, cause);
  return {};
}

export function describeAutoScalingGroups(q: QueryParams, { world, region }: RequestContext) {
  const names = q.strings("AutoScalingGroupNames");
  const filters = q.structs("Filters").map((f) => ({ name: f.requiredStr("Name"), values: f.strings("Values") }));
  const groups = [...region.autoscaling.groups.values()]
    .filter((g) => names.length === 0 || names.includes(g.name))
    .filter((g) => filters.every((f) => matchesFilter(g, f.name, f.values)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(groups, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 100),
    defaultMax: 50,
  });
  const includeInstances = q.bool("IncludeInstances") ?? true;
  return { AutoScalingGroups: page.map((g) => groupXml(g, world.accountId, includeInstances)), NextToken: nextToken };
}

export function setDesiredCapacity(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const desired = requiredInt(q, "DesiredCapacity");
  if (desired > group.maxSize) {
    throw validation(
      `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
    );
  }
  if (desired < group.minSize) {
    throw validation(
      `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
    );
  }
  group.desiredCapacity = desired;
  return {};
}

export function terminateInstanceInAutoScalingGroup(q: QueryParams, { world, region, now }: RequestContext) {
  const id = q.requiredStr("InstanceId");
  const decrement = q.bool("ShouldDecrementDesiredCapacity");
  if (decrement === undefined) {
    throw validation(
      "1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null",
    );
  }
  const group = [...region.autoscaling.groups.values()].find((g) => g.members.has(id));
  const member = group?.members.get(id);
  if (!group || !member) throw validation(`Instance Id not found - No managed instance found for instance ID: ${id}`);
  if (member.lifecycleState === "Terminating") throw validation(`The instance ${id} is already terminating.`);
  let cause = `At ${isoSeconds(now)} instance ${id} was taken out of service in response to a user request.`;
  if (decrement) {
    if (group.desiredCapacity - 1 < group.minSize) {
      throw validation(
        `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    group.desiredCapacity--;
    cause = `${cause.slice(0, -1)}, shrinking the capacity from ${group.desiredCapacity + 1} to ${group.desiredCapacity}.`;
  }
  terminateMember(world, region, group, member, now, cause);
  return { Activity: member.terminateActivity && activityXml(member.terminateActivity, true) };
}

export function setInstanceProtection(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const protect = q.bool("ProtectedFromScaleIn");
  if (protect === undefined) {
    throw validation(
      "1 validation error detected: Value null at 'protectedFromScaleIn' failed to satisfy constraint: Member must not be null",
    );
  }
  const members = q.strings("InstanceIds").map((id) => {
    const member = group.members.get(id);
    if (!member) throw validation(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
    return member;
  });
  for (const member of members) member.protectedFromScaleIn = protect;
  return {};
}

export function describeAutoScalingInstances(q: QueryParams, { region }: RequestContext) {
  const ids = q.strings("InstanceIds");
  const rows = [...region.autoscaling.groups.values()]
    .flatMap((g) => [...g.members.values()].map((m) => ({ g, m })))
    .filter(({ m }) => ids.length === 0 || ids.includes(m.id));
  const { page, nextToken } = paginate(rows, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 50),
    defaultMax: 50,
  });
  return {
    AutoScalingInstances: page.map(({ g, m }) => ({
      InstanceId: m.id,
      InstanceType: m.instanceType,
      AutoScalingGroupName: g.name,
      AvailabilityZone: m.availabilityZone,
      LifecycleState: m.lifecycleState,
      // This one operation spells health in capitals.
      HealthStatus: m.healthStatus.toUpperCase(),
      LaunchTemplate: launchTemplateXml(m.launchTemplate),
      ProtectedFromScaleIn: m.protectedFromScaleIn,
    })),
    NextToken: nextToken,
  };
}

/** A group names either a launch template or a launch configuration. */
function launchSource(
  region: RegionState,
  q: QueryParams,
): { launchTemplate?: LaunchTemplateRef; launchConfigurationName?: string } {
  if (q.has("MixedInstancesPolicy") || q.has("InstanceId")) {
    throw validation("The simulator supports groups with a LaunchTemplate or a LaunchConfigurationName only.");
  }
  const template = q.struct("LaunchTemplate");
  const configuration = q.str("LaunchConfigurationName");
  if (template && configuration) {
    throw validation("Valid requests must contain either LaunchTemplate or LaunchConfigurationName, not both.");
  }
  if (template) return { launchTemplate: readTemplateRef(region, template) };
  return configuration ? { launchConfigurationName: configuration } : {};
}

function checkSizes(minSize: number, maxSize: number, desired: number): void {
  for (const [name, value] of [
    ["minSize", minSize],
    ["maxSize", maxSize],
    ["desiredCapacity", desired],
  ] as const) {
    if (value < 0) {
      throw validation(
        `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    }
  }
  if (minSize > maxSize)
    throw validation(`Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`);
  if (desired < minSize || desired > maxSize) {
    throw validation(
      `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
    );
  }
}

/** Subnets, checked, and the zones they are in; or zones alone for a group without subnets. */
function placement(region: RegionState, subnetIds: string[], zones: string[]) {
  if (subnetIds.length === 0 && zones.length === 0) {
    throw validation("At least one Availability Zone or VPC Subnet is required.");
  }
  const subnetZones = subnetIds.map((id) => {
    const subnet = region.ec2.subnets.get(id);
    if (!subnet) throw validation(`The subnet ID '${id}' does not exist`);
    return subnet.availabilityZone;
  });
  return { subnetIds, availabilityZones: subnetIds.length > 0 ? [...new Set(subnetZones)] : zones };
}

function subnetList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function requiredInt(q: QueryParams, name: string): number {
  const value = q.int(name);
  if (value === undefined) {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw validation(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** DescribeAutoScalingGroups filters: `tag:<key>`, `tag-key`, `tag-value`; values within one filter are ORed. */
function matchesFilter(group: Group, name: string, values: string[]): boolean {
  if (name.startsWith("tag:")) {
    const key = name.slice(4);
    return group.tags.some((t) => t.Key === key && values.includes(t.Value));
  }
  if (name === "tag-key") return group.tags.some((t) => values.includes(t.Key));
  if (name === "tag-value") return group.tags.some((t) => values.includes(t.Value));
  throw validation(`The filter name ${name} is not valid. Valid filter names are tag-key, tag-value and tag:<key>.`);
}
