import type { World } from "../../world.ts";
import { addCheckRun, type CheckRunSpec } from "./check-runs.ts";
import { addDeployment, addStatus, type StatusSpec } from "./deployments.ts";
import { declareRepository, repository, resolveRef } from "./repositories.ts";

/**
 * The `github` section of a world file:
 *
 *   "github": {
 *     "repositories": [{ "name": "acme/shop", "defaultBranch": "main", "refs": { "main": "3f9c...40 hex" } }],
 *     "checkRuns": [{ "repository": "acme/shop", "headSha": "3f9c...", "name": "test",
 *                     "status": "completed", "conclusion": "success" }],
 *     "deployments": [{ "repository": "acme/shop", "ref": "main", "environment": "stage",
 *                       "payload": { "schema": 1, ... }, "statuses": ["in_progress", "success"] }]
 *   }
 *
 * Repositories need not be declared (every repository exists); declaring one with refs
 * makes it resolve only those. A deployment's `sha` defaults to what its ref resolves to.
 */
export interface GithubSection {
  repositories?: { name: string; defaultBranch?: string; refs?: Record<string, string> }[];
  checkRuns?: ({ repository: string } & Omit<CheckRunSpec, "startedAt" | "completedAt">)[];
  deployments?: DeploymentSeed[];
}

export interface DeploymentSeed {
  repository: string;
  ref: string;
  sha?: string;
  task?: string;
  payload?: unknown;
  environment?: string;
  description?: string;
  transientEnvironment?: boolean;
  productionEnvironment?: boolean;
  /** Oldest first: a state, or a status with its URLs. */
  statuses?: (StatusSpec["state"] | Omit<StatusSpec, "autoInactive">)[];
}

export function seedGithub(world: World, section: GithubSection): void {
  const now = world.clock.now();
  const repo = (fullName: string, path: string) => {
    const [owner, name, ...rest] = fullName.split("/");
    if (!owner || !name || rest.length > 0)
      throw new Error(`${path}: a repository is named owner/name, not ${fullName}`);
    return repository(world, owner, name);
  };
  (section.repositories ?? []).forEach((r, i) => {
    at(`repositories[${i}]`, () =>
      declareRepository(world, { fullName: r.name, defaultBranch: r.defaultBranch, refs: r.refs }),
    );
  });
  (section.checkRuns ?? []).forEach(({ repository: name, ...spec }, i) => {
    const path = `checkRuns[${i}]`;
    at(path, () => addCheckRun(world, repo(name, path), spec, now));
  });
  (section.deployments ?? []).forEach(({ repository: name, statuses, ...spec }, i) => {
    const path = `deployments[${i}]`;
    at(path, () => {
      const target = repo(name, path);
      const sha = spec.sha ?? resolveRef(target, spec.ref);
      if (sha === undefined) throw new Error(`no ref ${spec.ref} in ${name}`);
      const deployment = addDeployment(world, target, { ...spec, sha }, now);
      for (const status of statuses ?? []) {
        addStatus(world, deployment, typeof status === "string" ? { state: status } : status, now);
      }
    });
  });
}

function at(path: string, seed: () => void): void {
  try {
    seed();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(why.startsWith(path) ? why : `${path}: ${why}`);
  }
}
