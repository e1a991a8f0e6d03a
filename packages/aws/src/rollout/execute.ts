import { executeBlueGreen } from "./blue-green.ts";
import { executeRolling } from "./rolling.ts";
import type { RolloutContext, RolloutPlan, RolloutRequest, RolloutResult } from "./types.ts";

/** Rolls the plan out with the request's strategy: an instance refresh (rolling) or a second group (blue-green). */
export function executeRollout(
  ctx: RolloutContext,
  request: RolloutRequest,
  plan: RolloutPlan,
): Promise<RolloutResult> {
  return request.strategy === "blue-green" ? executeBlueGreen(ctx, request, plan) : executeRolling(ctx, request, plan);
}
