import {
  AttachLoadBalancerTargetGroupsCommand,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DetachLoadBalancerTargetGroupsCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
} from "@aws-sdk/client-auto-scaling";
import { DeployError, formatDuration, hasCode, poll } from "@deploy/core";
import { fromAwsError, isTransient } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { describeGroup } from "../group.ts";
import { createTemplateVersion } from "../launch-template.ts";
import { resourceTags, TAG, withUserTags } from "../tags.ts";
import { type Family, isRetired, RETIRED_PROCESSES, readFamily } from "./family.ts";
import { withRunMarker } from "./run-marker.ts";
import { type TimelineRecorder, timelineRecorder } from "./timeline.ts";
import type {
  GroupInfo,
  OnCancel,
  RolloutContext,
  RolloutPlan,
  RolloutProgress,
  RolloutRequest,
  RolloutResult,
  SavedRollout,
} from "./types.ts";

export type SavedBlueGreen = Extract<SavedRollout, { strategy: "blue-green" }>;

/** How long deleting a group (its instances terminating) may take before we leave AWS to finish it. */
export const DELETE_TIMEOUT_MS = 15 * 60_000;
const DELETE_POLL_MS = 10_000;
/** AWS takes at most ten target groups per attach or detach call. */
const TARGET_GROUPS_PER_CALL = 10;

/**
 * The blue/green strategy (naming and family in family.ts). The group serving now is blue;
 * green is a copy of it (subnets, target groups, health check type and grace period,
 * capacity, warmup, tags but AWS's and the suite's own) on a new version of blue's launch
 * template with the new image and user data. Green is created attached to blue's target
 * groups: the load balancer sends traffic only to targets that pass its health check, and
 * only an attached group's instances get that check.
 *
 * Once every instance of green is InService and Healthy past its grace period, blue is
 * retired (detached, its scaling suspended: RETIRED_PROCESSES) and kept for a rollback;
 * groups of the family other than these two are deleted. If green fails (an instance fails
 * its health check, or the timeout passes), it is deleted and blue is not touched at all.
 * Either way exactly one group serves at the end.
 */
export async function executeBlueGreen(
  ctx: RolloutContext,
  request: RolloutRequest,
  plan: RolloutPlan,
): Promise<RolloutResult> {
  const { logger } = ctx;
  const clients = ctx.aws(request.region);
  const timeline = timelineRecorder(ctx.clock);
  const family = await readFamily(clients, request.groupName);
  const blue = family.serving.name;
  checkPlan(family, plan);
  for (const other of family.members) {
    if (other.name !== blue && !other.deleting && !isRetired(other.group)) {
      logger.warning(
        `Group ${other.name} of the family ${family.base} was left unfinished by an earlier run; it is deleted once this rollout succeeds.`,
      );
    }
  }

  const template = plan.launchTemplate;
  const previousVersion = template.currentVersion;
  const newVersion = await createTemplateVersion(clients, {
    templateId: template.id,
    sourceVersion: previousVersion,
    imageId: request.imageId,
    userData: request.userData,
    description: withRunMarker(request.description, ctx.run),
  });
  timeline.add(`Created version ${newVersion} of launch template ${template.name} (image ${request.imageId})`);

  const green = family.nextName;
  const blueGroup = family.serving.group;
  await createGreen(ctx, clients, blueGroup, {
    name: green,
    base: family.base,
    templateId: template.id,
    version: newVersion,
  });
  const saved: SavedBlueGreen = {
    strategy: "blue-green",
    region: clients.region,
    blueGroupName: blue,
    greenGroupName: green,
    launchTemplateId: template.id,
    newVersion,
    previousVersion,
  };
  ctx.onStarted?.(saved);
  timeline.add(
    `Created group ${green} from ${blue}: ${blueGroup.desiredCapacity} instances on version ${newVersion}, attached to ${countOf(blueGroup.targetGroupARNs.length, "target group")}`,
  );

  const outcome = {
    launchTemplateId: template.id,
    launchTemplateVersion: newVersion,
    previousLaunchTemplateVersion: previousVersion,
    timeline: timeline.events,
  };
  const timeoutMs = request.timeoutMs ?? plan.defaultTimeoutMs;
  const failure = await waitHealthy(ctx, clients, green, { timeoutMs, intervalMs: request.pollIntervalMs }, timeline);
  if (failure) {
    logger.warning(`Group ${green} did not become healthy: ${failure.reason}. Deleting it; ${blue} keeps serving.`);
    timeline.add(`${green} did not become healthy: ${failure.reason}`);
    const removal = await removeGroup(ctx, clients, green, request.pollIntervalMs);
    timeline.add(removal.detail);
    const kept = `${blue} was left as it was and serves on launch template version ${previousVersion}`;
    return {
      ...outcome,
      status: !removal.requested ? "RollbackFailed" : failure.timedOut ? "TimedOut" : "RollbackSuccessful",
      autoScalingGroup: blue,
      activeLaunchTemplateVersion: previousVersion,
      statusReason: `Group ${green} did not become healthy: ${failure.reason}. ${removal.detail}; ${kept}.`,
    };
  }

  timeline.add(`${green} in service: ${countOf(blueGroup.desiredCapacity, "instance")} InService and Healthy`);
  await retire(ctx, clients, blue, timeline);
  await prune(ctx, clients, family, [green, blue], timeline);
  return { ...outcome, status: "Successful", autoScalingGroup: green, activeLaunchTemplateVersion: newVersion };
}

/**
 * For the post step after a main step that did not finish. `rollback` and `cancel` both
 * undo it: blue is attached to green's target groups again and its processes resumed
 * before green is deleted (so that something serves throughout); `leave` changes nothing.
 * Idempotent: what is already undone is left as it is.
 */
export async function finishAbandonedBlueGreen(
  ctx: RolloutContext,
  saved: SavedBlueGreen,
  onCancel: OnCancel,
): Promise<{ outcome: string; detail: string }> {
  const { blueGroupName: blue, greenGroupName: green, previousVersion, newVersion } = saved;
  const clients = ctx.aws(saved.region);
  const [blueGroup, greenGroup] = [await findGroup(ctx, clients, blue), await findGroup(ctx, clients, green)];
  if (onCancel === "leave") {
    return {
      outcome: "left-running",
      detail: greenGroup
        ? `Group ${green} (launch template version ${newVersion}) was left as it is (on-cancel: leave), next to ${blue}.`
        : `Group ${green} does not exist; nothing was changed (on-cancel: leave).`,
    };
  }
  if (!blueGroup) {
    return {
      outcome: "rollback-failed",
      detail: `Group ${blue} no longer exists, so there is nothing to go back to: ${green} was kept.`,
    };
  }
  const done: string[] = [];
  const missing = (greenGroup?.targetGroupARNs ?? []).filter((arn) => !blueGroup.targetGroupARNs.includes(arn));
  if (missing.length > 0) {
    await targetGroups(ctx, clients, "attach", blue, missing);
    done.push(`Attached ${blue} to ${countOf(missing.length, "target group")} again`);
  }
  const suspended = RETIRED_PROCESSES.filter((p) => blueGroup.suspendedProcesses.includes(p));
  if (suspended.length > 0) {
    await processes(ctx, clients, "resume", blue, suspended);
    done.push(`Resumed ${blue}'s ${suspended.join(", ")}`);
  }
  const removal = greenGroup && (await removeGroup(ctx, clients, green, DELETE_POLL_MS));
  if (removal) done.push(removal.detail);
  if (done.length === 0) {
    return {
      outcome: "nothing-to-do",
      detail: `Group ${green} does not exist and ${blue} serves on launch template version ${previousVersion}.`,
    };
  }
  return {
    outcome: removal?.requested === false ? "rollback-failed" : "rolled-back",
    detail: `${done.join(". ")}. ${blue} serves on launch template version ${previousVersion}.`,
  };
}

/** The plan must be for the group serving now, and that group must not be changing under a refresh. */
function checkPlan(family: Family, plan: RolloutPlan): void {
  if (family.serving.name !== plan.group.name) {
    throw new DeployError({
      what: `The rollout plan is for ${plan.group.name}, but ${family.serving.name} is the group of the blue/green family ${family.base} that serves now.`,
      why: "Blue/green copies the serving group; the plan must be made for it (planRollout finds it from any name of the family).",
      fix: "Run this step again: it plans against the serving group.",
      code: "StalePlan",
    });
  }
  if (plan.runningRefresh) {
    throw new DeployError({
      what: `Group ${plan.group.name} has an instance refresh running (${plan.runningRefresh.id}, ${plan.runningRefresh.status}).`,
      why: "Blue/green copies the serving group, which the refresh is changing under it.",
      fix: "Wait for the refresh to end, or cancel it, then run this step again.",
      input: "strategy",
      code: "InstanceRefreshInProgress",
    });
  }
}

async function createGreen(
  ctx: RolloutContext,
  clients: AwsClients,
  blue: GroupInfo,
  green: { name: string; base: string; templateId: string; version: string },
): Promise<void> {
  // GroupInfo keeps no PropagateAtLaunch: every tag propagates, so instances carry the release and run too.
  const own = Object.fromEntries(
    Object.entries(blue.tags).filter(([key]) => !key.startsWith("aws:") && !key.startsWith("deploy:")),
  );
  const tags = withUserTags(
    [...resourceTags(ctx.run, { role: "green" }), { Key: TAG.family, Value: green.base }],
    own,
  ).map((tag) => ({ ...tag, ResourceId: green.name, ResourceType: "auto-scaling-group", PropagateAtLaunch: true }));
  try {
    await clients.autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: green.name,
        LaunchTemplate: { LaunchTemplateId: green.templateId, Version: green.version },
        MinSize: blue.minSize,
        MaxSize: blue.maxSize,
        DesiredCapacity: blue.desiredCapacity,
        VPCZoneIdentifier: blue.subnetIds.join(","),
        HealthCheckType: blue.healthCheckType,
        HealthCheckGracePeriod: blue.healthCheckGracePeriodSeconds,
        ...(blue.defaultInstanceWarmupSeconds !== undefined && {
          DefaultInstanceWarmup: blue.defaultInstanceWarmupSeconds,
        }),
        ...(blue.targetGroupARNs.length > 0 && { TargetGroupARNs: blue.targetGroupARNs }),
        Tags: tags,
      }),
    );
  } catch (error) {
    throw fromAwsError(error, `create the Auto Scaling group ${green.name} from ${blue.name}`);
  }
}

interface GreenFailure {
  reason: string;
  timedOut: boolean;
}

/**
 * Waits until green has its desired number of instances InService and Healthy, each seen
 * for at least the grace period (the health check does not judge an instance before it is
 * over), with one DescribeAutoScalingGroups call per check. The first instance that fails
 * its health check fails green: a new release that fails before it takes traffic is not
 * given more chances. Resolves with the failure, or undefined once green is healthy.
 */
async function waitHealthy(
  ctx: RolloutContext,
  clients: AwsClients,
  name: string,
  wait: { timeoutMs: number; intervalMs: number },
  timeline: TimelineRecorder,
): Promise<GreenFailure | undefined> {
  const firstSeen = new Map<string, number>();
  let latest: RolloutProgress | undefined;
  try {
    const { value } = await poll<GreenFailure | undefined>({
      describe: `group ${name} to be in service and healthy`,
      timeoutMs: wait.timeoutMs,
      timeoutInput: "timeout",
      intervalMs: wait.intervalMs,
      clock: ctx.clock,
      signal: ctx.signal,
      logger: ctx.logger,
      isRetryable: isTransient,
      onProgress: () => {
        if (latest) ctx.onProgress?.(latest);
      },
      check: async () => {
        const group = await findGroup(ctx, clients, name);
        if (!group) return { done: false, progress: "not visible yet" };
        const health = greenHealth(group, firstSeen, ctx.clock.now());
        if (health.failed) return { done: true, value: { reason: health.failed, timedOut: false } };
        if (latest?.percentageComplete !== health.progress.percentageComplete) {
          timeline.add(`${name}: ${health.text}`);
        }
        latest = health.progress;
        return health.progress.instancesToUpdate === 0
          ? { done: true, value: undefined }
          : { done: false, progress: health.text };
      },
    });
    return value;
  } catch (error) {
    if (!hasCode(error, "Timeout")) throw error;
    return { reason: `not healthy within ${formatDuration(wait.timeoutMs)} (${error.why})`, timedOut: true };
  }
}

export function greenHealth(
  group: GroupInfo,
  firstSeen: Map<string, number>,
  now: number,
): { failed?: string; progress: RolloutProgress; text: string } {
  const graceMs = group.healthCheckGracePeriodSeconds * 1000;
  for (const instance of group.instances) if (!firstSeen.has(instance.id)) firstSeen.set(instance.id, now);
  const unhealthy = group.instances.find((i) => i.healthStatus === "Unhealthy");
  const serving = group.instances.filter((i) => i.lifecycleState === "InService" && i.healthStatus === "Healthy");
  const judged = serving.filter((i) => now >= (firstSeen.get(i.id) ?? now) + graceMs);
  const desired = group.desiredCapacity;
  const ready = Math.min(judged.length, desired);
  const progress: RolloutProgress = {
    percentageComplete: desired === 0 ? 100 : Math.floor((100 * ready) / desired),
    instancesToUpdate: desired - ready,
    status: "InProgress",
  };
  const waiting = serving.length - judged.length;
  const text = `${serving.length} of ${desired} instances InService and Healthy${
    waiting > 0 ? `, ${waiting} within the ${formatDuration(graceMs)} health check grace period` : ""
  }`;
  if (unhealthy) {
    return {
      failed: `instance ${unhealthy.id} failed its ${group.healthCheckType} health check`,
      progress: { ...progress, status: "Failed" },
      text,
    };
  }
  return { progress, text };
}

/** Takes the old group out of traffic and stops it scaling, keeping its instances for a rollback. */
async function retire(
  ctx: RolloutContext,
  clients: AwsClients,
  name: string,
  timeline: TimelineRecorder,
): Promise<void> {
  const group = await describeGroup(clients, name);
  if (group.targetGroupARNs.length > 0) {
    await targetGroups(ctx, clients, "detach", name, group.targetGroupARNs);
    timeline.add(`Detached ${name} from ${countOf(group.targetGroupARNs.length, "target group")}`);
  }
  await processes(ctx, clients, "suspend", name, RETIRED_PROCESSES);
  timeline.add(
    `Suspended ${name}'s ${RETIRED_PROCESSES.join(", ")}: it keeps its ${countOf(group.desiredCapacity, "instance")} for a rollback`,
  );
}

/**
 * Deletes the groups of the family other than the new one and the one it replaced (the
 * rollback target). A failure here does not undo a successful rollout: it is a warning,
 * and the next rollout tries again.
 */
async function prune(
  ctx: RolloutContext,
  clients: AwsClients,
  family: Family,
  keep: string[],
  timeline: TimelineRecorder,
): Promise<void> {
  for (const old of family.members) {
    if (keep.includes(old.name) || old.deleting) continue;
    try {
      await deleteGroup(ctx, clients, old.name);
      timeline.add(`Deleted ${old.name}: the family keeps the serving group and the one before it`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.logger.warning(`Could not delete ${old.name}, an old group of the family ${family.base}: ${message}`);
      timeline.add(`Could not delete ${old.name}: ${message}`);
    }
  }
}

/** Deletes a group with its instances and waits (bounded) until it is gone. */
async function removeGroup(
  ctx: RolloutContext,
  clients: AwsClients,
  name: string,
  intervalMs: number,
): Promise<{ requested: boolean; detail: string }> {
  try {
    await deleteGroup(ctx, clients, name);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.logger.error(`Could not delete group ${name}: ${message}`);
    return { requested: false, detail: `Deleting ${name} failed (${message}); delete it by hand` };
  }
  try {
    await poll({
      describe: `group ${name} to be deleted`,
      timeoutMs: DELETE_TIMEOUT_MS,
      intervalMs,
      clock: ctx.clock,
      signal: ctx.signal,
      logger: ctx.logger,
      isRetryable: isTransient,
      check: async () => {
        const group = await findGroup(ctx, clients, name);
        return group
          ? { done: false, progress: `${countOf(group.instances.length, "instance")} left` }
          : { done: true, value: undefined };
      },
    });
  } catch (error) {
    if (!hasCode(error, "Timeout")) throw error;
    return {
      requested: true,
      detail: `${name} is being deleted; AWS carries on after ${formatDuration(DELETE_TIMEOUT_MS)}`,
    };
  }
  return { requested: true, detail: `Deleted ${name}` };
}

/** ForceDelete: the group goes with its instances; asking again for a group already going is harmless. */
async function deleteGroup(ctx: RolloutContext, clients: AwsClients, name: string): Promise<void> {
  try {
    await clients.autoScaling.send(
      new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }),
    );
  } catch (error) {
    // Gone already, or going: what was asked for.
    if (/not found|pending delete/i.test(error instanceof Error ? error.message : "")) return;
    throw fromAwsError(error, `delete the Auto Scaling group ${name}`);
  }
}

/** The group, or undefined when AWS has no group by that name (yet, or any more). */
async function findGroup(ctx: RolloutContext, clients: AwsClients, name: string): Promise<GroupInfo | undefined> {
  try {
    return await describeGroup(clients, name);
  } catch (error) {
    if (hasCode(error, "GroupNotFound")) return undefined;
    throw error;
  }
}

async function targetGroups(
  ctx: RolloutContext,
  clients: AwsClients,
  change: "attach" | "detach",
  name: string,
  arns: string[],
): Promise<void> {
  for (let i = 0; i < arns.length; i += TARGET_GROUPS_PER_CALL) {
    const input = { AutoScalingGroupName: name, TargetGroupARNs: arns.slice(i, i + TARGET_GROUPS_PER_CALL) };
    try {
      await clients.autoScaling.send(
        change === "attach"
          ? new AttachLoadBalancerTargetGroupsCommand(input)
          : new DetachLoadBalancerTargetGroupsCommand(input),
      );
    } catch (error) {
      throw fromAwsError(error, `${change} target groups ${change === "attach" ? "to" : "from"} ${name}`);
    }
  }
}

async function processes(
  ctx: RolloutContext,
  clients: AwsClients,
  change: "suspend" | "resume",
  name: string,
  list: readonly string[],
): Promise<void> {
  const input = { AutoScalingGroupName: name, ScalingProcesses: [...list] };
  try {
    await clients.autoScaling.send(
      change === "suspend" ? new SuspendProcessesCommand(input) : new ResumeProcessesCommand(input),
    );
  } catch (error) {
    throw fromAwsError(error, `${change} the processes ${list.join(", ")} of ${name}`);
  }
}

function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
