import {
  type Clock,
  type Context,
  DeployError,
  type ErrorCode,
  formatDuration,
  isCancellation,
  type Logger,
  systemClock,
} from "@deploy/core";

/**
 * A small client for GitHub's REST API over `fetch`. `packages/release` may not import
 * `@actions/*` (and so not Octokit through `@actions/github`), and the few calls the suite
 * makes need only JSON, a token, retries and `Link` paging.
 *
 * Retries play the part the AWS SDK's standard retries play for AWS: a 5xx, a dropped
 * connection or a secondary rate limit is tried again a few times with backoff, honouring
 * GitHub's `retry-after`. They are not the poller: nothing is awaited here but GitHub
 * itself, and a wait GitHub asks for that does not fit the budget fails at once.
 *
 * The token goes into the `Authorization` header and nowhere else: it is not a property
 * of the client, and every message built from a response has it replaced by `***`.
 */
export interface GithubClientOptions {
  /** The API root: `GITHUB_API_URL` (`runContext().apiUrl`), e.g. `https://api.github.com`. */
  apiUrl: string;
  token: string;
  /** Sleeps between retries; tests pass the simulator's clock. */
  clock?: Clock;
  signal?: AbortSignal;
  /** Told about each retry. */
  logger?: Logger;
  /** Tests pass their own. */
  fetch?: typeof fetch;
  /** Attempts per call, retries included. Default 4. */
  maxAttempts?: number;
  /** Most time a call may spend waiting between its attempts. Default 2 minutes. */
  maxRetryWaitMs?: number;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GithubRequestOptions {
  /** What the call does, as it reads after "Could not", e.g. `create a deployment of 3f9c2b7 to stage`. */
  doing: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface GithubResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export interface GithubClient {
  /** The API root, without a trailing slash. */
  readonly apiUrl: string;
  /** One call; `path` is relative to the API root (`/repos/acme/shop/deployments`). */
  request<T>(method: HttpMethod, path: string, options: GithubRequestOptions): Promise<GithubResponse<T>>;
  /**
   * The pages of a list, newest first where GitHub lists so, following the `Link` header's
   * `next` for at most `maxPages` pages; stop iterating to stop asking.
   */
  pages<T>(path: string, options: GithubRequestOptions & { perPage: number; maxPages: number }): AsyncGenerator<T[]>;
}

export const GITHUB_API_VERSION = "2022-11-28";
const USER_AGENT = "deploy/1";
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_MAX_RETRY_WAIT_MS = 120_000;
const FIRST_BACKOFF_MS = 1_000;
/** GitHub's advice when a secondary rate limit comes without `retry-after`: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/** What went wrong with one attempt, and how long to wait before the next if it is worth one. */
interface Failure {
  status?: number;
  message: string;
  details?: string;
  retryInMs?: number;
  rateLimited?: boolean;
}

type Attempt = { response: GithubResponse<unknown>; failure?: never } | { response?: never; failure: Failure };

/** The client a step uses: its run's API root, its clock, cancellation and log. */
export function githubClientFor(ctx: Context, token: string): GithubClient {
  return githubClient({ apiUrl: ctx.run.apiUrl, token, clock: ctx.clock, signal: ctx.signal, logger: ctx.logger });
}

export function githubClient(options: GithubClientOptions): GithubClient {
  const { token, clock = systemClock, signal, logger } = options;
  const send = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  if (!token) {
    throw new DeployError({
      what: "There is no GitHub token to call GitHub's API with.",
      why: "The token is empty.",
      fix: `Pass \`github-token: \${{ github.token }}\` (the default) or another token that may write deployments.`,
      input: "github-token",
      code: "MissingGithubToken",
    });
  }
  const apiUrl = checkedApiUrl(options.apiUrl);
  const hide = (text: string) => text.replaceAll(token, "***");
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "x-github-api-version": GITHUB_API_VERSION,
    "user-agent": USER_AGENT,
  };

  async function attempt(method: HttpMethod, url: string, body: unknown): Promise<Attempt> {
    let response: Response;
    let text: string;
    try {
      response = await send(url, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        ...(signal && { signal }),
      });
      text = await response.text();
    } catch (error) {
      if (isCancellation(error) || signal?.aborted) throw signal?.reason ?? error;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      return { failure: { message: `GitHub could not be reached (${String(error)}${cause}).`, retryInMs: 0 } };
    }
    if (!response.ok) return { failure: describeFailure(response, text) };
    try {
      const data = text === "" ? undefined : JSON.parse(text);
      return { response: { status: response.status, data, headers: response.headers } };
    } catch {
      return {
        failure: {
          status: response.status,
          message: `GitHub answered ${response.status} with a body that is not JSON.`,
        },
      };
    }
  }

  async function call<T>(method: HttpMethod, url: string, options: GithubRequestOptions): Promise<GithubResponse<T>> {
    let waitedMs = 0;
    for (let n = 1; ; n++) {
      const { response, failure } = await attempt(method, url, options.body);
      if (response) return response as GithubResponse<T>;
      const waitMs = failure.retryInMs === undefined ? undefined : Math.max(failure.retryInMs, backoffMs(n));
      const retry = waitMs !== undefined && n < maxAttempts && waitedMs + waitMs <= maxRetryWaitMs;
      if (!retry) throw failureError(failure, options.doing, n, hide);
      const next = `Trying again to ${options.doing} in ${formatDuration(waitMs)} (attempt ${n + 1} of ${maxAttempts}).`;
      logger?.info(hide(`${sentence(failure.message)} ${next}`));
      await clock.sleep(waitMs, signal);
      waitedMs += waitMs;
    }
  }

  return {
    apiUrl,
    request: (method, path, options) => call(method, urlOf(apiUrl, path, options.query), options),
    async *pages<T>(path: string, options: GithubRequestOptions & { perPage: number; maxPages: number }) {
      let url: string | undefined = urlOf(apiUrl, path, { ...options.query, per_page: options.perPage });
      for (let page = 1; url !== undefined && page <= options.maxPages; page++) {
        const response: GithubResponse<T[]> = await call<T[]>("GET", url, options);
        yield response.data;
        url = nextPage(response.headers.get("link"), apiUrl);
      }
    },
  };
}

/** `/repos/{owner}/{name}` of an `owner/name`, checked so a bad name fails before any call. */
export function repositoryPath(repository: string): string {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository);
  if (!match) {
    throw new DeployError({
      what: `"${repository}" is not a GitHub repository name.`,
      why: "A repository is named owner/name, like acme/shop.",
      fix: `Pass the repository as owner/name; in a workflow, \${{ github.repository }}.`,
      code: "InvalidRepository",
    });
  }
  return `/repos/${encodeURIComponent(match[1] as string)}/${encodeURIComponent(match[2] as string)}`;
}

function checkedApiUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !["http:", "https:"].includes(url.protocol)) {
    throw new DeployError({
      what: "The GitHub API URL is not an http(s) URL.",
      why: `Got "${value}".`,
      fix: "Leave GITHUB_API_URL as the runner sets it (https://api.github.com, or your GitHub Enterprise Server's /api/v3).",
      code: "InvalidGithubApiUrl",
    });
  }
  return url.href.replace(/\/+$/, "");
}

function urlOf(apiUrl: string, path: string, query: GithubRequestOptions["query"] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.size > 0 ? `?${params}` : "";
  return `${apiUrl}${path.startsWith("/") ? path : `/${path}`}${search}`;
}

/**
 * The `next` URL of a `Link` header. It must lie under the API root: the token is sent
 * along, and a header pointing elsewhere is not followed.
 */
export function nextPage(link: string | null, apiUrl: string): string | undefined {
  for (const part of link?.split(",") ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (match?.[2]?.split(/\s+/).includes("next")) {
      const url = match[1] as string;
      if (url === apiUrl || url.startsWith(`${apiUrl}/`)) return url;
      throw new DeployError({
        what: "GitHub's next page lies outside its API.",
        why: `The Link header points to ${new URL(url).origin}, not under ${apiUrl}.`,
        fix: "Check that GITHUB_API_URL is the API root of your GitHub (https://api.github.com, or GitHub Enterprise Server's /api/v3).",
        code: "GithubBadLink",
      });
    }
  }
  return undefined;
}

/** Exponential backoff from 1 s, with ±20 % jitter so that parallel jobs spread out. */
function backoffMs(attempt: number): number {
  return FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.8 + 0.4 * Math.random());
}

/** Reads an error answer: GitHub's message and validation errors, and whether another attempt may help. */
function describeFailure(response: Response, text: string): Failure {
  const status = response.status;
  let message = text.slice(0, 200);
  let details: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown };
    if (typeof body.message === "string") message = body.message;
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      details = body.errors.map((e) => (typeof e === "string" ? e : (e?.message ?? JSON.stringify(e)))).join("; ");
    }
  } catch {
    // Not JSON: a proxy's or load balancer's page; its first characters say enough.
  }
  const failure: Failure = { status, message: `GitHub answered ${status}: ${message}`, ...(details && { details }) };
  const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
  const secondary = /secondary rate limit/i.test(message);
  const primary = response.headers.get("x-ratelimit-remaining") === "0";
  if ((status === 403 || status === 429) && (retryAfterMs !== undefined || secondary || primary)) {
    failure.rateLimited = true;
    // A spent primary limit resets within the hour: too long to hold a deployment for, so no retry.
    const fallback = secondary || status === 429 ? SECONDARY_LIMIT_WAIT_MS : undefined;
    const retryInMs = retryAfterMs ?? fallback;
    if (retryInMs !== undefined) failure.retryInMs = retryInMs;
  } else if (status >= 500) {
    failure.retryInMs = retryAfterMs ?? 0;
  }
  return failure;
}

function failureError(failure: Failure, doing: string, attempts: number, hide: (text: string) => string): DeployError {
  const { status } = failure;
  const tries = attempts > 1 ? ` Tried ${attempts} times.` : "";
  const why = hide(
    `${sentence(failure.details ? `${failure.message.replace(/\.$/, "")}: ${failure.details}` : failure.message)}${tries}`,
  );
  const [code, fix] = advice(failure);
  return new DeployError({
    what: hide(`Could not ${doing}${status === undefined ? "" : `: GitHub answered ${status}`}.`),
    why,
    fix,
    code,
  });
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function advice(failure: Failure): [code: ErrorCode, fix: string] {
  const permissions =
    "give the job `permissions: deployments: write` (a job that sets `permissions` gets only what it lists), or pass a token that may write deployments to this repository";
  if (failure.rateLimited) {
    return ["GithubRateLimited", "GitHub is limiting this token's requests: re-run the job in a few minutes."];
  }
  switch (failure.status) {
    case undefined:
      return ["GithubUnreachable", "Check the runner's network access to GITHUB_API_URL, then re-run the job."];
    case 401:
      return [
        "GithubUnauthorized",
        `GitHub did not accept the token: pass \`github-token: \${{ github.token }}\` (the default), or a token that has not expired; ${permissions}.`,
      ];
    case 403:
      return ["GithubForbidden", `The token may not do this: ${permissions}.`];
    case 404:
      return [
        "GithubNotFound",
        "The repository or deployment does not exist, or the token cannot see it (GitHub answers 404 rather than 403 then): check the repository name and that the token belongs to it.",
      ];
    case 409:
    case 422:
      return ["GithubRejected", "GitHub refused the request as given; the message above says which field."];
    default:
      return failure.status >= 500
        ? [
            "GithubServerError",
            "GitHub had trouble answering: check https://www.githubstatus.com, then re-run the job.",
          ]
        : ["GithubError", "See GitHub's message above."];
  }
}
