import { sweepRun } from "@deploy/aws";
import { action } from "./action.ts";
import { sweepSummary } from "./summary.ts";

/**
 * The post step: when the main step was cancelled or failed while it worked on AWS, remove
 * what this run attempt left unfinished in every region it touched (builders, images still
 * pending or failed, their snapshots), found by the run tag, so that even a resource whose
 * id never reached the state is found. Images a timed-out bake handed over to AWS are kept
 * for the retry. After a bake that settled, nothing is left to sweep.
 */
const post = action.post(async ({ ctx, state, phase }) => {
  if (phase !== "changing" || !state.regions) return;
  const swept = await sweepRun(ctx, state.regions, { keepImages: state.handedOver ?? [] });
  await sweepSummary(swept, state.created ?? [], state.regions, ctx.run).write();
});

await post();
