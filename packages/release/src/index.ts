// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export {
  BAKE_KEY_SCHEMA,
  type BakeKeyInput,
  type BakeKeyRecipeFile,
  type BakeKeyRequest,
  type BakeSettings,
  type BakeSettingValue,
  bakeKey,
  bakeSettings,
  shortBakeKey,
} from "./bake-key.ts";
export { type CheckOutcome, readChecks, requirePassed } from "./check-runs.ts";
export {
  type DeploymentRecord,
  type DeploymentState,
  type DeploymentStatusOptions,
  type FoundDeployment,
  findLatestSuccessfulDeployment,
  isProductionEnvironment,
  type LatestSuccessfulDeployment,
  MAX_DESCRIPTION,
  type RecordDeploymentOptions,
  recordDeployment,
  type SkippedDeployment,
  setDeploymentStatus,
  truncate,
} from "./deployments.ts";
export {
  GITHUB_API_VERSION,
  type GithubClient,
  type GithubClientOptions,
  type GithubRequestOptions,
  type GithubResponse,
  githubClient,
  type HttpMethod,
  nextPage,
  repositoryPath,
} from "./github.ts";
export { type PromotionPlan, type PromotionRequest, planPromotion } from "./promotion.ts";
export { amiFor, formatRelease, parseRelease, RELEASE_SCHEMA, type Release, releaseOf } from "./release.ts";
