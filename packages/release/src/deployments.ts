import { DeployError, hasCode } from "@deploy/core";
import { type GithubClient, repositoryPath } from "./github.ts";
import { formatRelease, parseRelease, type Release } from "./release.ts";

/**
 * A release rolled out to an environment, recorded as a GitHub Deployment whose payload is
 * the release, with statuses as the rollout goes. `promote` finds the release that last
 * succeeded in stage from these records.
 */

/** The states a step sets; GitHub also knows `queued` and `pending`. */
export type DeploymentState = "in_progress" | "success" | "failure" | "error" | "inactive";

export interface RecordDeploymentOptions {
  /** `owner/name`. */
  repository: string;
  /** The full sha of the commit deployed. */
  commit: string;
  /** The branch or tag the commit came from, for the description. */
  ref?: string;
  environment: string;
  release: Release;
  /** Default: the release and where it came from. At most 140 characters are kept. */
  description?: string;
  /** Default: the environment is named production or prod. */
  productionEnvironment?: boolean;
  /** An environment that will not exist for long (a review app). */
  transient?: boolean;
}

export interface DeploymentRecord {
  id: number;
  /** The deployment in GitHub's API. */
  url: string;
}

export interface DeploymentStatusOptions {
  state: DeploymentState;
  /** The run's log (`runContext().runUrl`). */
  logUrl: string;
  /** Where the environment can be seen. */
  environmentUrl?: string;
  /** At most 140 characters are kept. */
  description?: string;
}

/** What GitHub allows in a status's description. */
export const MAX_DESCRIPTION = 140;
const SHA = /^[0-9a-f]{40}$/;

export function isProductionEnvironment(environment: string): boolean {
  return /^(production|prod)$/i.test(environment.trim());
}

/**
 * Creates the deployment of `commit` to `environment`. It names the commit by its sha,
 * not the branch, because the branch may have moved on since the run started. Checks on
 * the commit are not GitHub's business here (`required_contexts: []`): the workflow has
 * already decided to deploy, and nothing is merged (`auto_merge: false`).
 */
export async function recordDeployment(
  client: GithubClient,
  options: RecordDeploymentOptions,
): Promise<DeploymentRecord> {
  const { repository, commit, environment, release } = options;
  if (!SHA.test(commit)) {
    throw new DeployError({
      what: `Cannot record a deployment of "${commit}".`,
      why: "A deployment is recorded for a commit's full 40-character sha.",
      fix: `Pass the full commit sha, e.g. \${{ github.sha }} or the release's commit.`,
      code: "InvalidCommit",
    });
  }
  const from = options.ref ? ` from ${options.ref.replace(/^refs\/(heads|tags)\//, "")}` : "";
  const description = options.description ?? `Release ${release.commit.slice(0, 7)}${from}, run ${release.run.id}`;
  const { data } = await client.request<{ id: number; url: string }>(
    "POST",
    `${repositoryPath(repository)}/deployments`,
    {
      doing: `record the deployment of ${commit.slice(0, 7)} to ${environment} in ${repository}`,
      body: {
        ref: commit,
        task: "deploy",
        auto_merge: false,
        required_contexts: [],
        payload: JSON.parse(formatRelease(release)),
        environment,
        description: truncate(description),
        production_environment: options.productionEnvironment ?? isProductionEnvironment(environment),
        transient_environment: options.transient ?? false,
      },
    },
  );
  return { id: data.id, url: data.url };
}

export async function setDeploymentStatus(
  client: GithubClient,
  repository: string,
  id: number,
  options: DeploymentStatusOptions,
): Promise<{ id: number; state: DeploymentState }> {
  const { data } = await client.request<{ id: number; state: DeploymentState }>(
    "POST",
    `${repositoryPath(repository)}/deployments/${id}/statuses`,
    {
      doing: `set the status of deployment ${id} in ${repository} to ${options.state}`,
      body: {
        state: options.state,
        log_url: options.logUrl,
        ...(options.environmentUrl && { environment_url: options.environmentUrl }),
        ...(options.description !== undefined && { description: truncate(options.description) }),
      },
    },
  );
  return { id: data.id, state: data.state };
}

/** `text` cut to GitHub's 140 characters, with an ellipsis when cut; never splits a character. */
export function truncate(text: string, max = MAX_DESCRIPTION): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

export interface FoundDeployment {
  id: number;
  url: string;
  commit: string;
  environment: string;
  createdAt: string;
  release: Release;
  /** `inactive` when a later deployment of the environment that deploy did not record superseded it. */
  state: "success" | "inactive";
  environmentUrl?: string;
  logUrl?: string;
}

export interface SkippedDeployment {
  id: number;
  commit: string;
  createdAt: string;
  /** Its latest status, `none` when it has none; absent when it was not read. */
  state?: string;
  reason: string;
}

export interface LatestSuccessfulDeployment {
  /** Absent when none of the deployments looked at succeeded. */
  deployment?: FoundDeployment;
  /** Newer deployments passed over, newest first, with why. */
  skipped: SkippedDeployment[];
  /** True when the search stopped at `limit` deployments without finding one. */
  truncated: boolean;
}

interface DeploymentJson {
  id: number;
  url: string;
  sha: string;
  environment: string;
  created_at: string;
  payload: unknown;
}

interface StatusJson {
  state: string;
  environment_url?: string;
  log_url?: string;
}

const DEFAULT_LIMIT = 50;

/**
 * The newest deployment of `environment` (of `commit`, when given) that succeeded, with its
 * release, and the newer ones passed over and why, for the summary.
 *
 * Deployments without a release in their payload are passed over: GitHub records one for
 * every job that names an environment, and other tools may deploy there too. A payload
 * that says it is a release (it has a `schema`) but is not a valid one is an error rather
 * than a skip, so a broken record is seen instead of silently promoting an older release.
 *
 * A success counts while it is the latest status, or was until `inactive` followed it:
 * GitHub marks a successful deployment inactive when a newer one of the environment
 * succeeds, and a newer one of ours would have been found first, so the one that
 * superseded it is not ours (such as the job's own).
 *
 * It looks at `limit` deployments at most (default 50): one call per page of deployments,
 * one per deployment with a release for its statuses.
 *
 * `accept`, when given, says of a successful deployment's release why it is not the one
 * wanted (a reason, as for the other skipped ones), or undefined to take it.
 */
export async function findLatestSuccessfulDeployment(
  client: GithubClient,
  repository: string,
  environment: string,
  options: { commit?: string; limit?: number; accept?: (release: Release) => string | undefined } = {},
): Promise<LatestSuccessfulDeployment> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const path = `${repositoryPath(repository)}/deployments`;
  const skipped: SkippedDeployment[] = [];
  let seen = 0;
  const pages = client.pages<DeploymentJson>(path, {
    doing: `list the deployments to ${environment} in ${repository}`,
    query: { environment, task: "deploy", sha: options.commit },
    perPage: Math.min(limit, 100),
    maxPages: Math.ceil(limit / Math.min(limit, 100)),
  });
  for await (const page of pages) {
    for (const d of page.slice(0, limit - seen)) {
      seen++;
      const skip = (reason: string, state?: string) =>
        skipped.push({ id: d.id, commit: d.sha, createdAt: d.created_at, ...(state && { state }), reason });
      if (!claimsToBeRelease(d.payload)) {
        skip("its payload holds no release: deploy did not record it");
        continue;
      }
      const { data: statuses } = await client.request<StatusJson[]>("GET", `${path}/${d.id}/statuses`, {
        doing: `read the statuses of deployment ${d.id} in ${repository}`,
        query: { per_page: 2 },
      });
      const [latest, previous] = statuses;
      const succeeded = latest?.state === "success" || (latest?.state === "inactive" && previous?.state === "success");
      if (!succeeded) {
        skip(whyNot(latest?.state), latest?.state ?? "none");
        continue;
      }
      const status = latest as StatusJson;
      const release = releaseOfDeployment(d, environment);
      const notWanted = options.accept?.(release);
      if (notWanted !== undefined) {
        skip(notWanted, status.state);
        continue;
      }
      return {
        deployment: {
          id: d.id,
          url: d.url,
          commit: d.sha,
          environment: d.environment,
          createdAt: d.created_at,
          release,
          state: status.state as "success" | "inactive",
          ...(status.environment_url && { environmentUrl: status.environment_url }),
          ...(status.log_url && { logUrl: status.log_url }),
        },
        skipped,
        truncated: false,
      };
    }
    if (seen >= limit) break;
  }
  return { skipped, truncated: seen >= limit };
}

/**
 * The release a successful deployment records. A payload that claims to be one but is not
 * valid is an error naming the deployment, with what to do about it in a deployment's terms.
 */
function releaseOfDeployment(d: DeploymentJson, environment: string): Release {
  try {
    return parseRelease(d.payload, `The payload of deployment ${d.id}`);
  } catch (error) {
    if (!hasCode(error, "InvalidRelease")) throw error;
    throw new DeployError({
      what: error.what,
      why: `${error.why ?? ""} It is the deployment of ${d.sha.slice(0, 7)} to ${environment} created ${d.created_at}, which succeeded.`.trim(),
      fix: `Deploy a release to ${environment} again with this major version of the deploy actions (the newest successful deployment is the one found), or name the release to promote with the "release" input. A payload written by hand or by another tool must hold a complete release record.`,
      code: "InvalidRelease",
      cause: error,
    });
  }
}

/** A payload written as a release: an object with a `schema` (GitHub gives `{}` or `""` when there is none). */
function claimsToBeRelease(payload: unknown): boolean {
  const value = typeof payload === "string" ? safeJson(payload) : payload;
  return typeof value === "object" && value !== null && "schema" in value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function whyNot(state: string | undefined): string {
  switch (state) {
    case undefined:
      return "it has no status: its step never started the rollout";
    case "failure":
      return "its rollout failed";
    case "error":
      return "its rollout ended in an error";
    case "inactive":
      return "it was marked inactive without having succeeded";
    default:
      return `its rollout did not finish (the latest status is ${state}): it is still running, or its job was cancelled`;
  }
}
