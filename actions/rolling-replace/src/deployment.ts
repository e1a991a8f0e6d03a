import type { Context, RunContext } from "@deploy/core";
import {
  type DeploymentState,
  type GithubClient,
  githubClientFor,
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

/** A deployment status: the state and the sentence GitHub shows beside it. */
export interface DeploymentEnd {
  state: DeploymentState;
  description: string;
}

/**
 * The GitHub deployment of a rollout: recorded with the release as payload and marked
 * in_progress before anything changes, then success or failure once the rollout ended.
 */
export async function startDeployment(
  ctx: Context,
  target: DeploymentSettings,
  release: Release,
): Promise<SavedDeployment> {
  const client = clientFor(ctx, target.token);
  const { id } = await recordDeployment(client, {
    repository: ctx.run.repository,
    commit: release.commit,
    ref: ctx.run.ref,
    environment: target.environment,
    release,
  });
  const saved = {
    id,
    environment: target.environment,
    ...(target.environmentUrl && { environmentUrl: target.environmentUrl }),
  };
  await setStatus(client, ctx.run, saved, {
    state: "in_progress",
    description: `Rolling out ${release.commit.slice(0, 7)}`,
  });
  ctx.logger.info(`Recorded deployment ${id} of ${release.commit.slice(0, 7)} to ${target.environment}.`);
  return saved;
}

export async function finishDeployment(
  ctx: Context,
  token: string,
  deployment: SavedDeployment,
  end: DeploymentEnd,
): Promise<void> {
  await setStatus(clientFor(ctx, token), ctx.run, deployment, end);
  ctx.logger.info(`Deployment ${deployment.id} to ${deployment.environment} is ${end.state}.`);
}

/** Where the deployments of the environment are listed on GitHub. */
export function deploymentsUrl(run: RunContext, environment: string): string {
  return `${run.serverUrl}/${run.repository}/deployments/${encodeURIComponent(environment)}`;
}

function clientFor(ctx: Context, token: string): GithubClient {
  return githubClientFor(ctx, token);
}

async function setStatus(
  client: GithubClient,
  run: RunContext,
  deployment: SavedDeployment,
  end: DeploymentEnd,
): Promise<void> {
  await setDeploymentStatus(client, run.repository, deployment.id, {
    state: end.state,
    logUrl: run.runUrl,
    ...(deployment.environmentUrl && { environmentUrl: deployment.environmentUrl }),
    description: end.description,
  });
}
