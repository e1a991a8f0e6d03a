// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export { bake } from "./bake/bake.ts";
export { parseBaseImage } from "./bake/base-image.ts";
export { renderAmiName } from "./bake/image.ts";
export { readRecipe } from "./bake/recipe.ts";
export { isAccountId, refuseAwsManagedKeys } from "./bake/share.ts";
export { type Swept, sweepRun } from "./bake/sweep.ts";
export type { BakePhase, BakeRequest, BakeResult, CreatedResource, RecipeResult } from "./bake/types.ts";
export { type AwsContext, forCommit, withAws } from "./clients.ts";
export { kmsKey } from "./kms.ts";
export { type Availability, makeAvailable } from "./promote/availability.ts";
export { compareGroups, type ParityReport, type ParityRow } from "./promote/parity.ts";
export { executeRollout } from "./rollout/execute.ts";
export { finishAbandoned } from "./rollout/finish.ts";
export { planRollout } from "./rollout/plan.ts";
export type {
  IfRefreshRunning,
  OnCancel,
  RefreshPreferences,
  RolloutContext,
  RolloutPlan,
  RolloutRequest,
  RolloutResult,
  RolloutStatus,
  SavedRollout,
  Strategy,
} from "./rollout/types.ts";
export { renderUserData } from "./rollout/user-data.ts";
export { TAG } from "./tags.ts";
