import type { RegionState, World } from "../../world.ts";
import { aliveMembers, isoSeconds, newUuid, terminateMember } from "./members.ts";
import {
  ACTIVE_REFRESH_STATUSES,
  type Group,
  type InstanceRefresh,
  type LaunchTemplateRef,
  type Member,
  type RefreshPreferences,
  type ReplacementPass,
} from "./state.ts";
import { pinned, sameVersion } from "./templates.ts";

/**
 * The instance refresh engine. A refresh is a replacement pass: members that do not run
 * the target configuration are replaced in batches the healthy percentages allow, and a
 * new member counts as done once it is InService, Healthy and warmed up. A rollback is a
 * second pass back to the configuration the group had. The reconciler calls `stepRefresh`
 * whenever something may have changed and launches what the step asks for.
 *
 * Batches: with MaxHealthyPercentage unset, up to (ready - min healthy) old members are
 * terminated at a time, at least one when nothing is in flight, and the reconciler
 * launches their replacements. With it set, the group may grow to Max% of desired
 * capacity (at least one over) with new members first, and old members are terminated
 * only while the group stays at desired capacity and min healthy.
 * Failure: a refresh fails once FAILURE_LIMIT new members have failed their health check
 * or failed to launch; with AutoRollback it rolls back instead.
 */
const PENDING_MS = 5_000;
const FAILURE_LIMIT = 3;
/** With ScaleInProtectedInstances=Wait, how long to wait for protection to be removed. */
const PROTECTED_WAIT_MS = 3_600_000;

export function activeRefresh(group: Group): InstanceRefresh | undefined {
  const last = group.refreshes.at(-1);
  return last && ACTIVE_REFRESH_STATUSES.includes(last.status) ? last : undefined;
}

/** The pass whose target new members launch with, if the refresh is replacing instances. */
export function launchingPass(refresh: InstanceRefresh): ReplacementPass | undefined {
  if (refresh.status === "InProgress" || refresh.status === "Baking") return refresh.pass;
  if (refresh.status === "RollbackInProgress") return refresh.rollback?.pass;
  return undefined;
}

export function startRefresh(
  world: World,
  region: RegionState,
  group: Group,
  options: { preferences: RefreshPreferences; desired?: LaunchTemplateRef | undefined },
  now: number,
): InstanceRefresh {
  const refresh: InstanceRefresh = {
    id: newUuid(world),
    groupName: group.name,
    status: "Pending",
    startTime: now,
    preferences: options.preferences,
    desiredConfiguration: options.desired,
    previous: group.launchTemplate,
    pass: forwardPass(region, group, options.preferences, options.desired),
    percentageComplete: 0,
    instancesToUpdate: 0,
    nextCheckpoint: 0,
    cancelWaits: true,
  };
  refresh.instancesToUpdate = refresh.pass.total;
  group.refreshes.push(refresh);
  return refresh;
}

/**
 * Moves the refresh on as far as time and the group allow. Returns how many members the
 * group may run above its desired capacity for the refresh (launch before terminate).
 */
export function stepRefresh(
  world: World,
  region: RegionState,
  group: Group,
  refresh: InstanceRefresh,
  now: number,
): number {
  if (group.suspended.has("InstanceRefresh")) return Math.max(0, aliveMembers(group).length - group.desiredCapacity);
  switch (refresh.status) {
    case "Pending":
      if (now < refresh.startTime + PENDING_MS) return 0;
      refresh.status = "InProgress";
      // Members launched while it was pending are replaced too.
      refresh.pass = forwardPass(region, group, refresh.preferences, refresh.desiredConfiguration);
      return stepForward(world, region, group, refresh, now);
    case "InProgress":
      return stepForward(world, region, group, refresh, now);
    case "Baking":
      if (failures(group, refresh.pass) >= FAILURE_LIMIT) return fail(world, region, group, refresh, now);
      if (now >= (refresh.bakeUntil ?? now)) succeed(group, refresh, now);
      return 0;
    case "RollbackInProgress":
      return stepRollback(world, region, group, refresh, now);
    case "Cancelling":
      if (!refresh.cancelWaits || [...group.members.values()].every((m) => m.lifecycleState === "InService")) {
        end(refresh, "Cancelled", now);
      }
      return 0;
    default:
      return 0;
  }
}

export function cancelRefresh(refresh: InstanceRefresh, waitForTransitioningInstances: boolean): void {
  refresh.status = "Cancelling";
  refresh.statusReason = "Cancelling the instance refresh at the user's request.";
  refresh.cancelWaits = waitForTransitioningInstances;
  clearTimers(refresh);
}

/** Replaces what the refresh launched so far with the configuration the group had before it. */
export function startRollback(group: Group, refresh: InstanceRefresh, reason: string, now: number): void {
  const previous = refresh.previous as LaunchTemplateRef;
  refresh.rollback = {
    reason,
    startTime: now,
    percentageComplete: refresh.percentageComplete,
    instancesToUpdate: refresh.instancesToUpdate,
    pass: newPass(group, previous, (m) => !sameVersion(m.launchTemplate, previous)),
  };
  refresh.status = "RollbackInProgress";
  refresh.statusReason = reason;
  clearTimers(refresh);
}

/** Times at which the refresh can move on by itself, for the reconciler's next wake-up. */
export function refreshWakeTimes(group: Group, refresh: InstanceRefresh): number[] {
  const times = [refresh.pausedUntil, refresh.bakeUntil].filter((t): t is number => t !== undefined);
  if (refresh.status === "Pending") times.push(refresh.startTime + PENDING_MS);
  if (refresh.protectedWaitSince !== undefined) times.push(refresh.protectedWaitSince + PROTECTED_WAIT_MS);
  const pass = launchingPass(refresh);
  for (const id of pass?.launched ?? []) {
    const member = group.members.get(id);
    if (member?.lifecycleState === "InService" && member.healthStatus === "Healthy") {
      times.push(readyAt(group, refresh.preferences, member));
    }
  }
  return times;
}

function forwardPass(
  region: RegionState,
  group: Group,
  preferences: RefreshPreferences,
  desired: LaunchTemplateRef | undefined,
): ReplacementPass {
  const configured = desired ?? group.launchTemplate;
  const target = configured && pinned(region, configured);
  return newPass(
    group,
    target,
    (m) =>
      !(preferences.skipMatching && sameVersion(m.launchTemplate, target)) &&
      !(m.protectedFromScaleIn && preferences.scaleInProtectedInstances === "Ignore"),
  );
}

function newPass(
  group: Group,
  target: LaunchTemplateRef | undefined,
  replace: (member: Member) => boolean,
): ReplacementPass {
  const toReplace = new Set(
    aliveMembers(group)
      .filter(replace)
      .map((m) => m.id),
  );
  return {
    ...(target && { target }),
    toReplace,
    total: toReplace.size,
    launched: new Set(),
    failed: new Set(),
    launchErrors: 0,
  };
}

function stepForward(world: World, region: RegionState, group: Group, refresh: InstanceRefresh, now: number): number {
  const { pass, preferences } = refresh;
  if (failures(group, pass) >= FAILURE_LIMIT) return fail(world, region, group, refresh, now);
  if (refresh.pausedUntil !== undefined) {
    if (now < refresh.pausedUntil) return 0;
    delete refresh.pausedUntil;
  }
  const checkpoints = preferences.checkpointPercentages;
  const checkpoint = checkpoints[refresh.nextCheckpoint];
  // A checkpoint caps the replacements started, rounding up so that it is reached.
  const cap = checkpoint === undefined ? undefined : Math.ceil((pass.total * checkpoint) / 100);
  const surge = replaceBatch(world, region, group, pass, preferences, now, cap, "an instance refresh");
  const updated = readyLaunched(group, pass, preferences, now);
  refresh.instancesToUpdate = pass.total - updated;
  refresh.percentageComplete = pass.total === 0 ? 100 : Math.floor((100 * updated) / pass.total);

  const settled = isSettled(group, pass, preferences, now);
  const last = checkpoints.at(-1) ?? 100;
  if (settled && refresh.percentageComplete >= last && (last < 100 || oldMembers(group, pass).length === 0)) {
    if (preferences.bakeTime > 0) {
      refresh.status = "Baking";
      refresh.bakeUntil = now + preferences.bakeTime * 1000;
      refresh.statusReason = `Waiting for the bake time of ${preferences.bakeTime} seconds to elapse before completing.`;
    } else {
      succeed(group, refresh, now);
    }
    return 0;
  }
  if (settled && checkpoint !== undefined && refresh.percentageComplete >= checkpoint) {
    // Several checkpoints reached at once pause once, at the highest.
    let reached = refresh.nextCheckpoint;
    while ((checkpoints[reached + 1] ?? Number.POSITIVE_INFINITY) <= refresh.percentageComplete) reached++;
    refresh.nextCheckpoint = reached + 1;
    refresh.pausedUntil = now + preferences.checkpointDelay * 1000;
    refresh.statusReason =
      `Checkpoint ${checkpoints[reached]}% reached: ${refresh.percentageComplete}% of instances are replaced. ` +
      `Waiting the checkpoint delay of ${preferences.checkpointDelay} seconds, until ${isoSeconds(refresh.pausedUntil)}.`;
    return 0;
  }
  const protectedLeft = oldMembers(group, pass).filter((m) => m.protectedFromScaleIn);
  if (settled && preferences.scaleInProtectedInstances === "Wait" && protectedLeft.length > 0 && surge === 0) {
    refresh.protectedWaitSince ??= now;
    if (now >= refresh.protectedWaitSince + PROTECTED_WAIT_MS) {
      return fail(
        world,
        region,
        group,
        refresh,
        now,
        "Instances protected from scale in were not released within an hour.",
      );
    }
    refresh.statusReason = `Waiting for scale-in protection to be removed from instances, for example ${protectedLeft[0]?.id}.`;
    return 0;
  }
  delete refresh.protectedWaitSince;
  setWarmupReason(group, refresh, pass, now);
  return surge;
}

function stepRollback(world: World, region: RegionState, group: Group, refresh: InstanceRefresh, now: number): number {
  const rollback = refresh.rollback as NonNullable<InstanceRefresh["rollback"]>;
  const { pass } = rollback;
  if (failures(group, pass) >= FAILURE_LIMIT) {
    end(refresh, "RollbackFailed", now, failureReason(pass, "the previous configuration"));
    return 0;
  }
  const surge = replaceBatch(
    world,
    region,
    group,
    pass,
    refresh.preferences,
    now,
    undefined,
    "an instance refresh rollback",
  );
  // What the refresh had done drains back to zero as the rollback's replacements become ready.
  const undone = pass.total === 0 ? 1 : readyLaunched(group, pass, refresh.preferences, now) / pass.total;
  refresh.percentageComplete = Math.floor(rollback.percentageComplete * (1 - undone));
  if (isSettled(group, pass, refresh.preferences, now) && oldMembers(group, pass).length === 0) {
    end(refresh, "RollbackSuccessful", now);
    return 0;
  }
  setWarmupReason(group, refresh, pass, now);
  return surge;
}

/**
 * Terminates the old members this step allows and returns the surge: how many members the
 * group may run above desired capacity so that replacements launch before old ones go.
 */
function replaceBatch(
  world: World,
  region: RegionState,
  group: Group,
  pass: ReplacementPass,
  preferences: RefreshPreferences,
  now: number,
  cap: number | undefined,
  reason: string,
): number {
  const desired = group.desiredCapacity;
  const alive = aliveMembers(group);
  const ready = alive.filter((m) => isReady(group, pass, preferences, m, now)).length;
  const old = oldMembers(group, pass);
  // Old members that are not ready cost no healthy capacity: replace them first.
  const replaceable = old
    .filter((m) => !m.protectedFromScaleIn || preferences.scaleInProtectedInstances === "Refresh")
    .sort(
      (a, b) =>
        Number(isReady(group, pass, preferences, a, now)) - Number(isReady(group, pass, preferences, b, now)) ||
        a.launchedAt - b.launchedAt,
    );
  const minHealthy = Math.ceil((desired * preferences.minHealthyPercentage) / 100);
  const slots = cap === undefined ? Number.POSITIVE_INFINITY : cap - (pass.total - old.length);
  let count: number;
  if (preferences.maxHealthyPercentage === undefined) {
    count = ready - minHealthy;
    if (count < 1 && ready >= desired) count = 1;
  } else {
    count = Math.min(alive.length - desired, ready - minHealthy);
  }
  count = Math.max(0, Math.min(count, slots, replaceable.length));
  const cause = `At ${isoSeconds(now)} an instance was taken out of service in response to ${reason}.`;
  for (const member of replaceable.slice(0, count)) terminateMember(world, region, group, member, now, cause);
  if (preferences.maxHealthyPercentage === undefined) return 0;
  const room = Math.max(1, Math.floor((desired * preferences.maxHealthyPercentage) / 100) - desired);
  return Math.max(0, Math.min(room, replaceable.length - count, slots - count));
}

function oldMembers(group: Group, pass: ReplacementPass): Member[] {
  return aliveMembers(group).filter((m) => pass.toReplace.has(m.id));
}

function readyAt(group: Group, preferences: RefreshPreferences, member: Member): number {
  return Math.max(
    (member.inServiceAt ?? Number.POSITIVE_INFINITY) + preferences.instanceWarmup * 1000,
    member.launchedAt + group.healthCheckGracePeriod * 1000,
  );
}

/** In service and healthy; a member the pass launched must also be past its warmup and its health check. */
function isReady(
  group: Group,
  pass: ReplacementPass,
  preferences: RefreshPreferences,
  member: Member,
  now: number,
): boolean {
  if (member.lifecycleState !== "InService" || member.healthStatus !== "Healthy") return false;
  return !pass.launched.has(member.id) || now >= readyAt(group, preferences, member);
}

function readyLaunched(group: Group, pass: ReplacementPass, preferences: RefreshPreferences, now: number): number {
  const ready = aliveMembers(group).filter((m) => pass.launched.has(m.id) && isReady(group, pass, preferences, m, now));
  return Math.min(pass.total, ready.length);
}

/** The group is at desired capacity, and nothing the pass launched is still on its way. */
function isSettled(group: Group, pass: ReplacementPass, preferences: RefreshPreferences, now: number): boolean {
  const alive = aliveMembers(group);
  return (
    alive.length === group.desiredCapacity &&
    alive.every((m) => !pass.launched.has(m.id) || isReady(group, pass, preferences, m, now))
  );
}

function failures(group: Group, pass: ReplacementPass): number {
  for (const id of pass.launched) if (group.members.get(id)?.healthStatus === "Unhealthy") pass.failed.add(id);
  return pass.failed.size + pass.launchErrors;
}

function failureReason(pass: ReplacementPass, configuration: string): string {
  const example = [...pass.failed].at(-1);
  return (
    `${pass.failed.size + pass.launchErrors} instances launched with ${configuration} failed to launch or ` +
    `failed their health checks${example ? `, for example ${example}` : ""}.`
  );
}

/** A failed refresh rolls back when AutoRollback is on, and ends Failed otherwise. */
function fail(
  world: World,
  region: RegionState,
  group: Group,
  refresh: InstanceRefresh,
  now: number,
  reason = failureReason(refresh.pass, "the desired configuration"),
): number {
  if (!refresh.preferences.autoRollback) {
    end(refresh, "Failed", now, `The instance refresh failed: ${reason}`);
    return 0;
  }
  startRollback(group, refresh, `Rollback started automatically because the instance refresh failed: ${reason}`, now);
  return stepRollback(world, region, group, refresh, now);
}

function succeed(group: Group, refresh: InstanceRefresh, now: number): void {
  end(refresh, "Successful", now);
  if (refresh.desiredConfiguration) {
    group.launchTemplate = { ...refresh.desiredConfiguration };
    delete group.launchConfigurationName;
  }
}

function end(refresh: InstanceRefresh, status: InstanceRefresh["status"], now: number, reason?: string): void {
  refresh.status = status;
  refresh.endTime = now;
  clearTimers(refresh);
  if (reason === undefined) delete refresh.statusReason;
  else refresh.statusReason = reason;
}

function clearTimers(refresh: InstanceRefresh): void {
  delete refresh.pausedUntil;
  delete refresh.bakeUntil;
  delete refresh.protectedWaitSince;
}

function setWarmupReason(group: Group, refresh: InstanceRefresh, pass: ReplacementPass, now: number): void {
  const warming = aliveMembers(group).find(
    (m) => pass.launched.has(m.id) && !isReady(group, pass, refresh.preferences, m, now),
  );
  const reason = warming
    ? `Waiting for instances to warm up before continuing. For example: ${warming.id} is warming up.`
    : refresh.rollback?.reason;
  if (reason === undefined) delete refresh.statusReason;
  else refresh.statusReason = reason;
}
