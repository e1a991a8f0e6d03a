import { createHash } from "node:crypto";
import type { World } from "../../world.ts";
import type { GithubRequest, GithubResponse } from "../types.ts";
import { GithubError } from "./http.ts";
import type { Repository } from "./state.ts";

/**
 * Every repository exists (it comes into being when first used, as regions do), so tests
 * need not declare the one they deploy. A repository declared with refs (in the world file
 * or by `declareRepository`) resolves only those; any other knows every ref, with a sha
 * derived from the ref's name so the same ref always gives the same commit.
 */
const SHA = /^[0-9a-f]{40}$/i;

export function nextId(world: World): number {
  world.github.lastId += 1;
  return world.github.lastId;
}

export function repository(world: World, owner: string, name: string): Repository {
  const key = `${owner}/${name}`.toLowerCase();
  let repo = world.github.repositories.get(key);
  if (!repo) {
    repo = { id: nextId(world), owner, name, defaultBranch: "main", refs: new Map() };
    world.github.repositories.set(key, repo);
  }
  return repo;
}

export function declareRepository(
  world: World,
  spec: { fullName: string; defaultBranch?: string; refs?: Record<string, string> },
): Repository {
  const [owner, name, ...rest] = spec.fullName.split("/");
  if (!owner || !name || rest.length > 0) throw new Error(`a repository is named owner/name, got ${spec.fullName}`);
  const repo = repository(world, owner, name);
  if (spec.defaultBranch) repo.defaultBranch = spec.defaultBranch;
  for (const [ref, sha] of Object.entries(spec.refs ?? {})) {
    if (!SHA.test(sha)) throw new Error(`the sha of ${spec.fullName}@${ref} must be 40 hex digits, got ${sha}`);
    repo.refs.set(ref, sha.toLowerCase());
  }
  return repo;
}

/** The commit a ref names, or undefined when a repository with declared refs does not have it. */
export function resolveRef(repo: Repository, ref: string): string | undefined {
  if (SHA.test(ref)) return ref.toLowerCase();
  const short = ref.replace(/^refs\/(?:heads|tags)\//, "");
  if (repo.refs.size > 0) return repo.refs.get(short);
  return createHash("sha1").update(`${repo.owner}/${repo.name}@${short}`.toLowerCase()).digest("hex");
}

export function repositoryUrl(base: string, repo: Repository): string {
  return `${base}/repos/${repo.owner}/${repo.name}`;
}

export function nodeId(kind: string, id: number): string {
  return `${kind}_${Buffer.from(`${kind}:${id}`).toString("base64url")}`;
}

export const GITHUB_ACTIONS_BOT = {
  login: "github-actions[bot]",
  id: 41898282,
  node_id: "MDM6Qm90NDE4OTgyODI=",
  type: "Bot",
  site_admin: false,
  html_url: "https://github.com/apps/github-actions",
};

export function getRepository(request: GithubRequest, params: Record<string, string>): GithubResponse {
  const repo = repository(request.world, params.owner as string, params.repo as string);
  const url = repositoryUrl(request.baseUrl, repo);
  return {
    status: 200,
    body: {
      id: repo.id,
      node_id: nodeId("R", repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { login: repo.owner, type: "Organization", url: `${request.baseUrl}/users/${repo.owner}` },
      private: true,
      html_url: `https://github.com/${repo.owner}/${repo.name}`,
      url,
      deployments_url: `${url}/deployments`,
      default_branch: repo.defaultBranch,
    },
  };
}

/** The commit a path's ref names, or the 422 GitHub answers for a ref it cannot find. */
export function commitOf(repo: Repository, ref: string, documentationUrl: string): string {
  const sha = resolveRef(repo, ref);
  if (sha === undefined) throw new GithubError(422, `No commit found for SHA: ${ref}`, documentationUrl);
  return sha;
}
