// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export { bakeKey, bakeSettings, shortBakeKey } from "@deploy/release";
export { awsErrorCode, fromAwsError, isNotFound, isThrottling, isTransient } from "./aws-errors.ts";
export { bake } from "./bake/bake.ts";
export { describeBaseImageSource, parseBaseImage, resolveBaseImage } from "./bake/base-image.ts";
export {
  builderUserData,
  DEAD_MANS_SWITCH_MARGIN_MINUTES,
  SSM_ONLINE_TIMEOUT_MS,
} from "./bake/builder.ts";
export { COPY_TIMEOUT_MS, type DistributeRequest, type Distribution, distribute } from "./bake/distribute.ts";
export { type AmiNameVars, type BakedImage, findBakedImage, renderAmiName } from "./bake/image.ts";
export { type ImageWait, imageSnapshots, isEncrypted, waitForImage } from "./bake/image-wait.ts";
export { readRecipe } from "./bake/recipe.ts";
export { checkRecipeEnv, TAIL_LINES } from "./bake/recipe-run.ts";
export { accountIds, isAccountId, refuseAwsManagedKeys, shareImage } from "./bake/share.ts";
export { type SweepOptions, type Swept, sweepRun } from "./bake/sweep.ts";
export type * from "./bake/types.ts";
export { type AwsClients, type AwsContext, forCommit, MAX_ATTEMPTS, withAws } from "./clients.ts";
export { describeGroup, groupInfo } from "./group.ts";
export { checkImage, IMAGE_VISIBLE_WITHIN_MS, type ImageInfo } from "./images.ts";
export { kmsKey } from "./kms.ts";
export {
  createTemplateVersion,
  type NewTemplateVersion,
  readTemplateVersion,
  type TemplateVersion,
  templateChanges,
} from "./launch-template.ts";
export { type Availability, type AvailabilityRequest, makeAvailable } from "./promote/availability.ts";
export { compareGroups, type GroupSide, type ParityReport, type ParityRow } from "./promote/parity.ts";
export { INSTANCE_LAUNCH_MS, planReplacement, type ReplacementPlan, TIMEOUT_MARGIN_MS } from "./rollout/batches.ts";
export { executeBlueGreen, finishAbandonedBlueGreen, type SavedBlueGreen } from "./rollout/blue-green.ts";
export { executeRollout } from "./rollout/execute.ts";
export {
  type Family,
  type FamilyMember,
  familyName,
  RETIRED_PROCESSES,
  readFamily,
  servingGroup,
} from "./rollout/family.ts";
export { FINISH_TIMEOUT_MS, type FinishOutcome, finishAbandoned } from "./rollout/finish.ts";
export { planRollout } from "./rollout/plan.ts";
export { namesRun, withRunMarker } from "./rollout/run-marker.ts";
export type * from "./rollout/types.ts";
export { renderUserData, USER_DATA_MAX_BYTES } from "./rollout/user-data.ts";
export {
  type ResourceRole,
  resourceTags,
  runTagValue,
  TAG,
  type Tag,
  type TagContext,
  tagValue,
  withUserTags,
} from "./tags.ts";
