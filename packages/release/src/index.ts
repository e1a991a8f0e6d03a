// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export { bakeKey, bakeSettings, shortBakeKey } from "./bake-key.ts";
export { type DeploymentState, type FoundDeployment, recordDeployment, setDeploymentStatus } from "./deployments.ts";
export { type GithubClient, githubClientFor } from "./github.ts";
export { type PromotionPlan, type PromotionRequest, planPromotion } from "./promotion.ts";
export { amiFor, formatRelease, parseRelease, type Release, releaseOf } from "./release.ts";
