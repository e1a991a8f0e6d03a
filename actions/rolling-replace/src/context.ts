import { awsClients, type RolloutContext } from "@deploy/aws";
import { type Logger, type RunContext, systemClock } from "@deploy/core";

/**
 * What the rollout logic needs from the step, the same for main and post: AWS clients for
 * the group's region, real time, the step's cancellation, its log, and the run and commit
 * that name what it creates. Waits report their progress through the logger.
 */
export function rolloutContext(
  region: string,
  run: RunContext,
  signal: AbortSignal,
  logger: Logger,
  options: { commit?: string; onStarted?: RolloutContext["onStarted"] } = {},
): RolloutContext {
  return {
    clients: awsClients(region),
    clock: systemClock,
    signal,
    logger,
    run: { commit: options.commit ?? run.commit, runId: run.runId, runAttempt: run.runAttempt },
    ...(options.onStarted && { onStarted: options.onStarted }),
  };
}
