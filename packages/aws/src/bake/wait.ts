import { type Clock, type Logger, type PollCheck, type PollResult, poll } from "@deploy/core";
import { isTransient } from "../aws-errors.ts";

/** How a bake waits: one deadline, from the request's timeout, for every wait of the bake. */
export interface BakeWait {
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
  /** Epoch ms on `clock`. */
  deadline: number;
  intervalMs: number;
}

/**
 * One wait of the bake with the poller: the bake's deadline (or an earlier one), its
 * interval and cancellation, progress to its log, transient errors (throttling, NotFound
 * for something just made) retried, and the "timeout" input named when time runs out.
 */
export function bakePoll<T>(
  wait: BakeWait,
  describe: string,
  check: () => Promise<PollCheck<T>>,
  deadline = wait.deadline,
): Promise<PollResult<T>> {
  return poll({
    describe,
    deadline,
    intervalMs: wait.intervalMs,
    timeoutInput: "timeout",
    clock: wait.clock,
    signal: wait.signal,
    logger: wait.logger,
    isRetryable: isTransient,
    check,
  });
}
