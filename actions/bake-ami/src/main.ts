import { type BakePhase, bake, type CreatedResource } from "@deploy/aws";
import { actionsLogger, inputs, runContext, saveState, systemClock } from "@deploy/core";
import { bakeContext } from "./context.ts";
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
  const ctx = bakeContext(runCtx, settings.commit, signal, logger, {
    onCreated: (resource) => {
      created.push(resource);
      saveState("created", created);
    },
    onPhase: (phase: BakePhase) => logger.info(PHASE_LINES[phase]),
  });
  const result = await bake(ctx, settings.request);

  const release = bakedRelease(settings, runCtx, result, new Date());
  const durationMs = systemClock.now() - started;
  setBakeOutputs(result, release, settings.request.region, durationMs);
  await bakeSummary(result, settings, runCtx, durationMs).write();
  saveState("finished", true);
}
