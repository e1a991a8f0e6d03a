import { type BakePhase, bake, type CreatedResource, forCommit } from "@deploy/aws";
import { hasCode, isCancellation } from "@deploy/core";
import { action } from "./action.ts";
import { readSettings } from "./inputs.ts";
import { bakedRelease, setBakeOutputs } from "./outputs.ts";
import { bakeSummary, PHASE_LINES } from "./summary.ts";

/**
 * The main step: read and check every input, then bake (or reuse), copy and share, and
 * report. The regions are saved before the first AWS call and every resource the moment
 * it exists, so that the post step can sweep what a cancelled or failed bake left; once the
 * bake has settled there is nothing left for it to sweep.
 */
export const run = action.main(async (step) => {
  const { ctx } = step;
  const settings = await readSettings(step.inputs, ctx.run, process.env, new Date(ctx.clock.now()));
  step.save("regions", settings.regions);
  step.reach("changing");

  const created: CreatedResource[] = [];
  const bakeCtx = {
    ...forCommit(ctx, settings.commit),
    onCreated: (resource: CreatedResource) => {
      created.push(resource);
      step.save("created", created);
    },
    onPhase: (phase: BakePhase) => ctx.logger.info(PHASE_LINES[phase]),
  };
  const result = await bake(bakeCtx, settings.request).catch((error: unknown) => {
    // A bake that ran out of time leaves the images it was making to AWS, which finishes
    // them, so that a retry finds them by their bake key instead of baking again: the post
    // step must not sweep them. A cancellation, or any other failure, leaves them to the sweep.
    if (hasCode(error, "Timeout") && !isCancellation(error)) {
      step.save(
        "handedOver",
        created.flatMap((r) => (r.kind === "image" ? [r.imageId] : [])),
      );
    }
    throw error;
  });
  step.reach("settled");

  const release = bakedRelease(ctx, settings, result);
  const durationMs = step.elapsedMs();
  setBakeOutputs(result, release, settings.request.region, durationMs);
  await bakeSummary(result, settings, ctx.run, durationMs).write();
});
