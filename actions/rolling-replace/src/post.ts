import { finishAbandoned } from "@deploy/aws";
import { action } from "./action.ts";
import { finishDeployment } from "./deployment.ts";
import { readOnCancel } from "./inputs.ts";
import { abandonedDeploymentState } from "./result.ts";
import { abandonedSummary, settledSummary } from "./summary.ts";

/**
 * The post step, after a main step that stopped before it reported:
 * - the rollout still changing (cancelled, or the step died): apply on-cancel to what it
 *   left (roll back, cancel, or leave it running) and close the deployment record;
 * - the rollout settled (a later step failed, e.g. GitHub answered 500 on the last status):
 *   change nothing on AWS, only record how it settled.
 */
const post = action.post(async (step) => {
  const { ctx, state, phase } = step;
  const token = step.inputs.string("github-token", { secret: true });
  const deployment = state.deployment;

  if (phase === "settled") {
    const settled = state.settled;
    if (deployment && token && settled) await finishDeployment(ctx, token, deployment, settled);
    await settledSummary(settled, ctx.run, deployment).write();
    return;
  }

  const onCancel = readOnCancel(step.inputs);
  const saved = state.rollout;
  let outcome: { outcome: string; detail: string } | undefined;
  if (saved) {
    outcome = await finishAbandoned(ctx, saved, onCancel);
    ctx.logger.info(`on-cancel ${onCancel}: ${outcome.outcome}. ${outcome.detail}`);
  }
  if (deployment && token) {
    await finishDeployment(ctx, token, deployment, {
      state: abandonedDeploymentState(outcome?.outcome),
      description: outcome
        ? `Stopped before the rollout ended; on-cancel ${onCancel}: ${outcome.outcome}`
        : "The step failed before the rollout started",
    });
  }
  await abandonedSummary(saved, onCancel, outcome, ctx.run, deployment).write();
});

await post();
