import { DeployError } from "@deploy/core";
import type { OnCancel, RolloutContext, RolloutPlan, RolloutRequest, RolloutResult, SavedRollout } from "./types.ts";

/** Placeholder until blue/green is built: executeRollout and finishAbandoned dispatch here. */

export async function executeBlueGreen(
  _ctx: RolloutContext,
  _request: RolloutRequest,
  _plan: RolloutPlan,
): Promise<RolloutResult> {
  throw new DeployError({ what: "Blue/green is not built yet." });
}

export async function finishAbandonedBlueGreen(
  _ctx: RolloutContext,
  _saved: Extract<SavedRollout, { strategy: "blue-green" }>,
  _onCancel: OnCancel,
): Promise<{ outcome: string; detail: string }> {
  throw new DeployError({ what: "Blue/green is not built yet." });
}
