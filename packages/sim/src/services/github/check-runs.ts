import type { World } from "../../world.ts";
import type { GithubRequest, GithubResponse } from "../types.ts";
import { page, timestamp } from "./http.ts";
import { commitOf, nextId, nodeId, repository, repositoryUrl } from "./repositories.ts";
import type { CheckRun, CheckRunStatus, Repository } from "./state.ts";

/**
 * Check runs on commits, which the simulator only reports: tests and the world file put
 * them in (`addCheckRun`, `github.checkRuns`), and a deployment of a commit whose checks
 * have not passed is refused unless `required_contexts` says otherwise.
 */
const DOCS = "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference";
export const CHECK_RUN_STATUSES: readonly CheckRunStatus[] = ["queued", "in_progress", "completed"];
export const CHECK_RUN_CONCLUSIONS = [
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "success",
  "skipped",
  "stale",
  "timed_out",
];

export interface CheckRunSpec {
  headSha: string;
  name: string;
  status?: CheckRunStatus | undefined;
  /** Required when completed (default `success`); none otherwise. */
  conclusion?: string | undefined;
  startedAt?: number | undefined;
  completedAt?: number | undefined;
  detailsUrl?: string | undefined;
}

export function addCheckRun(world: World, repo: Repository, spec: CheckRunSpec, now: number): CheckRun {
  const status = spec.status ?? "completed";
  if (!CHECK_RUN_STATUSES.includes(status))
    throw new Error(`check run status must be one of ${CHECK_RUN_STATUSES.join(", ")}, got ${status}`);
  const conclusion = status === "completed" ? (spec.conclusion ?? "success") : null;
  if (conclusion !== null && !CHECK_RUN_CONCLUSIONS.includes(conclusion)) {
    throw new Error(`check run conclusion must be one of ${CHECK_RUN_CONCLUSIONS.join(", ")}, got ${conclusion}`);
  }
  const run: CheckRun = {
    id: nextId(world),
    repository: repo,
    headSha: spec.headSha.toLowerCase(),
    name: spec.name,
    status,
    conclusion,
    startedAt: spec.startedAt ?? now,
    ...(status === "completed" && { completedAt: spec.completedAt ?? now }),
    ...(spec.detailsUrl !== undefined && { detailsUrl: spec.detailsUrl }),
  };
  world.github.checkRuns.push(run);
  return run;
}

/** The most recent run of each check on a commit, newest first. */
export function latestCheckRuns(world: World, repo: Repository, sha: string): CheckRun[] {
  const seen = new Set<string>();
  return allCheckRuns(world, repo, sha).filter((run) => !seen.has(run.name) && seen.add(run.name));
}

function allCheckRuns(world: World, repo: Repository, sha: string): CheckRun[] {
  return world.github.checkRuns.filter((r) => r.repository === repo && r.headSha === sha).reverse();
}

export function listCheckRunsForRef(request: GithubRequest, params: Record<string, string>): GithubResponse {
  const repo = repository(request.world, params.owner as string, params.repo as string);
  const sha = commitOf(repo, params.ref as string, DOCS);
  const name = request.query.get("check_name");
  const status = request.query.get("status");
  const runs = (request.query.get("filter") === "all" ? allCheckRuns : latestCheckRuns)(
    request.world,
    repo,
    sha,
  ).filter((r) => (name === null || r.name === name) && (status === null || r.status === status));
  const { items, headers } = page(request, runs);
  const repoUrl = repositoryUrl(request.baseUrl, repo);
  return {
    status: 200,
    headers,
    body: {
      total_count: runs.length,
      check_runs: items.map((r) => ({
        id: r.id,
        head_sha: r.headSha,
        node_id: nodeId("CR", r.id),
        external_id: "",
        url: `${repoUrl}/check-runs/${r.id}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/runs/${r.id}`,
        details_url: r.detailsUrl ?? `https://github.com/${repo.owner}/${repo.name}/runs/${r.id}`,
        status: r.status,
        conclusion: r.conclusion,
        started_at: timestamp(r.startedAt),
        completed_at: r.completedAt === undefined ? null : timestamp(r.completedAt),
        output: { title: null, summary: null, text: null, annotations_count: 0 },
        name: r.name,
        check_suite: { id: r.id },
        app: { id: 15368, slug: "github-actions", name: "GitHub Actions" },
        pull_requests: [],
      })),
    },
  };
}
