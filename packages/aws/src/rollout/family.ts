import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { DeployError } from "@deploy/core";
import { fromAwsError } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { groupInfo } from "../group.ts";
import { TAG, tagValue } from "../tags.ts";
import type { GroupInfo } from "./types.ts";

/**
 * Blue/green groups come in families, so that every run finds all of them from the one name
 * the workflow gives:
 *
 * - the group the workflow names is the family's base, `<base>`, whoever created it;
 * - each blue/green rollout creates `<base>-g<n>`, `n` one more than the highest number in the
 *   family (the base counts as 0), tagged `deploy:family=<base>` (and `deploy:role=green`);
 * - the name given may be the base or any member: a member's family tag names the base, and
 *   once the base itself has been deleted its name still finds the members by their tag.
 *
 * Which group serves: a rollout retires the group it replaces by detaching its target
 * groups and suspending its scaling (RETIRED_PROCESSES, below). The
 * serving group is the oldest group that is not retired and not being deleted, preferring
 * one attached to target groups: a newer one that is not retired either was left unfinished
 * by an earlier run (on-cancel `leave`) and goes with the next successful rollout.
 */
export interface FamilyMember {
  name: string;
  /** 0 for the base, n for `<base>-g<n>`. */
  number: number;
  group: GroupInfo;
  /** Deleted with ForceDelete and on its way out. */
  deleting: boolean;
}

export interface Family {
  base: string;
  /** Oldest (lowest number) first. */
  members: FamilyMember[];
  serving: FamilyMember;
  /** The name the next group of the family gets. */
  nextName: string;
}

/**
 * What a retired group has suspended, so that it keeps exactly the instances it had, warm,
 * and a rollback is a re-attach:
 * - Launch and Terminate: it neither scales out nor in, and replaces nothing;
 * - AlarmNotification and ScheduledActions: scaling policies (with no traffic, target
 *   tracking would shrink it to its minimum) and scheduled actions leave its capacity alone;
 * - AZRebalance: it does not move instances between zones;
 * - ReplaceUnhealthy: it does not terminate instances it could not replace.
 * HealthCheck stays on, so that its instances' health still shows before a rollback, and
 * AddToLoadBalancer too: with no target group attached it does nothing, and after a
 * re-attach it should register what launches.
 *
 * `Launch`, the first, is the mark of a retired group: a group without it can change size.
 */
export const RETIRED_PROCESSES = [
  "Launch",
  "Terminate",
  "AlarmNotification",
  "ScheduledActions",
  "AZRebalance",
  "ReplaceUnhealthy",
] as const;
const RETIRED_MARK = RETIRED_PROCESSES[0];

export function familyName(base: string, number: number): string {
  return number === 0 ? base : `${base}-g${number}`;
}

/** The family of the group named `name`, with the one serving now; a DeployError when there is none. */
export async function readFamily(clients: AwsClients, name: string): Promise<Family> {
  const named = await describeGroups(
    clients,
    { AutoScalingGroupNames: [name] },
    `describe the Auto Scaling group ${name}`,
  );
  const base = tagValue(named[0]?.Tags, TAG.family) ?? name;
  const tagged = await describeGroups(
    clients,
    { Filters: [{ Name: `tag:${TAG.family}`, Values: [base] }] },
    `list the blue/green groups of ${base} (tag ${TAG.family}=${base})`,
  );
  const baseGroup =
    base === name ? named : await describeGroups(clients, { AutoScalingGroupNames: [base] }, `describe ${base}`);
  // The base carries no family tag unless someone put it there; a name counts once either way.
  const byName = new Map([...baseGroup, ...tagged].map((g) => [g.AutoScalingGroupName, g]));
  const members = [...byName.values()]
    .map((group) => member(base, group))
    .filter((m): m is FamilyMember => m !== undefined)
    .sort((a, b) => a.number - b.number);
  if (members.length === 0) {
    throw new DeployError({
      what: `Auto Scaling group ${name} does not exist in ${clients.region}, and no blue/green group names it as its family.`,
      why: `DescribeAutoScalingGroups found no group by that name, nor any tagged ${TAG.family}=${base}.`,
      fix: "Check the group's name (it is case-sensitive) and the region.",
      code: "GroupNotFound",
    });
  }
  const found = serving(base, members);
  const raw = byName.get(found.name);
  if (raw) refuseOtherTraffic(raw);
  const highest = members.at(-1)?.number ?? 0;
  return { base, members, serving: found, nextName: familyName(base, highest + 1) };
}

/** For the pre-flight: the group of the family that serves now, which a blue/green rollout replaces. */
export async function servingGroup(clients: AwsClients, name: string): Promise<GroupInfo> {
  return (await readFamily(clients, name)).serving.group;
}

export function isRetired(group: GroupInfo): boolean {
  return group.suspendedProcesses.includes(RETIRED_MARK);
}

function serving(base: string, members: FamilyMember[]): FamilyMember {
  const live = members.filter((m) => !m.deleting && !isRetired(m.group));
  const attached = live.filter((m) => m.group.targetGroupARNs.length > 0);
  const found = (attached.length > 0 ? attached : live)[0];
  if (!found) {
    throw new DeployError({
      what: `No group of the blue/green family ${base} serves traffic: ${members.map((m) => m.name).join(", ")} are all retired or being deleted.`,
      why: `A rollout retires the group it replaces by suspending its ${RETIRED_MARK} process; every group of the family has it suspended.`,
      fix: "Resume the processes of the group that should serve (aws autoscaling resume-processes) and attach it to its target groups, then run this step again.",
      code: "NoServingGroup",
    });
  }
  return found;
}

/** A group of the family as this scheme names it, or undefined for a group that only carries the tag. */
function member(base: string, group: AutoScalingGroup): FamilyMember | undefined {
  const name = group.AutoScalingGroupName ?? "";
  const suffix = name.startsWith(`${base}-g`) ? name.slice(base.length + 2) : undefined;
  const number = name === base ? 0 : /^[1-9][0-9]*$/.test(suffix ?? "") ? Number(suffix) : undefined;
  if (number === undefined) return undefined;
  return {
    name,
    number,
    group: groupInfo(group),
    deleting: group.Status === "Delete in progress",
  };
}

/**
 * Blue/green moves traffic by target groups (TargetGroupARNs). A group that also takes
 * traffic another way (a Classic Load Balancer, a traffic source attached with
 * AttachTrafficSources) would keep serving after it is retired, so it is refused up front.
 */
function refuseOtherTraffic(group: AutoScalingGroup): void {
  const targetGroups = new Set(group.TargetGroupARNs ?? []);
  const other = [
    ...(group.LoadBalancerNames ?? []).map((n) => `Classic Load Balancer ${n}`),
    ...(group.TrafficSources ?? [])
      .filter(
        (s) => s.Identifier && !targetGroups.has(s.Identifier) && !group.LoadBalancerNames?.includes(s.Identifier),
      )
      .map((s) => `traffic source ${s.Identifier} (${s.Type ?? "unknown type"})`),
  ];
  if (other.length === 0) return;
  throw new DeployError({
    what: `Auto Scaling group ${group.AutoScalingGroupName} takes traffic from ${other.join(", ")}, which blue/green cannot move.`,
    why: "Blue/green moves traffic by attaching the new group to the old one's target groups (TargetGroupARNs) and detaching the old one; anything else would keep sending traffic to the old group.",
    fix: "Attach the group's target groups as TargetGroupARNs (AttachLoadBalancerTargetGroups) instead, or use the rolling strategy.",
    input: "strategy",
    code: "UnsupportedTrafficSource",
  });
}

async function describeGroups(
  clients: AwsClients,
  input: DescribeAutoScalingGroupsCommandInput,
  doing: string,
): Promise<AutoScalingGroup[]> {
  const groups: AutoScalingGroup[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const answer = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ ...input, NextToken }));
      groups.push(...(answer.AutoScalingGroups ?? []));
      NextToken = answer.NextToken;
    } while (NextToken);
  } catch (error) {
    throw fromAwsError(error, doing);
  }
  return groups;
}
