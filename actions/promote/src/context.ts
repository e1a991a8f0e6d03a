import type { BakeContext } from "@deploy/aws";
import { type Logger, type RunContext, systemClock } from "@deploy/core";

/**
 * What the copy logic needs from the step, the same for main and post: real time, the
 * step's cancellation, its log, and the run and commit that tag the copies (the post step
 * finds this attempt's unfinished copies by the run tag).
 */
export function promoteContext(
  run: RunContext,
  commit: string,
  signal: AbortSignal,
  logger: Logger,
  hooks: Pick<BakeContext, "onCreated"> = {},
): BakeContext {
  return {
    clock: systemClock,
    signal,
    logger,
    run: { commit, runId: run.runId, runAttempt: run.runAttempt },
    ...hooks,
  };
}
