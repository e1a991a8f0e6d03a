import type { InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import type { Clock } from "@deploy/core";
import type { RolloutResult } from "./types.ts";

export type Timeline = RolloutResult["timeline"];
export type TimelineRecorder = ReturnType<typeof timelineRecorder>;

/**
 * The rollout's story for the job summary: what happened when. Fed every answer of the
 * wait, it keeps the moments that matter (a status change, a batch done, a checkpoint
 * reached, a rollback and why), not every answer: while instances warm up, AWS's reason
 * names another instance on every poll.
 */
export function timelineRecorder(clock: Clock) {
  const events: Timeline = [];
  let last: InstanceRefresh | undefined;
  const add = (event: string) => events.push({ at: Math.round(clock.now()), event });
  return {
    events,
    add,
    observe(refresh: InstanceRefresh) {
      const status = refresh.Status ?? "Unknown";
      const reason = refresh.StatusReason;
      if (status !== last?.Status) add(statusEvent(refresh, status));
      else if (reason && /checkpoint/i.test(reason) && reason !== last.StatusReason) add(reason);
      if (last && refresh.PercentageComplete !== last.PercentageComplete) {
        add(`${refresh.PercentageComplete ?? 0}% done, ${refresh.InstancesToUpdate ?? 0} left`);
      }
      last = refresh;
    },
  };
}

function statusEvent(refresh: InstanceRefresh, status: string): string {
  if (status === "RollbackInProgress") {
    // AWS's rollback reason reads as an event: "Rollback started by a user request."
    return refresh.RollbackDetails?.RollbackReason ?? "Rollback started";
  }
  const ended = !["Pending", "InProgress", "Baking", "Cancelling"].includes(status);
  return `Instance refresh ${status}${ended && refresh.StatusReason ? `: ${refresh.StatusReason}` : ""}`;
}
