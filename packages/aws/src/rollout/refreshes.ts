import {
  CancelInstanceRefreshCommand,
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { DeployError, poll } from "@deploy/core";
import { awsErrorCode, fromAwsError, isTransient } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import type { RefreshPreferences, RolloutContext, RolloutProgress } from "./types.ts";

/** The instance refresh API as the rollout uses it: find, start, cancel, roll back, wait. */

/** A refresh in one of these blocks another one. */
const ACTIVE = new Set(["Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"]);
/** A refresh in one of these can still be cancelled or rolled back (the others are already on their way out). */
const REPLACING = new Set(["Pending", "InProgress", "Baking"]);

export const isActive = (status: string | undefined) => ACTIVE.has(status ?? "");
export const isReplacing = (status: string | undefined) => REPLACING.has(status ?? "");

/**
 * Whether AWS answered with the error code `code`: AWS's open set, not the suite's codes
 * (those are `hasCode`'s, from @deploy/core). The SDK names an error after its shape
 * (`InstanceRefreshInProgressFault`); the wire code drops the suffix.
 */
export function hasAwsCode(error: unknown, code: string): boolean {
  const actual = awsErrorCode(error);
  return actual === code || actual === `${code}Fault`;
}

/** The group's active refresh, if any: AWS allows one at a time, and lists the newest first. */
export async function activeRefresh(clients: AwsClients, groupName: string): Promise<InstanceRefresh | undefined> {
  try {
    const answer = await clients.autoScaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName, MaxRecords: 5 }),
    );
    return answer.InstanceRefreshes?.find((r) => isActive(r.Status));
  } catch (error) {
    throw fromAwsError(error, `list the instance refreshes of ${groupName}`);
  }
}

/** One refresh by id; undefined while AWS does not show it yet. Transient errors are left to the poller. */
export async function describeRefresh(
  clients: AwsClients,
  groupName: string,
  id: string,
): Promise<InstanceRefresh | undefined> {
  try {
    const answer = await clients.autoScaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName, InstanceRefreshIds: [id] }),
    );
    return answer.InstanceRefreshes?.[0];
  } catch (error) {
    throw isTransient(error) ? error : fromAwsError(error, `describe instance refresh ${id}`);
  }
}

/**
 * Starts the refresh to a launch-template version, as the DesiredConfiguration: the group
 * itself is not updated first, so that AWS can roll back to what it names now. An
 * `InstanceRefreshInProgress` error is passed on as it is, for the caller's policy.
 */
export async function startRefresh(
  clients: AwsClients,
  groupName: string,
  desired: { templateId: string; version: string },
  preferences: RefreshPreferences,
): Promise<string> {
  const p = preferences;
  const checkpoints = p.checkpointPercentages ?? [];
  const start = new StartInstanceRefreshCommand({
    AutoScalingGroupName: groupName,
    Strategy: "Rolling",
    DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: desired.templateId, Version: desired.version } },
    Preferences: {
      MinHealthyPercentage: p.minHealthyPercentage,
      MaxHealthyPercentage: p.maxHealthyPercentage,
      InstanceWarmup: p.instanceWarmupSeconds,
      // AWS refuses a checkpoint delay without checkpoints.
      ...(checkpoints.length > 0 && {
        CheckpointPercentages: checkpoints,
        CheckpointDelay: p.checkpointDelaySeconds,
      }),
      SkipMatching: p.skipMatching,
      AutoRollback: p.autoRollback,
      ...(p.alarms && p.alarms.length > 0 && { AlarmSpecification: { Alarms: p.alarms } }),
      BakeTime: p.bakeTimeSeconds,
      ScaleInProtectedInstances: p.scaleInProtectedInstances,
      StandbyInstances: p.standbyInstances,
    },
  });
  let answer: { InstanceRefreshId?: string | undefined };
  try {
    answer = await clients.autoScaling.send(start);
  } catch (error) {
    throw hasAwsCode(error, "InstanceRefreshInProgress")
      ? error
      : fromAwsError(error, `start an instance refresh on ${groupName}`);
  }
  if (!answer.InstanceRefreshId) {
    throw new DeployError({ what: `StartInstanceRefresh on ${groupName} returned no refresh id.` });
  }
  return answer.InstanceRefreshId;
}

/** Asks AWS to cancel the group's active refresh; false when there was none any more. */
export async function cancelRefresh(clients: AwsClients, groupName: string): Promise<boolean> {
  try {
    await clients.autoScaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: groupName }));
    return true;
  } catch (error) {
    if (hasAwsCode(error, "ActiveInstanceRefreshNotFound")) return false;
    throw fromAwsError(error, `cancel the instance refresh of ${groupName}`);
  }
}

/**
 * Asks AWS to roll the group's active refresh back. `irreversible` (with AWS's reason) when
 * AWS cannot: no desired configuration, or a group on `$Latest`, `$Default` or an SSM image.
 */
export async function rollbackRefresh(
  clients: AwsClients,
  groupName: string,
): Promise<{ outcome: "started" | "none" } | { outcome: "irreversible"; reason: string }> {
  try {
    await clients.autoScaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: groupName }));
    return { outcome: "started" };
  } catch (error) {
    if (hasAwsCode(error, "ActiveInstanceRefreshNotFound")) return { outcome: "none" };
    if (hasAwsCode(error, "IrreversibleInstanceRefresh")) {
      return { outcome: "irreversible", reason: error instanceof Error ? error.message : String(error) };
    }
    throw fromAwsError(error, `roll back the instance refresh of ${groupName}`);
  }
}

export function progressOf(refresh: InstanceRefresh): RolloutProgress {
  return {
    percentageComplete: refresh.PercentageComplete ?? 0,
    instancesToUpdate: refresh.InstancesToUpdate ?? 0,
    status: refresh.Status ?? "Unknown",
    ...(refresh.StatusReason && { statusReason: refresh.StatusReason }),
  };
}

export interface RefreshWait {
  /** As it reads after "Waiting for". */
  describe: string;
  timeoutMs: number;
  intervalMs: number;
  /** Sees every answer, for the timeline. */
  observe?: (refresh: InstanceRefresh) => void;
}

/**
 * Waits until the refresh is no longer active, with one DescribeInstanceRefreshes call per
 * check whatever the group's size. Progress (share done, instances left, AWS's reason, e.g.
 * a checkpoint reached) goes to the logger and to `ctx.onProgress` at least every 30 s.
 * Rejects with the poller's DeployError (code `Timeout`) at the deadline.
 */
export async function waitForRefresh(
  ctx: RolloutContext,
  clients: AwsClients,
  groupName: string,
  id: string,
  wait: RefreshWait,
): Promise<InstanceRefresh> {
  let latest: InstanceRefresh | undefined;
  const { value } = await poll({
    describe: wait.describe,
    timeoutMs: wait.timeoutMs,
    intervalMs: wait.intervalMs,
    clock: ctx.clock,
    signal: ctx.signal,
    logger: ctx.logger,
    isRetryable: isTransient,
    onProgress: () => {
      if (latest) ctx.onProgress?.(progressOf(latest));
    },
    check: async () => {
      const refresh = await describeRefresh(clients, groupName, id);
      if (!refresh) return { done: false, progress: "not visible yet" };
      latest = refresh;
      wait.observe?.(refresh);
      return isActive(refresh.Status)
        ? { done: false, progress: progressText(refresh) }
        : { done: true, value: refresh };
    },
  });
  return value;
}

function progressText(refresh: InstanceRefresh): string {
  const { percentageComplete, instancesToUpdate, status, statusReason } = progressOf(refresh);
  const left = `${instancesToUpdate} ${instancesToUpdate === 1 ? "instance" : "instances"} left`;
  return `${status}, ${percentageComplete}% done, ${left}${statusReason ? `. ${statusReason}` : ""}`;
}
