import { sweepRun } from "@deploy/aws";
import { action } from "./action.ts";
import { sweepSummary } from "./summary.ts";

/**
 * The post step: when the main step was cancelled or failed while copies were being made,
 * remove the copies this run attempt left pending (and their snapshots) in every region it
 * copied to, found by the run tag, so that even a copy whose id never reached the state is
 * found. Finished copies are kept: the next promotion reuses them by their bake key. Once
 * the copies have settled, nothing is left to sweep.
 */
const post = action.post(async ({ ctx, state, phase }) => {
  if (phase !== "changing" || !state.regions) return;
  const swept = await sweepRun(ctx, state.regions);
  await sweepSummary(swept, state.created ?? [], state.regions, ctx.run).write();
});

await post();
