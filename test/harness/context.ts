// The job context a harnessed step runs in: the GitHub context, the runner context,
// the event file and the environment variables the runner derives from them.

/** The `github` context of the simulated job; every field can be overridden. */
export interface GitHubContext {
  repository: string;
  repositoryId: string;
  sha: string;
  ref: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  workflow: string;
  job: string;
  actor: string;
  eventName: string;
  /** `github.token`; the runner masks it from the start of the job. */
  token: string;
}

export const defaultGitHubContext: GitHubContext = {
  repository: "acme/shop",
  repositoryId: "123456789",
  sha: "3f9c1d2e4b5a69788a7b6c5d4e3f2a1b0c9d8e7f",
  ref: "refs/heads/main",
  runId: "4242",
  runNumber: "17",
  runAttempt: "1",
  serverUrl: "https://github.com",
  apiUrl: "https://api.github.com",
  graphqlUrl: "https://api.github.com/graphql",
  workflow: "deploy",
  job: "deploy",
  actor: "octocat",
  eventName: "push",
  token: "ghs_harnessFakeToken0000000000000000000",
};

export interface RunnerDirs {
  actionDir: string;
  workspace: string;
  temp: string;
  toolCache: string;
  home: string;
  eventPath: string;
}

function refParts(ref: string): { name: string; type: string } {
  for (const [prefix, type] of [
    ["refs/heads/", "branch"],
    ["refs/tags/", "tag"],
  ] as const) {
    if (ref.startsWith(prefix)) return { name: ref.slice(prefix.length), type };
  }
  return { name: ref, type: "" };
}

/** The event payload the runner writes to GITHUB_EVENT_PATH, for common events. */
export function defaultEvent(github: GitHubContext): Record<string, unknown> {
  const [owner = "", name = ""] = github.repository.split("/");
  const repository = {
    id: Number(github.repositoryId),
    name,
    full_name: github.repository,
    owner: { login: owner },
    default_branch: "main",
    html_url: `${github.serverUrl}/${github.repository}`,
  };
  const sender = { login: github.actor };
  switch (github.eventName) {
    case "push":
      return {
        ref: github.ref,
        before: "0".repeat(40),
        after: github.sha,
        repository,
        pusher: { name: github.actor },
        sender,
        head_commit: { id: github.sha, message: "harness commit" },
      };
    case "workflow_dispatch":
      return { ref: github.ref, inputs: {}, repository, sender, workflow: `.github/workflows/${github.workflow}.yml` };
    default:
      return { repository, sender };
  }
}

/** Environment variables the runner sets for every step. */
export function runnerEnv(github: GitHubContext, dirs: RunnerDirs, debug: boolean): Record<string, string> {
  const { name: refName, type: refType } = refParts(github.ref);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: dirs.home,
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION: "__run",
    GITHUB_ACTION_PATH: dirs.actionDir,
    GITHUB_ACTOR: github.actor,
    GITHUB_ACTOR_ID: "583231",
    GITHUB_TRIGGERING_ACTOR: github.actor,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_GRAPHQL_URL: github.graphqlUrl,
    GITHUB_SERVER_URL: github.serverUrl,
    GITHUB_BASE_REF: "",
    GITHUB_HEAD_REF: "",
    GITHUB_EVENT_NAME: github.eventName,
    GITHUB_EVENT_PATH: dirs.eventPath,
    GITHUB_JOB: github.job,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: refType,
    GITHUB_REF_PROTECTED: "false",
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_ID: github.repositoryId,
    GITHUB_REPOSITORY_OWNER: github.repository.split("/")[0] ?? "",
    GITHUB_REPOSITORY_OWNER_ID: "9919",
    GITHUB_RETENTION_DAYS: "90",
    GITHUB_RUN_ID: github.runId,
    GITHUB_RUN_NUMBER: github.runNumber,
    GITHUB_RUN_ATTEMPT: github.runAttempt,
    GITHUB_SHA: github.sha,
    GITHUB_WORKFLOW: github.workflow,
    GITHUB_WORKFLOW_REF: `${github.repository}/.github/workflows/${github.workflow}.yml@${github.ref}`,
    GITHUB_WORKFLOW_SHA: github.sha,
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_ARCH: "X64",
    RUNNER_ENVIRONMENT: "github-hosted",
    RUNNER_NAME: "deploy-harness",
    RUNNER_OS: "Linux",
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    // Not the runner's: keeps an AWS SDK without credentials from waiting on the
    // instance metadata service when a test forgets to point it at the simulator.
    AWS_EC2_METADATA_DISABLED: "true",
  };
  if (debug) env.RUNNER_DEBUG = "1";
  return env;
}

/** Context values by dotted path, for `post-if` and input defaults (`${{ github.token }}`). */
export function contextValues(
  github: GitHubContext,
  dirs: RunnerDirs,
  event: Record<string, unknown> = {},
): Record<string, string> {
  const { name: refName, type: refType } = refParts(github.ref);
  // From the event payload, as the runner takes `github.event.*`: the repository's name
  // without its owner is only there.
  const repositoryName = (event.repository as { name?: unknown } | undefined)?.name;
  return {
    ...(typeof repositoryName === "string" && { "github.event.repository.name": repositoryName }),
    "github.repository": github.repository,
    "github.repository_id": github.repositoryId,
    "github.repository_owner": github.repository.split("/")[0] ?? "",
    "github.sha": github.sha,
    "github.ref": github.ref,
    "github.ref_name": refName,
    "github.ref_type": refType,
    "github.run_id": github.runId,
    "github.run_number": github.runNumber,
    "github.run_attempt": github.runAttempt,
    "github.server_url": github.serverUrl,
    "github.api_url": github.apiUrl,
    "github.graphql_url": github.graphqlUrl,
    "github.workflow": github.workflow,
    "github.job": github.job,
    "github.actor": github.actor,
    "github.event_name": github.eventName,
    "github.event_path": dirs.eventPath,
    "github.workspace": dirs.workspace,
    "github.action_path": dirs.actionDir,
    "github.token": github.token,
    "runner.os": "Linux",
    "runner.arch": "X64",
    "runner.name": "deploy-harness",
    "runner.temp": dirs.temp,
    "runner.tool_cache": dirs.toolCache,
    "runner.environment": "github-hosted",
  };
}
