import { finishAbandoned, type SavedRollout } from "@deploy/aws";
import { actionsLogger, getState, inputs, runContext, runStep } from "@deploy/core";
import { rolloutContext } from "./context.ts";
import { finishDeployment, type SavedDeployment } from "./deployment.ts";
import { readOnCancel } from "./inputs.ts";
import { abandonedDeploymentState } from "./result.ts";
import { abandonedSummary } from "./summary.ts";

/**
 * The post step: when the main step was cancelled or stopped before the rollout ended,
 * apply on-cancel to what it left (roll back, cancel, or leave it running) and close the
 * deployment record. After a main step that finished, there is nothing to do.
 */
async function post(signal: AbortSignal): Promise<void> {
  if (getState<boolean>("finished")) return;
  const saved = getState<SavedRollout>("rollout");
  const deployment = getState<SavedDeployment>("deployment");
  if (!saved && !deployment) return;

  const logger = actionsLogger();
  const runCtx = runContext();
  const onCancel = readOnCancel(inputs);
  let outcome: { outcome: string; detail: string } | undefined;
  if (saved) {
    outcome = await finishAbandoned(rolloutContext(saved.region, runCtx, signal, logger), saved, onCancel);
    logger.info(`on-cancel ${onCancel}: ${outcome.outcome}. ${outcome.detail}`);
  }
  const token = inputs.string("github-token", { secret: true });
  if (deployment && token) {
    const state = abandonedDeploymentState(outcome?.outcome);
    const description = outcome
      ? `Stopped before the rollout ended; on-cancel ${onCancel}: ${outcome.outcome}`
      : "The step failed before the rollout started";
    await finishDeployment(token, runCtx, deployment, state, description, signal, logger);
  }
  await abandonedSummary(saved, onCancel, outcome, runCtx, deployment).write();
}

await runStep(post);
