import { type Context, DeployError, formatDuration, hasCode } from "@deploy/core";
import { type CheckOutcome, readChecks, requirePassed } from "./check-runs.ts";
import {
  type FoundDeployment,
  findLatestSuccessfulDeployment,
  type LatestSuccessfulDeployment,
  type SkippedDeployment,
} from "./deployments.ts";
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
  /** Deployments looked at per environment at most (default 50). */
  limit?: number;
}

export interface PromotionPlan {
  /** The source deployment promoted. */
  source: FoundDeployment;
  /** Newer source deployments passed over, newest first, with why. */
  skipped: SkippedDeployment[];
  /** The release, validated: the record the source deployment holds. */
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

const SHA = /^[0-9a-f]{40}$/;

/**
 * Every GitHub-side check of a promotion; throws DeployErrors (codes NoSuccessfulDeployment
 * (names the environment), ReleaseNeverSucceeded, InvalidRelease (malformed payload, names the
 * deployment), RequiredCheckFailed, RequiredCheckPending, RequiredCheckMissing, ReleaseTooOld,
 * Rollback) before anything changes in AWS.
 *
 * The release promoted is the record of a deployment to `from` whose latest status is success:
 * the newest one, the newest of the wanted commit, or the newest whose record is the wanted
 * one (same commit, AMIs and image). Then its commit's required checks, its age, and how it
 * compares with what `to` runs now (older by createdAt is a rollback; the same commit is a
 * redeploy, allowed and noted).
 */
/** `ctx.clock` says how old the release is. */
export async function planPromotion(
  ctx: Pick<Context, "clock">,
  client: GithubClient,
  request: PromotionRequest,
): Promise<PromotionPlan> {
  const { repository, from, to, wanted } = request;
  const wantedRelease = wanted && "release" in wanted ? wanted.release : undefined;
  const commit = wanted && ("release" in wanted ? wanted.release.commit : wanted.commit.trim().toLowerCase());
  if (commit !== undefined && !SHA.test(commit)) {
    throw new DeployError({
      what: `Cannot look for the release of "${commit}".`,
      why: "A release is looked for by its commit's full 40-character sha.",
      fix: "Pass the full sha of a commit deployed to the source environment, or a release record, or nothing for the newest release that succeeded there.",
      input: "release",
      code: "InvalidCommit",
    });
  }
  const found = await findLatestSuccessfulDeployment(client, repository, from, {
    ...(commit && { commit }),
    ...(request.limit !== undefined && { limit: request.limit }),
    ...(wantedRelease && { accept: (release: Release) => differences(wantedRelease, release) }),
  });
  const source = found.deployment;
  if (!source) throw notFound(request, found, commit);
  const { release } = source;

  const checks = await readChecks(client, repository, release.commit, request.requiredChecks);
  requirePassed(checks, release.commit);

  const ageMs = ctx.clock.now() - Date.parse(release.createdAt);
  if (request.maxAgeMs !== undefined && ageMs > request.maxAgeMs) {
    throw new DeployError({
      what: `The release of ${release.commit.slice(0, 7)} is too old to promote: it was made ${formatDuration(ageMs)} ago.`,
      why: `"max-age" allows at most ${formatDuration(request.maxAgeMs)}; it was made at ${release.createdAt} and deployed to ${from} by deployment ${source.id}.`,
      fix: `Deploy a newer commit to ${from} and promote that, or raise "max-age" if this release is still the one to ship.`,
      input: "max-age",
      code: "ReleaseTooOld",
    });
  }

  const notes: string[] = [];
  const current = await currentDeployment(client, request, notes);
  const sameCommit = current?.commit === release.commit;
  const rollback =
    current !== undefined && !sameCommit && Date.parse(release.createdAt) < Date.parse(current.release.createdAt);
  if (sameCommit && current) {
    notes.push(
      `${to} runs ${release.commit.slice(0, 7)} already (deployment ${current.id}): this promotion deploys it again.`,
    );
  }
  if (rollback && current) {
    if (!request.allowRollback) {
      throw new DeployError({
        what: `Promoting ${release.commit.slice(0, 7)} to ${to} would roll it back.`,
        why: `${to} runs ${current.commit.slice(0, 7)} (deployment ${current.id}), a release made at ${current.release.createdAt}; this one was made earlier, at ${release.createdAt}.`,
        fix: `Set "allow-rollback" to true to roll ${to} back on purpose, or deploy a newer commit to ${from} and promote that.`,
        input: "allow-rollback",
        code: "Rollback",
      });
    }
    notes.push(
      `This is a rollback, allowed by allow-rollback: ${to} runs ${current.commit.slice(0, 7)}, made at ${current.release.createdAt}, newer than this release.`,
    );
  }
  return {
    source,
    skipped: found.skipped,
    release,
    ...(current && { current }),
    checks,
    rollback,
    sameCommit,
    ageMs,
    notes,
  };
}

/**
 * What `to` runs now. A record there that cannot be read blocks the comparison: it is an
 * error, unless rollbacks are allowed anyway (then it is noted and nothing is compared).
 */
async function currentDeployment(
  client: GithubClient,
  request: PromotionRequest,
  notes: string[],
): Promise<FoundDeployment | undefined> {
  try {
    const found = await findLatestSuccessfulDeployment(client, request.repository, request.to, {
      ...(request.limit !== undefined && { limit: request.limit }),
    });
    return found.deployment;
  } catch (error) {
    if (!hasCode(error, "InvalidRelease")) throw error;
    if (request.allowRollback) {
      notes.push(`What ${request.to} runs now could not be read, so it was not compared: ${error.what}`);
      return undefined;
    }
    throw new DeployError({
      what: error.what,
      why: `${error.why ?? ""} It is what ${request.to} runs now, which a promotion compares with to refuse rollbacks.`,
      fix: `${error.fix ?? ""} To promote without that comparison, set "allow-rollback" to true.`.trim(),
      code: "InvalidRelease",
      cause: error,
    });
  }
}

/** Why a recorded release is not the wanted one, or undefined when it is (same commit, AMIs and image). */
function differences(wanted: Release, recorded: Release): string | undefined {
  const why: string[] = [];
  if (recorded.commit !== wanted.commit) why.push(`commit ${recorded.commit.slice(0, 7)}`);
  if (amiList(recorded.amis) !== amiList(wanted.amis)) why.push(`AMIs ${amiList(recorded.amis) || "none"}`);
  if ((recorded.image ?? "") !== (wanted.image ?? "")) why.push(`image ${recorded.image ?? "none"}`);
  return why.length > 0 ? `its release differs from the one given: ${why.join(", ")}` : undefined;
}

function amiList(amis: Record<string, string>): string {
  return Object.entries(amis)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, ami]) => `${region} ${ami}`)
    .join(", ");
}

function notFound(
  request: PromotionRequest,
  found: LatestSuccessfulDeployment,
  commit: string | undefined,
): DeployError {
  const { from, repository } = request;
  const looked = found.truncated ? ` among its newest ${found.skipped.length} deployments` : "";
  const seen =
    found.skipped.length === 0
      ? `There is no deployment${commit ? ` of ${commit.slice(0, 7)}` : ""} to ${from} in ${repository}.`
      : `Looked at: ${found.skipped
          .slice(0, 5)
          .map((s) => `deployment ${s.id} of ${s.commit.slice(0, 7)} (${s.createdAt}): ${s.reason}`)
          .join("; ")}${found.skipped.length > 5 ? `; and ${found.skipped.length - 5} more` : ""}.`;
  if (!request.wanted) {
    return new DeployError({
      what: `No deployment to ${from} has succeeded${looked}: there is no release to promote.`,
      why: seen,
      fix: `Deploy to ${from} first (the deploy workflow records each rollout as a deployment) and promote once it has succeeded; check "from-environment" names the environment the deploy workflow uses.`,
      code: "NoSuccessfulDeployment",
    });
  }
  const given = "release" in request.wanted ? "The release given (commit " : "Commit ";
  return new DeployError({
    what: `${given}${(commit ?? "").slice(0, 7)}${"release" in request.wanted ? ")" : ""} never succeeded in ${from}${looked}, so it is not promoted.`,
    why: seen,
    fix:
      "release" in request.wanted
        ? `Pass the release record of a successful deployment to ${from} unchanged (or its commit sha), or leave "release" empty to promote the newest release that succeeded there.`
        : `Deploy ${(commit ?? "").slice(0, 7)} to ${from} and promote it once it has succeeded, or leave "release" empty to promote the newest release that succeeded there.`,
    input: "release",
    code: "ReleaseNeverSucceeded",
  });
}
