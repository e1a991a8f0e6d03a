import type { GithubRequest, GithubResponse } from "../types.ts";

/** Routes a GitHub REST request. */
export function handleGithub(request: GithubRequest): GithubResponse {
  return { status: 404, body: { message: `Not Found: ${request.method} ${request.path}` } };
}
