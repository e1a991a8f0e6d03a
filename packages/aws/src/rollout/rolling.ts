import type { InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import { DeployError, formatDuration, hasCode } from "@deploy/core";
import { fromAwsError } from "../aws-errors.ts";
import { describeGroup } from "../group.ts";
import { createTemplateVersion } from "../launch-template.ts";
import { FINISH_TIMEOUT_MS, finishRefresh, type SavedRolling } from "./finish.ts";
import { activeRefresh, cancelRefresh, hasAwsCode, isReplacing, startRefresh, waitForRefresh } from "./refreshes.ts";
import { withRunMarker } from "./run-marker.ts";
import { type Timeline, type TimelineRecorder, timelineRecorder } from "./timeline.ts";
import type { RolloutContext, RolloutPlan, RolloutRequest, RolloutResult, RolloutStatus } from "./types.ts";

/** Starts that may lose a race with another refresh starting in between, before giving up. */
const START_ATTEMPTS = 3;

/**
 * The rolling strategy: a new launch-template version (the group's, with the new image and
 * user data), an instance refresh to it, and the wait. A refresh already running is
 * handled by `ifRefreshRunning` first, except one this run started (a re-run): followed
 * while it still rolls forward, waited for and replaced when an earlier attempt's post step
 * is cancelling or rolling it back. The refresh goes to `ctx.onStarted` as soon as it exists.
 *
 * Ends with the refresh's own end (Successful, Failed, Cancelled, RollbackSuccessful,
 * RollbackFailed), the action deciding what fails the step. At the timeout the refresh is
 * not abandoned: it is rolled back (cancelled without AutoRollback, or when AWS cannot roll
 * it back), waited for, and the result is TimedOut with the version the group is on.
 */
export async function executeRolling(
  ctx: RolloutContext,
  request: RolloutRequest,
  plan: RolloutPlan,
): Promise<RolloutResult> {
  const clients = ctx.aws(request.region);
  const timeline = timelineRecorder(ctx.clock);
  const timeoutMs = request.timeoutMs ?? plan.defaultTimeoutMs;
  const ours = plan.runningRefresh?.startedByThisRun ? plan.runningRefresh : undefined;
  const saved =
    ours && isReplacing(ours.status)
      ? attach(ctx, request, plan, ours, timeline)
      : await start(ctx, request, plan, { timeoutMs, ours: ours?.id }, timeline);
  ctx.onStarted?.(saved);

  const id = saved.instanceRefreshId;
  let ended: InstanceRefresh;
  try {
    ended = await waitForRefresh(ctx, clients, saved.groupName, id, {
      describe: `instance refresh ${id} to finish`,
      timeoutMs,
      intervalMs: request.pollIntervalMs,
      observe: timeline.observe,
    });
  } catch (error) {
    if (!hasCode(error, "Timeout")) throw error;
    const onTimeout = request.preferences.autoRollback ? "rollback" : "cancel";
    timeline.add(
      `Timed out after ${formatDuration(timeoutMs)}: ${onTimeout === "rollback" ? "rolling back" : "cancelling"}`,
    );
    ctx.logger.warning(`Instance refresh ${id} did not finish within ${formatDuration(timeoutMs)}.`);
    const finished = await finishRefresh(ctx, saved, onTimeout, { intervalMs: request.pollIntervalMs });
    timeline.add(finished.detail);
    return result(ctx, saved, timeline.events, "TimedOut", finished.detail);
  }
  // AWS clears the reason when a rollback succeeds; why it rolled back is in its details.
  const reason = ended.StatusReason ?? ended.RollbackDetails?.RollbackReason;
  return result(ctx, saved, timeline.events, ended.Status as RolloutStatus, reason);
}

function attach(
  ctx: RolloutContext,
  request: RolloutRequest,
  plan: RolloutPlan,
  running: NonNullable<RolloutPlan["runningRefresh"]>,
  timeline: TimelineRecorder,
): SavedRolling {
  ctx.logger.info(
    `Instance refresh ${running.id} (${running.status}) was started by an earlier attempt of this run: following it instead of starting another.`,
  );
  timeline.add(`Attached to instance refresh ${running.id}, started by an earlier attempt of this run`);
  return saved(request, plan, running.id, running.desiredVersion ?? plan.launchTemplate.currentVersion);
}

async function start(
  ctx: RolloutContext,
  request: RolloutRequest,
  plan: RolloutPlan,
  wait: ClearWait,
  timeline: TimelineRecorder,
): Promise<SavedRolling> {
  const clients = ctx.aws(request.region);
  const group = plan.group.name;
  const template = plan.launchTemplate;
  await clearTheWay(ctx, request, group, wait, timeline);
  const version = await createTemplateVersion(clients, {
    templateId: template.id,
    sourceVersion: template.currentVersion,
    imageId: request.imageId,
    userData: request.userData,
    description: withRunMarker(request.description, ctx.run),
  });
  ctx.logger.info(`Created version ${version} of launch template ${template.name} with ${request.imageId}.`);
  timeline.add(`Launch template ${template.name} version ${version} created with ${request.imageId}`);
  const desired = { templateId: template.id, version };
  for (let attempt = 1; ; attempt++) {
    try {
      const id = await startRefresh(clients, group, desired, request.preferences);
      ctx.logger.info(
        `Started instance refresh ${id} on ${group}: ${plan.instancesToReplace} instances in ${plan.batches.length} batches, about ${formatDuration(plan.estimatedMs)}.`,
      );
      timeline.add(`Instance refresh ${id} started`);
      return saved(request, plan, id, version);
    } catch (error) {
      if (!hasAwsCode(error, "InstanceRefreshInProgress")) throw error;
      // A start that reached AWS but whose answer was lost, retried by the SDK, finds itself.
      const running = await activeRefresh(clients, group);
      const target = running?.DesiredConfiguration?.LaunchTemplate;
      if (running?.InstanceRefreshId && target?.LaunchTemplateId === template.id && target.Version === version) {
        return saved(request, plan, running.InstanceRefreshId, version);
      }
      if (attempt >= START_ATTEMPTS) throw fromAwsError(error, `start an instance refresh on ${group}`);
      await clearTheWay(ctx, request, group, wait, timeline);
    }
  }
}

interface ClearWait {
  timeoutMs: number;
  /** A refresh this run started, which is waited for whatever `ifRefreshRunning` says. */
  ours: string | undefined;
}

/** Applies `ifRefreshRunning` to a refresh running on the group. */
async function clearTheWay(
  ctx: RolloutContext,
  request: RolloutRequest,
  group: string,
  { timeoutMs, ours }: ClearWait,
  timeline: TimelineRecorder,
): Promise<void> {
  const clients = ctx.aws(request.region);
  const running = await activeRefresh(clients, group);
  if (!running?.InstanceRefreshId) return;
  const id = running.InstanceRefreshId;
  const policy = id === ours ? "wait" : request.ifRefreshRunning;
  if (policy === "fail") {
    throw new DeployError({
      what: `Auto Scaling group ${group} already has instance refresh ${id} in progress (${running.Status}).`,
      why: "AWS runs one instance refresh per group at a time, and this run did not start that one.",
      fix: `Wait for it to end, or set if-refresh-running to "wait" (start after it ends) or "cancel" (cancel it, then start).`,
      input: "if-refresh-running",
      code: "InstanceRefreshInProgress",
    });
  }
  const cancel = policy === "cancel" && isReplacing(running.Status);
  if (cancel) {
    ctx.logger.info(`Cancelling instance refresh ${id} (${running.Status}), as if-refresh-running asks.`);
    await cancelRefresh(clients, group);
    timeline.add(`Cancelled instance refresh ${id}, which was running`);
  } else {
    ctx.logger.info(`Waiting for instance refresh ${id} (${running.Status}) to end before starting.`);
  }
  const ended = await waitForRefresh(ctx, clients, group, id, {
    describe: `instance refresh ${id}, which was already running, to end`,
    timeoutMs: cancel ? FINISH_TIMEOUT_MS : timeoutMs,
    intervalMs: request.pollIntervalMs,
  });
  timeline.add(`Instance refresh ${id}, which was running, ended ${ended.Status}`);
}

function saved(
  request: RolloutRequest,
  plan: RolloutPlan,
  instanceRefreshId: string,
  newVersion: string,
): SavedRolling {
  return {
    strategy: "rolling",
    region: request.region,
    groupName: plan.group.name,
    instanceRefreshId,
    launchTemplateId: plan.launchTemplate.id,
    newVersion,
    previousVersion: plan.launchTemplate.currentVersion,
  };
}

/** The result, with the version the group is on read back from AWS rather than assumed. */
async function result(
  ctx: RolloutContext,
  saved: SavedRolling,
  timeline: Timeline,
  status: RolloutStatus,
  statusReason: string | undefined,
): Promise<RolloutResult> {
  const group = await describeGroup(ctx.aws(saved.region), saved.groupName);
  return {
    status,
    autoScalingGroup: saved.groupName,
    instanceRefreshId: saved.instanceRefreshId,
    launchTemplateId: saved.launchTemplateId,
    launchTemplateVersion: saved.newVersion,
    previousLaunchTemplateVersion: saved.previousVersion,
    activeLaunchTemplateVersion: group.launchTemplate?.version ?? saved.previousVersion,
    timeline,
    ...(statusReason && { statusReason }),
  };
}
