import { type Logger, type RunContext, systemClock } from "@deploy/core";
import type { BakeContext } from "./bake/types.ts";

/**
 * What the bake and copy logic needs from an action's step, the same for its main and post:
 * real time, the step's cancellation, its log, and the run and commit that tag what it
 * creates (a post step finds this attempt's leftovers by the run tag).
 */
export function stepContext(
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
