import { type BakePhase, bake, type CreatedResource, stepContext } from "@deploy/aws";
import { actionsLogger, hasCode, inputs, isCancellation, runContext, saveState, systemClock } from "@deploy/core";

import { readSettings } from "./inputs.ts";
import { bakedRelease, setBakeOutputs } from "./outputs.ts";
import { bakeSummary, PHASE_LINES } from "./summary.ts";

/**
 * The main step: read and check every input, then bake (or reuse), copy and share, and
 * report. The regions are saved before the first AWS call and every resource the moment
 * it exists, so that the post step can sweep what a cancelled or failed bake left;
 * "finished" is saved last, when nothing is left for it to sweep.
 */
export async function run(signal: AbortSignal): Promise<void> {
  const started = systemClock.now();
  const logger = actionsLogger();
  const runCtx = runContext();
  const settings = await readSettings(inputs, runCtx);
  saveState("regions", settings.regions);

  const created: CreatedResource[] = [];
  const ctx = stepContext(runCtx, settings.commit, signal, logger, {
    onCreated: (resource) => {
      created.push(resource);
      saveState("created", created);
    },
    onPhase: (phase: BakePhase) => logger.info(PHASE_LINES[phase]),
  });
  const result = await bake(ctx, settings.request).catch((error: unknown) => handOverOnTimeout(error, created));

  const release = bakedRelease(settings, runCtx, result, new Date());
  const durationMs = systemClock.now() - started;
  setBakeOutputs(result, release, settings.request.region, durationMs);
  await bakeSummary(result, settings, runCtx, durationMs).write();
  saveState("finished", true);
}

/**
 * A bake that ran out of time leaves the images it was making to AWS, which finishes them,
 * so that a retry finds them by their bake key instead of baking again: the post step must
 * not sweep them. A cancellation, or any other failure, leaves them to the sweep.
 */
function handOverOnTimeout(error: unknown, created: readonly CreatedResource[]): never {
  if (hasCode(error, "Timeout") && !isCancellation(error)) {
    saveState(
      "handed-over",
      created.flatMap((r) => (r.kind === "image" ? [r.imageId] : [])),
    );
  }
  throw error;
}
