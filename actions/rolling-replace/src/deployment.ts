import type { Logger, RunContext } from "@deploy/core";
import {
  type DeploymentState,
  type GithubClient,
  githubClient,
  type Release,
  recordDeployment,
  setDeploymentStatus,
} from "@deploy/release";
import type { DeploymentSettings } from "./inputs.ts";

/** The deployment record, as saved for the post step, which finishes it if main could not. */
export interface SavedDeployment {
  id: number;
  environment: string;
  environmentUrl?: string;
}

/**
 * The GitHub deployment of a rollout: recorded with the release as payload and marked
 * in_progress before anything changes, then success or failure once the rollout ended.
 */
export async function startDeployment(
  target: DeploymentSettings,
  run: RunContext,
  release: Release,
  signal: AbortSignal,
  logger: Logger,
): Promise<SavedDeployment> {
  const client = clientFor(target.token, run, signal, logger);
  const { id } = await recordDeployment(client, {
    repository: run.repository,
    commit: release.commit,
    ref: run.ref,
    environment: target.environment,
    release,
  });
  const saved = {
    id,
    environment: target.environment,
    ...(target.environmentUrl && { environmentUrl: target.environmentUrl }),
  };
  await setStatus(client, run, saved, "in_progress", `Rolling out ${release.commit.slice(0, 7)}`);
  logger.info(`Recorded deployment ${id} of ${release.commit.slice(0, 7)} to ${target.environment}.`);
  return saved;
}

export async function finishDeployment(
  token: string,
  run: RunContext,
  deployment: SavedDeployment,
  state: DeploymentState,
  description: string,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  await setStatus(clientFor(token, run, signal, logger), run, deployment, state, description);
  logger.info(`Deployment ${deployment.id} to ${deployment.environment} is ${state}.`);
}

/** Where the deployments of the environment are listed on GitHub. */
export function deploymentsUrl(run: RunContext, environment: string): string {
  return `${run.serverUrl}/${run.repository}/deployments/${encodeURIComponent(environment)}`;
}

function clientFor(token: string, run: RunContext, signal: AbortSignal, logger: Logger): GithubClient {
  return githubClient({ apiUrl: run.apiUrl, token, signal, logger });
}

async function setStatus(
  client: GithubClient,
  run: RunContext,
  deployment: SavedDeployment,
  state: DeploymentState,
  description: string,
): Promise<void> {
  await setDeploymentStatus(client, run.repository, deployment.id, {
    state,
    logUrl: run.runUrl,
    ...(deployment.environmentUrl && { environmentUrl: deployment.environmentUrl }),
    description,
  });
}
