import type { CheckOutcome } from "./check-runs.ts";
import type { FoundDeployment, SkippedDeployment } from "./deployments.ts";
import type { GithubClient } from "./github.ts";
import type { Release } from "./release.ts";

export interface PromotionRequest {
  /** `owner/name`. */
  repository: string;
  /** The environment the release is taken from (stage). */
  from: string;
  /** The environment it goes to (production). */
  to: string;
  /** A full record to verify, or a commit sha to look for; undefined: the newest success. */
  wanted?: { release: Release } | { commit: string };
  /** Check runs that must have passed on the release's commit. */
  requiredChecks: string[];
  /** The release may be at most this old (by its createdAt). */
  maxAgeMs?: number;
  allowRollback: boolean;
  now: Date;
  /** Deployments looked at per environment at most (default 50). */
  limit?: number;
}

export interface PromotionPlan {
  /** The source deployment promoted. */
  source: FoundDeployment;
  /** Newer source deployments passed over, newest first, with why. */
  skipped: SkippedDeployment[];
  /** The release, validated. */
  release: Release;
  /** What `to` runs now (its newest success), when it has one. */
  current?: FoundDeployment;
  /** The required checks as found (all passed). */
  checks: CheckOutcome[];
  /** The release is older than the current one (allowed only with allowRollback). */
  rollback: boolean;
  /** `to` runs this release's commit already (allowed: promoting it again is a redeploy). */
  sameCommit: boolean;
  /** now − release.createdAt. */
  ageMs: number;
  /** Things worth saying in the summary (a redeploy, an allowed rollback), in plain sentences. */
  notes: string[];
}

/**
 * Every GitHub-side check of a promotion; throws DeployErrors (codes NoSuccessfulDeployment
 * (names the environment), ReleaseNeverSucceeded, InvalidRelease (malformed payload, names the
 * deployment), RequiredCheckFailed, RequiredCheckPending, RequiredCheckMissing, ReleaseTooOld,
 * Rollback) before anything changes in AWS.
 */
export async function planPromotion(_client: GithubClient, _request: PromotionRequest): Promise<PromotionPlan> {
  throw new Error("not yet");
}
