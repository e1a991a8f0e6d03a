import type { InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import { formatDuration, hasCode } from "@deploy/core";
import { describeGroup } from "../group.ts";
import { finishAbandonedBlueGreen } from "./blue-green.ts";
import { cancelRefresh, describeRefresh, isActive, isReplacing, rollbackRefresh, waitForRefresh } from "./refreshes.ts";
import type { OnCancel, RolloutContext, SavedRollout } from "./types.ts";

export type SavedRolling = Extract<SavedRollout, { strategy: "rolling" }>;

/**
 * What finishing a rolling rollout came to:
 * - `rolled-back`, `rollback-failed`, `cancelled`, `succeeded`, `failed`: how the refresh
 *   ended, whether after our request or before it (then the detail says nothing was done);
 * - `left-running`: on-cancel `leave`;
 * - `still-running`: it had not ended by the deadline (AWS carries on with it);
 * - `nothing-to-do`: AWS no longer lists the refresh (it keeps six weeks of them).
 */
export type FinishOutcome =
  | "nothing-to-do"
  | "left-running"
  | "rolled-back"
  | "rollback-failed"
  | "cancelled"
  | "succeeded"
  | "failed"
  | "still-running";

/**
 * How long the post step waits for a rollback or cancel. The runner gives post steps
 * limited time, and a rollback can take as long as the rollout did; past this the refresh
 * goes on in AWS and the outcome says so.
 */
export const FINISH_TIMEOUT_MS = 20 * 60_000;
const FINISH_POLL_MS = 10_000;

/**
 * For the post step after a main step that did not finish: applies on-cancel to what it
 * left (rolling: roll the instance refresh back, cancel it, or leave it), and waits until
 * nothing is in progress (except for `leave`). Idempotent: a refresh that has ended is left
 * as it is.
 */
export async function finishAbandoned(
  ctx: RolloutContext,
  saved: SavedRollout,
  onCancel: OnCancel,
): Promise<{ outcome: string; detail: string }> {
  if (saved.strategy === "blue-green") return finishAbandonedBlueGreen(ctx, saved, onCancel);
  return finishRefresh(ctx, saved, onCancel);
}

/**
 * Rolls back, cancels or leaves the saved refresh, then waits (bounded) for it to end. A
 * rollback AWS refuses (IrreversibleInstanceRefresh) becomes a cancel; a refresh already
 * rolling back or being cancelled is waited for, not asked again.
 */
export async function finishRefresh(
  ctx: RolloutContext,
  saved: SavedRolling,
  onCancel: OnCancel,
  wait: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<{ outcome: FinishOutcome; detail: string }> {
  const { groupName, instanceRefreshId: id } = saved;
  const clients = ctx.aws(saved.region);
  const refresh = await describeRefresh(clients, groupName, id);
  if (!refresh || !isActive(refresh.Status)) {
    return {
      outcome: refresh ? outcomeOf(refresh) : "nothing-to-do",
      detail: `Instance refresh ${id} had already ended (${refresh?.Status ?? "gone from AWS's list"}), nothing to do; ${await groupVersion(ctx, saved)}.`,
    };
  }
  if (onCancel === "leave") {
    return {
      outcome: "left-running",
      detail: `Instance refresh ${id} is ${refresh.Status} and was left running (on-cancel: leave); ${await groupVersion(ctx, saved)}.`,
    };
  }
  const asked = isReplacing(refresh.Status) ? await ask(ctx, saved, onCancel) : `It was already ${refresh.Status}.`;
  const timeoutMs = wait.timeoutMs ?? FINISH_TIMEOUT_MS;
  let ended: InstanceRefresh;
  try {
    ended = await waitForRefresh(ctx, clients, groupName, id, {
      describe: `instance refresh ${id} to end`,
      timeoutMs,
      intervalMs: wait.intervalMs ?? FINISH_POLL_MS,
    });
  } catch (error) {
    if (!hasCode(error, "Timeout")) throw error;
    return {
      outcome: "still-running",
      detail: `${asked} Instance refresh ${id} had not ended after ${formatDuration(timeoutMs)}; AWS carries on with it.`,
    };
  }
  return {
    outcome: outcomeOf(ended),
    detail: `${asked} Instance refresh ${id} ended ${ended.Status}${ended.StatusReason ? ` (${ended.StatusReason})` : ""}; ${await groupVersion(ctx, saved)}.`,
  };
}

/** Asks AWS to roll back or cancel; says what was asked. */
async function ask(ctx: RolloutContext, saved: SavedRolling, onCancel: "rollback" | "cancel"): Promise<string> {
  const { logger } = ctx;
  const clients = ctx.aws(saved.region);
  if (onCancel === "rollback") {
    const rollback = await rollbackRefresh(clients, saved.groupName);
    if (rollback.outcome !== "irreversible") {
      logger.info(`Rolling back instance refresh ${saved.instanceRefreshId} to version ${saved.previousVersion}.`);
      return `Asked AWS to roll instance refresh ${saved.instanceRefreshId} back.`;
    }
    logger.warning(
      `AWS cannot roll instance refresh ${saved.instanceRefreshId} back (${rollback.reason}); cancelling it.`,
    );
    await cancelRefresh(clients, saved.groupName);
    return `AWS could not roll instance refresh ${saved.instanceRefreshId} back (${rollback.reason}), so it was cancelled; instances it already replaced stay on version ${saved.newVersion}.`;
  }
  logger.info(`Cancelling instance refresh ${saved.instanceRefreshId}.`);
  await cancelRefresh(clients, saved.groupName);
  return `Cancelled instance refresh ${saved.instanceRefreshId}; instances it already replaced stay on version ${saved.newVersion}.`;
}

function outcomeOf(refresh: InstanceRefresh): FinishOutcome {
  switch (refresh.Status) {
    case "RollbackSuccessful":
      return "rolled-back";
    case "RollbackFailed":
      return "rollback-failed";
    case "Cancelled":
      return "cancelled";
    case "Successful":
      return "succeeded";
    default:
      return "failed";
  }
}

async function groupVersion(ctx: RolloutContext, saved: SavedRolling): Promise<string> {
  const group = await describeGroup(ctx.aws(saved.region), saved.groupName);
  return `group ${saved.groupName} is on launch template version ${group.launchTemplate?.version ?? "unknown"}`;
}
