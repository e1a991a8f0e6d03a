import { paginate } from "../../pagination.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RequestContext } from "../types.ts";
import { maxRecords, requireGroup, validation } from "./errors.ts";
import { isoSeconds } from "./members.ts";
import { activityXml } from "./serialize.ts";
import { SCALING_PROCESSES, type ScalingProcess } from "./state.ts";

/** SuspendProcesses, ResumeProcesses and DescribeScalingActivities: what a group does, and stopping it doing it. */

export function suspendProcesses(q: QueryParams, { region, now }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  for (const process of processes(q)) {
    if (!group.suspended.has(process)) group.suspended.set(process, `User suspended at ${isoSeconds(now)}`);
  }
  return {};
}

export function resumeProcesses(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  for (const process of processes(q)) group.suspended.delete(process);
  return {};
}

/** Newest first, those still in progress before the others. */
export function describeScalingActivities(q: QueryParams, { region }: RequestContext) {
  const name = q.str("AutoScalingGroupName");
  const ids = q.strings("ActivityIds");
  const includeDeleted = q.bool("IncludeDeletedGroups") ?? false;
  const activities = region.autoscaling.activities
    .filter((a) => name === undefined || a.groupName === name)
    .filter((a) => ids.length === 0 || ids.includes(a.id))
    .filter((a) => includeDeleted || region.autoscaling.groups.get(a.groupName)?.arn === a.groupArn)
    .reverse()
    .sort((a, b) => Number(b.statusCode === "InProgress") - Number(a.statusCode === "InProgress"));
  const { page, nextToken } = paginate(activities, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 100),
    defaultMax: 100,
  });
  return {
    Activities: page.map((a) => activityXml(a, region.autoscaling.groups.get(a.groupName)?.arn === a.groupArn)),
    NextToken: nextToken,
  };
}

/** The processes named, or all of them when none is. */
function processes(q: QueryParams): ScalingProcess[] {
  const names = q.strings("ScalingProcesses");
  for (const name of names) {
    if (!SCALING_PROCESSES.includes(name as ScalingProcess)) throw validation(`Invalid scaling process name: ${name}`);
  }
  return names.length > 0 ? (names as ScalingProcess[]) : [...SCALING_PROCESSES];
}
