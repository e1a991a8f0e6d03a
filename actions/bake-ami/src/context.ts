import type { BakeContext } from "@deploy/aws";
import { type Logger, type RunContext, systemClock } from "@deploy/core";

/**
 * What the bake logic needs from the step, the same for main and post: real time, the
 * step's cancellation, its log, and the run and commit that tag what it creates (the post
 * step finds this attempt's leftovers by the run tag).
 */
export function bakeContext(
  run: RunContext,
  commit: string,
  signal: AbortSignal,
  logger: Logger,
  hooks: Pick<BakeContext, "onCreated" | "onPhase"> = {},
): BakeContext {
  return {
    clock: systemClock,
    signal,
    logger,
    run: { commit, runId: run.runId, runAttempt: run.runAttempt },
    ...hooks,
  };
}
