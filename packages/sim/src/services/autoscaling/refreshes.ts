import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import { maxRecords, requireGroup, validation } from "./errors.ts";
import { activeRefresh, cancelRefresh, startRefresh, startRollback } from "./refresh.ts";
import { refreshXml } from "./serialize.ts";
import type { Group, LaunchTemplateRef, RefreshPreferences } from "./state.ts";
import { findTemplate, isPinned, readTemplateRef, resolveVersion } from "./templates.ts";

/** The instance refresh operations: the API's checks in front of the engine in refresh.ts. */

export function startInstanceRefresh(q: QueryParams, { world, region, now }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const strategy = q.str("Strategy") ?? "Rolling";
  if (strategy === "ReplaceRootVolume") {
    throw validation("The ReplaceRootVolume strategy requires an Auto Scaling group with a mixed instances policy.");
  }
  if (strategy !== "Rolling")
    throw validation(`Invalid strategy ${strategy}: valid values are Rolling and ReplaceRootVolume.`);
  const preferences = readPreferences(q.struct("Preferences"), group);
  const configuration = q.struct("DesiredConfiguration");
  if (configuration?.has("MixedInstancesPolicy")) {
    throw validation("The simulator supports a DesiredConfiguration with a LaunchTemplate only.");
  }
  const launchTemplate = configuration?.struct("LaunchTemplate");
  const desired = launchTemplate && readTemplateRef(region, launchTemplate);
  if (preferences.autoRollback) {
    const blocker =
      rollbackBlocker(region, group, desired) ??
      (desired && !isPinned(desired.version)
        ? `the desired configuration uses the launch template's ${desired.version} version`
        : undefined);
    if (blocker) throw validation(`AutoRollback is not supported because ${blocker}.`);
  }
  if (activeRefresh(group)) {
    throw new AwsError(
      "InstanceRefreshInProgress",
      "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.",
    );
  }
  return { InstanceRefreshId: startRefresh(world, region, group, { preferences, desired }, now).id };
}

export function describeInstanceRefreshes(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"), false);
  const ids = q.strings("InstanceRefreshIds");
  const newestFirst = [...group.refreshes].reverse().filter((r) => ids.length === 0 || ids.includes(r.id));
  const { page, nextToken } = paginate(newestFirst, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 100),
    defaultMax: 50,
  });
  return { InstanceRefreshes: page.map(refreshXml), NextToken: nextToken };
}

export function cancelInstanceRefresh(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const refresh = activeRefresh(group);
  if (!refresh || refresh.status === "Cancelling") throw noActiveRefresh(group);
  cancelRefresh(refresh, q.bool("WaitForTransitioningInstances") ?? true);
  return { InstanceRefreshId: refresh.id };
}

/** Only a refresh still replacing instances (or baking) can be rolled back. */
export function rollbackInstanceRefresh(q: QueryParams, { region, now }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const refresh = activeRefresh(group);
  if (!refresh || !["Pending", "InProgress", "Baking"].includes(refresh.status)) throw noActiveRefresh(group);
  const blocker = rollbackBlocker(region, group, refresh.desiredConfiguration);
  if (blocker)
    throw new AwsError("IrreversibleInstanceRefresh", `The instance refresh cannot be rolled back because ${blocker}.`);
  startRollback(group, refresh, "Rollback started by a user request.", now);
  return { InstanceRefreshId: refresh.id };
}

function noActiveRefresh(group: Group): AwsError {
  return new AwsError(
    "ActiveInstanceRefreshNotFound",
    `No in progress or pending Instance Refresh found for Auto Scaling group ${group.name}`,
  );
}

/** Why a rollback could not restore the group's configuration, as AWS lists the cases. */
function rollbackBlocker(
  region: RegionState,
  group: Group,
  desired: LaunchTemplateRef | undefined,
): string | undefined {
  if (!desired) return "no desired configuration is specified for the instance refresh";
  if (!group.launchTemplate) return "the Auto Scaling group uses a launch configuration";
  if (!isPinned(group.launchTemplate.version)) {
    return `the Auto Scaling group uses the launch template's ${group.launchTemplate.version} version`;
  }
  const { data } = resolveVersion(findTemplate(region, { id: group.launchTemplate.id }), group.launchTemplate.version);
  if (typeof data.ImageId === "string" && data.ImageId.startsWith("resolve:ssm:")) {
    return "the Auto Scaling group's launch template uses a Systems Manager parameter for its ImageId";
  }
  return undefined;
}

function readPreferences(q: QueryParams | undefined, group: Group): RefreshPreferences {
  const minHealthyPercentage = bounded(q, "MinHealthyPercentage", 0, 100);
  const maxHealthyPercentage = bounded(q, "MaxHealthyPercentage", 100, 200);
  if (maxHealthyPercentage !== undefined) {
    if (minHealthyPercentage === undefined) {
      throw validation("You must specify MinHealthyPercentage when you specify MaxHealthyPercentage.");
    }
    if (maxHealthyPercentage - minHealthyPercentage > 100) {
      throw validation(
        "The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100.",
      );
    }
  }
  const checkpointPercentages = (q?.strings("CheckpointPercentages") ?? []).map(Number);
  checkpointPercentages.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 1 || p > 100)
      throw validation(`Checkpoint percentage ${p} must be between 1 and 100.`);
    if (i > 0 && p <= (checkpointPercentages[i - 1] as number)) {
      throw validation("CheckpointPercentages must be unique and in ascending order.");
    }
  });
  const checkpointDelay = bounded(q, "CheckpointDelay", 0, 172_800);
  if (checkpointDelay !== undefined && checkpointPercentages.length === 0) {
    throw validation("CheckpointDelay can only be specified together with CheckpointPercentages.");
  }
  const alarms = q?.struct("AlarmSpecification")?.strings("Alarms");
  return {
    minHealthyPercentage: minHealthyPercentage ?? 90,
    maxHealthyPercentage,
    instanceWarmup:
      bounded(q, "InstanceWarmup", 0, Number.MAX_SAFE_INTEGER) ??
      group.defaultInstanceWarmup ??
      group.healthCheckGracePeriod,
    checkpointPercentages,
    checkpointDelay: checkpointDelay ?? 3600,
    skipMatching: q?.bool("SkipMatching") ?? false,
    autoRollback: q?.bool("AutoRollback") ?? false,
    scaleInProtectedInstances: oneOf(q, "ScaleInProtectedInstances", ["Refresh", "Ignore", "Wait"] as const, "Wait"),
    standbyInstances: oneOf(q, "StandbyInstances", ["Terminate", "Ignore", "Wait"] as const, "Wait"),
    ...(alarms !== undefined && { alarms }),
    bakeTime: bounded(q, "BakeTime", 0, 172_800) ?? 0,
  };
}

function bounded(q: QueryParams | undefined, name: string, min: number, max: number): number | undefined {
  const value = q?.int(name);
  if (value !== undefined && (value < min || value > max)) {
    throw validation(
      `1 validation error detected: Value '${value}' at 'preferences.${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

function oneOf<T extends string>(q: QueryParams | undefined, name: string, values: readonly T[], fallback: T): T {
  const value = q?.str(name) ?? fallback;
  if (!values.includes(value as T))
    throw validation(`Invalid ${name} ${value}: valid values are ${values.join(", ")}.`);
  return value as T;
}
