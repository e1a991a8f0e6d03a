import { awsClients, type RolloutContext, type TagContext } from "@deploy/aws";
import { type Logger, systemClock } from "@deploy/core";

/**
 * What the rollout logic needs from the step, the same for main and post: AWS clients for
 * the group's region, real time, the step's cancellation and its log. Waits report their
 * progress through the logger, so the step needs no onProgress of its own.
 */
export function rolloutContext(
  region: string,
  run: TagContext,
  signal: AbortSignal,
  logger: Logger,
  onStarted?: RolloutContext["onStarted"],
): RolloutContext {
  return { clients: awsClients(region), clock: systemClock, signal, logger, run, ...(onStarted && { onStarted }) };
}
