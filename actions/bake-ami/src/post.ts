import { type CreatedResource, stepContext, sweepRun } from "@deploy/aws";
import { actionsLogger, getState, runContext, runStep } from "@deploy/core";

import { sweepSummary } from "./summary.ts";

/**
 * The post step: when the main step was cancelled or failed after it began to work on
 * AWS, remove what this run attempt left unfinished in every region it touched (builders,
 * images still pending or failed, their snapshots), found by the run tag, so that even a
 * resource whose id never reached the state is found. Images a timed-out bake handed over
 * to AWS are kept for the retry. After a main step that finished, or
 * one that failed before its first AWS call, there is nothing to do.
 */
async function post(signal: AbortSignal): Promise<void> {
  if (getState<boolean>("finished")) return;
  const regions = getState<string[]>("regions");
  if (!regions) return;

  const logger = actionsLogger();
  const runCtx = runContext();
  const created = getState<CreatedResource[]>("created") ?? [];
  const keepImages = getState<string[]>("handed-over") ?? [];
  const swept = await sweepRun(stepContext(runCtx, runCtx.commit, signal, logger), regions, { keepImages });
  await sweepSummary(swept, created, regions, runCtx).write();
}

await runStep(post);
