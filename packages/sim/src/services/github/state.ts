/**
 * The GitHub part of the world (global, not per region): repositories with their refs,
 * deployments with their statuses, and the check runs that tests or the world file put on
 * commits. Repository keys are `owner/name` in lower case, as GitHub's names are
 * case-insensitive.
 */
export interface Repository {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  /** Branch and tag names to commit shas. A repository declared with refs knows no others. */
  refs: Map<string, string>;
}

export type DeploymentState = "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export interface DeploymentStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  createdAt: number;
}

export interface Deployment {
  id: number;
  repository: Repository;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  originalEnvironment: string;
  environment: string;
  description: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  createdAt: number;
  updatedAt: number;
  /** Oldest first. */
  statuses: DeploymentStatus[];
}

export type CheckRunStatus = "queued" | "in_progress" | "completed";

export interface CheckRun {
  id: number;
  repository: Repository;
  headSha: string;
  name: string;
  status: CheckRunStatus;
  conclusion: string | null;
  startedAt: number;
  completedAt?: number;
  detailsUrl?: string;
}

export interface GithubState {
  repositories: Map<string, Repository>;
  /** Oldest first. */
  deployments: Deployment[];
  checkRuns: CheckRun[];
  /** GitHub's ids are numbers unique across the site; one counter serves every kind here. */
  lastId: number;
}

export function emptyGithubState(): GithubState {
  return { repositories: new Map(), deployments: [], checkRuns: [], lastId: 1_000_000 };
}
