import type { GithubRequest, GithubResponse } from "../types.ts";
import { listCheckRunsForRef } from "./check-runs.ts";
import {
  createDeployment,
  createDeploymentStatus,
  getDeployment,
  getDeploymentStatus,
  listDeploymentStatuses,
  listDeployments,
} from "./deployments.ts";
import { GithubError, notFound } from "./http.ts";
import { getRepository } from "./repositories.ts";

type Handler = (request: GithubRequest, params: Record<string, string>) => GithubResponse;

/** The routes, as GitHub's documentation writes them; the call log names operations by these templates. */
const ROUTES: [method: string, template: string, handler: Handler][] = [
  ["GET", "/repos/{owner}/{repo}", getRepository],
  ["GET", "/repos/{owner}/{repo}/deployments", listDeployments],
  ["POST", "/repos/{owner}/{repo}/deployments", createDeployment],
  ["GET", "/repos/{owner}/{repo}/deployments/{deployment_id}", getDeployment],
  ["GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", listDeploymentStatuses],
  ["POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", createDeploymentStatus],
  ["GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}", getDeploymentStatus],
  ["GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", listCheckRunsForRef],
];

const COMPILED = ROUTES.map(([method, template, handler]) => ({
  method,
  template,
  handler,
  names: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, "([^/]+)")}/?$`),
}));

function route(method: string, path: string) {
  for (const r of COMPILED) {
    const match = r.method === method ? r.pattern.exec(path) : null;
    if (match) {
      const params = Object.fromEntries(r.names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]));
      return { ...r, params };
    }
  }
  return undefined;
}

/** `POST /repos/{owner}/{repo}/deployments`: the name a GitHub call has in the call log and in fault rules. */
export function githubOperation(method: string, path: string): string {
  return `${method} ${route(method, path)?.template ?? path}`;
}

/** Routes a GitHub REST request. Any token is accepted; none is kept. */
export function handleGithub(request: GithubRequest): GithubResponse {
  const found = route(request.method, request.path);
  try {
    if (!found) throw notFound("https://docs.github.com/rest");
    return found.handler(request, found.params);
  } catch (error) {
    if (error instanceof GithubError) return error.response;
    throw error;
  }
}
