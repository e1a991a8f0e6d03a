import { type CreatedResource, stepContext, sweepRun } from "@deploy/aws";
import { actionsLogger, getState, runContext, runStep } from "@deploy/core";

import { sweepSummary } from "./summary.ts";

/**
 * The post step: when the main step was cancelled or failed while copies were being made,
 * remove the copies this run attempt left pending (and their snapshots) in every region it
 * copied to, found by the run tag, so that even a copy whose id never reached the state is
 * found. Finished copies are kept: the next promotion reuses them by their bake key. After a
 * main step that finished, or one that failed before its first AWS change, there is nothing to do.
 */
async function post(signal: AbortSignal): Promise<void> {
  if (getState<boolean>("finished")) return;
  const regions = getState<string[]>("regions");
  if (!regions) return;

  const runCtx = runContext();
  const created = getState<CreatedResource[]>("created") ?? [];
  const swept = await sweepRun(stepContext(runCtx, runCtx.commit, signal, actionsLogger()), regions);
  await sweepSummary(swept, created, regions, runCtx).write();
}

await runStep(post);
