import type { Clock } from "./clock.ts";
import { DeployError } from "./errors.ts";
import type { Logger } from "./logger.ts";

/**
 * What every domain function of the suite is given, in the actions, the tests and the demo
 * alike: the one clock (no other reading of time), the step's cancellation, its log, and the
 * run that names what it creates. `@deploy/aws` adds the AWS clients of each region.
 */
export interface Context {
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly run: RunContext;
}

/**
 * The workflow run a step belongs to, read from the runner's `GITHUB_*` variables. It
 * names what the suite creates (tags, deployment records, AMI names), so that a re-run
 * or a later step can find it again.
 */
export interface RunContext {
  /** `owner/name`. */
  repository: string;
  /** The full commit sha the workflow runs for. */
  commit: string;
  ref: string;
  runId: string;
  runAttempt: string;
  serverUrl: string;
  apiUrl: string;
  /** Link to the run's log. */
  runUrl: string;
  workflow: string;
  job: string;
  actor: string;
}

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) {
      throw new DeployError({
        what: `The environment variable ${name} is not set.`,
        why: "The GitHub runner sets it for every step; without it the step cannot tell which run and commit it belongs to.",
        fix: "Run this action in a GitHub Actions workflow (or set the GITHUB_* variables as the runner does).",
        code: "MissingRunContext",
      });
    }
    return value;
  };
  const repository = need("GITHUB_REPOSITORY");
  const serverUrl = env.GITHUB_SERVER_URL || "https://github.com";
  const runId = need("GITHUB_RUN_ID");
  return {
    repository,
    commit: need("GITHUB_SHA"),
    ref: env.GITHUB_REF ?? "",
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || "1",
    serverUrl,
    apiUrl: env.GITHUB_API_URL || "https://api.github.com",
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`,
    workflow: env.GITHUB_WORKFLOW ?? "",
    job: env.GITHUB_JOB ?? "",
    actor: env.GITHUB_ACTOR ?? "",
  };
}
