import type { World } from "../../world.ts";
import type { GithubRequest, GithubResponse } from "../types.ts";
import { latestCheckRuns } from "./check-runs.ts";
import { Body, GithubError, notFound, page, timestamp, validationFailed } from "./http.ts";
import { GITHUB_ACTIONS_BOT, nextId, nodeId, repository, repositoryUrl, resolveRef } from "./repositories.ts";
import type { CheckRun, Deployment, DeploymentState, DeploymentStatus, Repository } from "./state.ts";

/**
 * Deployments and their statuses, as the suite records a release rolled out to an
 * environment and `promote` finds it again. Lists are newest first. A `success` status
 * marks earlier successful deployments of the same environment `inactive`, as GitHub's
 * `auto_inactive` does (for non-transient, non-production environments).
 */
const DOCS = "https://docs.github.com/rest/deployments/deployments";
const STATUS_DOCS = "https://docs.github.com/rest/deployments/statuses";
const STATES: readonly DeploymentState[] = [
  "error",
  "failure",
  "inactive",
  "in_progress",
  "queued",
  "pending",
  "success",
];
/** What a check run may conclude and still let a deployment that requires it go ahead. */
const PASSING = ["success", "neutral", "skipped"];

export interface DeploymentSpec {
  ref: string;
  sha: string;
  task?: string | undefined;
  payload?: unknown;
  environment?: string | undefined;
  description?: string | undefined;
  transientEnvironment?: boolean | undefined;
  productionEnvironment?: boolean | undefined;
}

export function addDeployment(world: World, repo: Repository, spec: DeploymentSpec, now: number): Deployment {
  const environment = spec.environment ?? "production";
  const deployment: Deployment = {
    id: nextId(world),
    repository: repo,
    sha: spec.sha,
    ref: spec.ref,
    task: spec.task ?? "deploy",
    payload: spec.payload ?? {},
    originalEnvironment: environment,
    environment,
    description: spec.description ?? "",
    transientEnvironment: spec.transientEnvironment ?? false,
    productionEnvironment: spec.productionEnvironment ?? environment === "production",
    createdAt: now,
    updatedAt: now,
    statuses: [],
  };
  world.github.deployments.push(deployment);
  return deployment;
}

export interface StatusSpec {
  state: DeploymentState;
  description?: string | undefined;
  environment?: string | undefined;
  targetUrl?: string | undefined;
  logUrl?: string | undefined;
  environmentUrl?: string | undefined;
  autoInactive?: boolean | undefined;
}

export function addStatus(world: World, deployment: Deployment, spec: StatusSpec, now: number): DeploymentStatus {
  if (spec.environment) deployment.environment = spec.environment;
  deployment.updatedAt = now;
  const status: DeploymentStatus = {
    id: nextId(world),
    state: spec.state,
    description: spec.description ?? "",
    environment: deployment.environment,
    // log_url replaces target_url; setting one sets both, as GitHub does.
    targetUrl: spec.targetUrl ?? spec.logUrl ?? "",
    logUrl: spec.logUrl ?? spec.targetUrl ?? "",
    environmentUrl: spec.environmentUrl ?? "",
    createdAt: now,
  };
  deployment.statuses.push(status);
  if (spec.state === "success" && spec.autoInactive !== false) {
    for (const earlier of world.github.deployments) {
      if (
        earlier.id < deployment.id &&
        earlier.repository === deployment.repository &&
        earlier.environment === deployment.environment &&
        !earlier.transientEnvironment &&
        !earlier.productionEnvironment &&
        earlier.statuses.at(-1)?.state === "success"
      ) {
        addStatus(world, earlier, { state: "inactive", autoInactive: false }, now);
      }
    }
  }
  return status;
}

type Params = Record<string, string>;

function repoOf(request: GithubRequest, params: Params): Repository {
  return repository(request.world, params.owner as string, params.repo as string);
}

function findDeployment(request: GithubRequest, params: Params, docs: string): Deployment {
  const repo = repoOf(request, params);
  const deployment = request.world.github.deployments.find(
    (d) => d.repository === repo && String(d.id) === params.deployment_id,
  );
  if (!deployment) throw notFound(docs);
  return deployment;
}

function deploymentJson(base: string, d: Deployment): Record<string, unknown> {
  const repoUrl = repositoryUrl(base, d.repository);
  const url = `${repoUrl}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId("DE", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: GITHUB_ACTIONS_BOT,
    created_at: timestamp(d.createdAt),
    updated_at: timestamp(d.updatedAt),
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null,
  };
}

function statusJson(base: string, d: Deployment, s: DeploymentStatus): Record<string, unknown> {
  const repoUrl = repositoryUrl(base, d.repository);
  const deploymentUrl = `${repoUrl}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DES", s.id),
    state: s.state,
    creator: GITHUB_ACTIONS_BOT,
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: timestamp(s.createdAt),
    updated_at: timestamp(s.createdAt),
    deployment_url: deploymentUrl,
    repository_url: repoUrl,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: null,
  };
}

export function createDeployment(request: GithubRequest, params: Params): GithubResponse {
  const docs = `${DOCS}#create-a-deployment`;
  const body = new Body(request.body, docs);
  const repo = repoOf(request, params);
  const ref = body.requiredString("ref");
  const requiredContexts = body.strings("required_contexts");
  // Checked, but there is no default branch to merge in: the simulator has refs, not branches.
  body.boolean("auto_merge");
  const spec = {
    ref,
    task: body.string("task"),
    payload: body.json("payload"),
    environment: body.string("environment"),
    description: body.string("description"),
    transientEnvironment: body.boolean("transient_environment"),
    productionEnvironment: body.boolean("production_environment"),
  };
  const sha = resolveRef(repo, ref);
  if (sha === undefined) throw new GithubError(422, `No ref found for: ${ref}`, docs);
  checkContexts(request.world, repo, ref, sha, requiredContexts, docs);
  const deployment = addDeployment(request.world, repo, { ...spec, sha }, request.now);
  return { status: 201, body: deploymentJson(request.baseUrl, deployment) };
}

/**
 * GitHub refuses to deploy a commit whose checks have not passed: all of them by default,
 * only the named ones with `required_contexts` (an empty list skips the check).
 */
function checkContexts(
  world: World,
  repo: Repository,
  ref: string,
  sha: string,
  required: string[] | undefined,
  docs: string,
): void {
  const runs = latestCheckRuns(world, repo, sha);
  const contexts = (required ?? runs.map((r) => r.name)).map((context) => {
    const state = contextState(runs.find((r) => r.name === context));
    return { context, state };
  });
  const failing = contexts.filter((c) => c.state !== "success");
  if (failing.length === 0) return;
  throw new GithubError(409, `Conflict: Commit status checks failed for ${ref}.`, docs, {
    errors: [{ contexts: failing, resource: "Deployment", field: "required_contexts", code: "invalid" }],
  });
}

function contextState(run: CheckRun | undefined): "pending" | "success" | "failure" {
  if (run?.status !== "completed") return "pending";
  return PASSING.includes(run.conclusion ?? "") ? "success" : "failure";
}

export function listDeployments(request: GithubRequest, params: Params): GithubResponse {
  const repo = repoOf(request, params);
  const filters = (["sha", "ref", "task", "environment"] as const).flatMap((name) => {
    const value = request.query.get(name);
    return value === null ? [] : [[name, value] as const];
  });
  const matching = request.world.github.deployments
    .filter((d) => d.repository === repo && filters.every(([name, value]) => d[name] === value))
    .reverse();
  const { items, headers } = page(request, matching);
  return { status: 200, body: items.map((d) => deploymentJson(request.baseUrl, d)), headers };
}

export function getDeployment(request: GithubRequest, params: Params): GithubResponse {
  const deployment = findDeployment(request, params, `${DOCS}#get-a-deployment`);
  return { status: 200, body: deploymentJson(request.baseUrl, deployment) };
}

export function createDeploymentStatus(request: GithubRequest, params: Params): GithubResponse {
  const docs = `${STATUS_DOCS}#create-a-deployment-status`;
  const deployment = findDeployment(request, params, docs);
  const body = new Body(request.body, docs);
  const state = body.requiredString("state") as DeploymentState;
  if (!STATES.includes(state)) {
    throw validationFailed(docs, "DeploymentStatus", "state", `state is not included in the list`);
  }
  const description = body.string("description");
  if (description !== undefined && description.length > 140) {
    throw validationFailed(
      docs,
      "DeploymentStatus",
      "description",
      "description is too long (maximum is 140 characters)",
    );
  }
  const status = addStatus(
    request.world,
    deployment,
    {
      state,
      description,
      environment: body.string("environment"),
      targetUrl: body.string("target_url"),
      logUrl: body.string("log_url"),
      environmentUrl: body.string("environment_url"),
      autoInactive: body.boolean("auto_inactive"),
    },
    request.now,
  );
  return { status: 201, body: statusJson(request.baseUrl, deployment, status) };
}

export function listDeploymentStatuses(request: GithubRequest, params: Params): GithubResponse {
  const deployment = findDeployment(request, params, `${STATUS_DOCS}#list-deployment-statuses`);
  const { items, headers } = page(request, [...deployment.statuses].reverse());
  return { status: 200, body: items.map((s) => statusJson(request.baseUrl, deployment, s)), headers };
}

export function getDeploymentStatus(request: GithubRequest, params: Params): GithubResponse {
  const docs = `${STATUS_DOCS}#get-a-deployment-status`;
  const deployment = findDeployment(request, params, docs);
  const status = deployment.statuses.find((s) => String(s.id) === params.status_id);
  if (!status) throw notFound(docs);
  return { status: 200, body: statusJson(request.baseUrl, deployment, status) };
}
