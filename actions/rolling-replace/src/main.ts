// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";
import { executeRollout, planRollout, type RolloutContext } from "@deploy/aws";
import { releaseOf } from "@deploy/release";
import { action } from "./action.ts";
import { finishDeployment, startDeployment } from "./deployment.ts";
import { readSettings } from "./inputs.ts";
import { deploymentState, outcomeLine, rolloutFailed, setPlanOutputs, setResultOutputs } from "./result.ts";
import { planLines, planSummary, resultSummary } from "./summary.ts";

/**
 * The main step: read and check every input, plan without changing anything, record the
 * deployment, roll out, report. What exists is saved for the post step as soon as it
 * exists; once the rollout has settled, nothing the post step does can undo it.
 */
export const run = action.main(async (step) => {
  const { ctx } = step;
  const settings = readSettings(step.inputs, ctx.run);
  const { request } = settings;
  const rollout: RolloutContext = { ...ctx, onStarted: (saved) => step.save("rollout", saved) };

  const plan = await ctx.logger.group("Plan", async () => {
    const plan = await planRollout(rollout, request);
    for (const line of planLines(plan, request)) ctx.logger.info(line);
    return plan;
  });
  if (settings.dryRun) {
    setPlanOutputs(plan);
    await planSummary(plan, settings).write();
    ctx.logger.info("Dry run: nothing was changed.");
    return;
  }

  // An `ami-id` rollout records a release of the run's commit with that AMI, so that the
  // deployment's payload is a release either way and promote can find it.
  const release = settings.release ?? releaseOf(ctx, { amis: { [request.region]: request.imageId } });
  step.reach("changing");
  const deployment = settings.deployment && (await startDeployment(ctx, settings.deployment, release));
  if (deployment) step.save("deployment", deployment);

  const started = ctx.clock.now();
  const result = await executeRollout(rollout, request, plan);
  const durationMs = ctx.clock.now() - started;
  const settled = { state: deploymentState(result), description: outcomeLine(result) };
  step.save("settled", settled);
  step.reach("settled");
  ctx.logger.info(settled.description);

  setResultOutputs(result, deployment, durationMs);
  if (deployment && settings.deployment) {
    await finishDeployment(ctx, settings.deployment.token, deployment, settled);
  }
  await resultSummary({ plan, result, settings, run: ctx.run, ...(deployment && { deployment }), durationMs }).write();
  step.reach("reported");
  if (result.status !== "Successful") throw rolloutFailed(result);
});
