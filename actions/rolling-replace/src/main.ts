// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";
import { executeRollout, planRollout } from "@deploy/aws";
import { actionsLogger, inputs, runContext, saveState, systemClock } from "@deploy/core";
import { releaseOf } from "@deploy/release";
import { rolloutContext } from "./context.ts";
import { finishDeployment, startDeployment } from "./deployment.ts";
import { readSettings } from "./inputs.ts";
import { deploymentState, outcomeLine, rolloutFailed, setPlanOutputs, setResultOutputs } from "./result.ts";
import { planLines, planSummary, resultSummary } from "./summary.ts";

/**
 * The main step: read and check every input, plan without changing anything, record the
 * deployment, roll out, report. What exists is saved for the post step as soon as it
 * exists; "finished" is saved last, when nothing is left in progress for it to undo.
 */
export async function run(signal: AbortSignal): Promise<void> {
  const logger = actionsLogger();
  const runCtx = runContext();
  const settings = readSettings(inputs, runCtx);
  const { request, region } = settings;
  const ctx = rolloutContext(region, runCtx, signal, logger, {
    ...(settings.release && { commit: settings.release.commit }),
    onStarted: (saved) => saveState("rollout", saved),
  });

  const plan = await logger.group("Plan", async () => {
    const plan = await planRollout(ctx, request);
    for (const line of planLines(plan, request)) logger.info(line);
    return plan;
  });
  if (settings.dryRun) {
    setPlanOutputs(plan);
    await planSummary(plan, settings).write();
    logger.info("Dry run: nothing was changed.");
    saveState("finished", true);
    return;
  }

  // An `ami-id` rollout records a release of the run's commit with that AMI, so that the
  // deployment's payload is a release either way and promote can find it.
  const release = settings.release ?? releaseOf(runCtx, { amis: { [region]: request.imageId } }, new Date());
  const deployment =
    settings.deployment && (await startDeployment(settings.deployment, runCtx, release, signal, logger));
  if (deployment) saveState("deployment", deployment);

  const started = systemClock.now();
  const result = await executeRollout(ctx, request, plan);
  const durationMs = systemClock.now() - started;
  logger.info(outcomeLine(result));

  setResultOutputs(result, deployment, durationMs);
  if (deployment && settings.deployment) {
    const state = deploymentState(result);
    await finishDeployment(settings.deployment.token, runCtx, deployment, state, outcomeLine(result), signal, logger);
  }
  await resultSummary({ plan, result, settings, run: runCtx, ...(deployment && { deployment }), durationMs }).write();
  saveState("finished", true);
  if (result.status !== "Successful") throw rolloutFailed(result);
}
