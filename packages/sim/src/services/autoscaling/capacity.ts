import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { aliveMembers, endActivity, isoSeconds, launchMember, terminateMember } from "./members.ts";
import { activeRefresh, launchingPass, refreshWakeTimes, stepRefresh } from "./refresh.ts";
import type { Group, Member } from "./state.ts";
import { pinned, sameVersion } from "./templates.ts";

/**
 * The reconciler: brings a group's members in line with their instances, checks their
 * health, replaces unhealthy ones, lets an instance refresh take its step, and converges on
 * the desired capacity. It runs on every Auto Scaling request and at the next moment
 * something is due (an instance finishing boot, a grace period or warmup ending, a
 * checkpoint delay elapsing), and is not scheduled at all while nothing is due, so days
 * of virtual time cost nothing.
 */
const POLL_MS = 1_000;
const RETRY_FIRST_MS = 10_000;
const RETRY_MAX_MS = 3_600_000;
const TRANSITIONAL = new Set(["pending", "running"]);

export function reconcile(world: World, region: RegionState, group: Group, now: number): void {
  followInstances(group, region, now);
  if (!group.suspended.has("HealthCheck")) checkHealth(group, region, now);
  if (!group.suspended.has("ReplaceUnhealthy") && !group.suspended.has("Terminate")) {
    replaceUnhealthy(world, region, group, now);
  }
  const refresh = activeRefresh(group);
  const surge = refresh ? stepRefresh(world, region, group, refresh, now) : 0;
  scale(world, region, group, group.desiredCapacity + surge, now);
  if (group.deleting && group.members.size === 0) {
    region.autoscaling.groups.delete(group.name);
    return;
  }
  const next = nextWake(world, region, group, now);
  if (next !== undefined) wakeAt(world, region, group, next);
}

/** Reconciles every group of the region: requests see a settled world. */
export function settle(world: World, region: RegionState, now: number): void {
  for (const group of [...region.autoscaling.groups.values()]) reconcile(world, region, group, now);
}

/** Schedules one reconciliation at `at`, unless one is already due by then. */
export function wakeAt(world: World, region: RegionState, group: Group, at: number): void {
  if (group.wakeAt !== undefined && group.wakeAt <= at) return;
  group.wakeAt = at;
  world.scheduler.at(at, `autoscaling ${group.name}`, (time) => {
    // A wake-up superseded by an earlier one (that rescheduled) has nothing left to do.
    if (group.wakeAt !== at || region.autoscaling.groups.get(group.name) !== group) return;
    delete group.wakeAt;
    reconcile(world, region, group, time);
  });
}

function followInstances(group: Group, region: RegionState, now: number): void {
  for (const member of group.members.values()) {
    const state = region.ec2.instances.get(member.id)?.state ?? "terminated";
    if (member.lifecycleState === "Terminating" && state === "terminated") {
      if (member.terminateActivity) endActivity(member.terminateActivity, now);
      group.members.delete(member.id);
    } else if (member.lifecycleState === "Pending" && state === "running") {
      member.lifecycleState = "InService";
      member.inServiceAt = now;
      if (member.launchActivity) endActivity(member.launchActivity, now);
    }
  }
}

/**
 * An instance that is not pending or running fails the EC2 status check at once; one
 * whose image is bad fails the health check once the grace period is over.
 */
function checkHealth(group: Group, region: RegionState, now: number): void {
  for (const member of aliveMembers(group)) {
    const instance = region.ec2.instances.get(member.id);
    if (!instance || !TRANSITIONAL.has(instance.state)) member.healthStatus = "Unhealthy";
    else if (
      member.lifecycleState === "InService" &&
      now >= member.launchedAt + group.healthCheckGracePeriod * 1000 &&
      !instance.healthy
    ) {
      member.healthStatus = "Unhealthy";
    }
  }
}

function replaceUnhealthy(world: World, region: RegionState, group: Group, now: number): void {
  for (const member of aliveMembers(group)) {
    if (member.healthStatus !== "Unhealthy") continue;
    const state = region.ec2.instances.get(member.id)?.state ?? "terminated";
    const check = !TRANSITIONAL.has(state)
      ? "an EC2 health check indicating it has been terminated or stopped"
      : group.healthCheckType === "ELB"
        ? "an ELB system health check failure"
        : "an EC2 instance status check failure";
    terminateMember(
      world,
      region,
      group,
      member,
      now,
      `At ${isoSeconds(now)} an instance was taken out of service in response to ${check}.`,
    );
  }
}

function scale(world: World, region: RegionState, group: Group, target: number, now: number): void {
  const alive = aliveMembers(group);
  if (alive.length < target) launch(world, region, group, alive, target, now);
  else if (alive.length > target && !group.suspended.has("Terminate"))
    scaleIn(world, region, group, alive, target, now);
}

function launch(world: World, region: RegionState, group: Group, alive: Member[], target: number, now: number): void {
  if (group.suspended.has("Launch") || now < (group.retryLaunchAt ?? now)) return;
  const refresh = activeRefresh(group);
  const pass = refresh && launchingPass(refresh);
  const source = pass ? pass.target : group.launchTemplate;
  if (!source) return;
  const cause = pass
    ? `At ${isoSeconds(now)} an instance was started in response to an instance refresh.`
    : `At ${isoSeconds(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${alive.length} to ${target}.`;
  const perZone = zoneCounts(alive);
  for (let n = alive.length; n < target; n++) {
    const subnet = pickSubnet(region, group, perZone);
    try {
      const member = launchMember(world, region, group, source, subnet?.id, now, cause);
      pass?.launched.add(member.id);
      perZone.set(member.availabilityZone, (perZone.get(member.availabilityZone) ?? 0) + 1);
      group.launchFailures = 0;
      delete group.retryLaunchAt;
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      // AWS keeps retrying a launch that fails, backing off.
      group.launchFailures++;
      group.retryLaunchAt = now + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (group.launchFailures - 1));
      if (pass) pass.launchErrors++;
      return;
    }
  }
}

/**
 * Scale in as the default termination policy does: unhealthy members first, then from
 * the zone with the most members, then those not on the group's current launch template
 * version, then the oldest.
 */
function scaleIn(world: World, region: RegionState, group: Group, alive: Member[], target: number, now: number): void {
  const current = group.launchTemplate && pinned(region, group.launchTemplate);
  const candidates = alive.filter((m) => !m.protectedFromScaleIn);
  const perZone = zoneCounts(alive);
  const cause = `At ${isoSeconds(now)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${alive.length} to ${target}.`;
  for (let n = alive.length; n > target && candidates.length > 0; n--) {
    candidates.sort(
      (a, b) =>
        Number(b.healthStatus === "Unhealthy") - Number(a.healthStatus === "Unhealthy") ||
        (perZone.get(b.availabilityZone) ?? 0) - (perZone.get(a.availabilityZone) ?? 0) ||
        Number(sameVersion(a.launchTemplate, current)) - Number(sameVersion(b.launchTemplate, current)) ||
        a.launchedAt - b.launchedAt,
    );
    const victim = candidates.shift() as Member;
    perZone.set(victim.availabilityZone, (perZone.get(victim.availabilityZone) ?? 1) - 1);
    terminateMember(world, region, group, victim, now, cause);
  }
}

function zoneCounts(members: Member[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.availabilityZone, (counts.get(m.availabilityZone) ?? 0) + 1);
  return counts;
}

/** The group's subnet in the zone with the fewest members, so instances spread across zones. */
function pickSubnet(region: RegionState, group: Group, perZone: Map<string, number>) {
  const subnets =
    group.subnetIds.length > 0
      ? group.subnetIds.map((id) => region.ec2.subnets.get(id)).filter((s) => s !== undefined)
      : [...region.ec2.subnets.values()].filter((s) => group.availabilityZones.includes(s.availabilityZone));
  let best: (typeof subnets)[number] | undefined;
  for (const subnet of subnets) {
    if (!best || (perZone.get(subnet.availabilityZone) ?? 0) < (perZone.get(best.availabilityZone) ?? 0)) best = subnet;
  }
  return best;
}

/** The earliest moment something about the group can change by itself, if any. */
function nextWake(world: World, region: RegionState, group: Group, now: number): number | undefined {
  const times: number[] = [];
  // Boot and termination take a fixed time; if one is late, look again shortly.
  const transition = (at: number) => times.push(at > now ? at : now + POLL_MS);
  for (const member of group.members.values()) {
    const state = region.ec2.instances.get(member.id)?.state;
    if (member.lifecycleState === "Pending" && state === "pending") {
      transition(member.launchedAt + world.timings.instanceBootMs);
    } else if (member.lifecycleState === "Terminating" && state === "shutting-down") {
      transition((member.terminatingAt ?? now) + world.timings.instanceTerminateMs);
    } else if (member.healthStatus === "Healthy" && !group.suspended.has("HealthCheck")) {
      times.push(member.launchedAt + group.healthCheckGracePeriod * 1000);
    }
  }
  if (group.retryLaunchAt !== undefined) times.push(group.retryLaunchAt);
  const refresh = activeRefresh(group);
  if (refresh) times.push(...refreshWakeTimes(group, refresh));
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}
