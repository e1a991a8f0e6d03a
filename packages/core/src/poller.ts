import { isCancellation } from "./cancellation.ts";
import type { Clock } from "./clock.ts";
import { formatDuration } from "./duration.ts";
import { DeployError, type DeployErrorDetails } from "./errors.ts";
import type { Logger } from "./logger.ts";

/** What one check found: the awaited value, or how far along things are. */
export type PollCheck<T> = { done: true; value: T } | { done: false; progress?: string };

export interface PollProgress {
  /** The line the logger gets, e.g. `Waiting for X: 3 of 10 replaced (2m 30s elapsed).` */
  message: string;
  /** The last progress a check reported, if any. */
  progress: string | undefined;
  attempts: number;
  elapsedMs: number;
}

/** A wait ends at `deadline` (epoch ms on the clock) or `timeoutMs` after it starts. */
type Deadline = { timeoutMs: number; deadline?: never } | { deadline: number; timeoutMs?: never };

export type PollOptions<T> = Deadline & {
  /** What we wait for, as it reads after "Waiting for", e.g. `instance refresh ir-1 to finish`. */
  describe: string;
  /** Called once per attempt (from 1); each call is one unit of `callBudget`. */
  check: (attempt: number) => Promise<PollCheck<T>>;
  clock: Clock;
  signal?: AbortSignal;
  /** First wait between checks. Default 5 s. */
  intervalMs?: number;
  /** Longest wait between checks, jitter included. Default 30 s. */
  maxIntervalMs?: number;
  /** Growth of the wait after each check. Default 1.5. */
  backoff?: number;
  /**
   * Spreads the waits of concurrent pollers: a fraction (0.2 = ±20 %) or "full" (anywhere
   * from 0 to the wait). Default 0.2.
   */
  jitter?: number | "full";
  /** A `Math.random`; tests pass a seeded one. */
  random?: () => number;
  /** Most checks this wait may make, so that its API calls stay bounded. Default: no limit. */
  callBudget?: number;
  /** How often progress is reported at least; at most (and by default) 30 s. */
  progressEveryMs?: number;
  logger?: Logger;
  onProgress?: (progress: PollProgress) => void;
  /** Errors worth another check, such as throttling or NotFound right after a create. */
  isRetryable?: (error: unknown) => boolean;
  /** The input that sets this wait's timeout, named in the timeout error's fix. */
  timeoutInput?: string;
};

export interface PollResult<T> {
  value: T;
  attempts: number;
  elapsedMs: number;
}

/** The contract: every wait reports progress at least this often. */
export const MAX_PROGRESS_INTERVAL_MS = 30_000;

/**
 * The one wait of the suite: checks until `check` says done, backing off with jitter
 * between checks, reporting progress, and failing with a DeployError at the deadline or
 * when the call budget runs out. An abort rejects at once with the signal's reason.
 * There is always at least one check, even when the deadline has passed.
 */
export async function poll<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const { describe, clock, signal } = options;
  const { callBudget, progressEveryMs, nextDelay } = settings(options);
  const start = clock.now();
  const deadline = options.deadline ?? start + options.timeoutMs;
  const elapsed = () => formatDuration(clock.now() - start);
  let attempts = 0;
  let progress: string | undefined;
  let reportedAt = Number.NEGATIVE_INFINITY;

  const report = () => {
    reportedAt = clock.now();
    const elapsedMs = reportedAt - start;
    const message = `Waiting for ${describe}${progress ? `: ${progress}` : ""} (${formatDuration(elapsedMs)} elapsed).`;
    options.logger?.info(message);
    options.onProgress?.({ message, progress, attempts, elapsedMs });
  };

  const giveUp = (details: Omit<DeployErrorDetails, "why">) => {
    const checks = `Made ${attempts} ${attempts === 1 ? "check" : "checks"}`;
    const why = progress ? `${checks}; the last progress was "${progress}".` : `${checks} with no progress reported.`;
    return new DeployError({ ...details, why });
  };

  for (;;) {
    signal?.throwIfAborted();
    attempts += 1;
    const previous = progress;
    const result = await checkOnce(options, attempts);
    if (result.done) return { value: result.value, attempts, elapsedMs: clock.now() - start };
    progress = result.progress ?? progress;
    if (progress !== previous || clock.now() - reportedAt >= progressEveryMs) report();

    if (clock.now() >= deadline) {
      const timeout = options.timeoutInput ? `the "${options.timeoutInput}" input` : "the timeout";
      throw giveUp({
        what: `Timed out waiting for ${describe} after ${elapsed()}.`,
        fix: `If it can take longer, raise ${timeout} (now ${formatDuration(deadline - start)}); otherwise find out what holds it up.`,
        code: "Timeout",
        input: options.timeoutInput,
      });
    }
    if (attempts >= callBudget) {
      throw giveUp({
        what: `Gave up waiting for ${describe} after reaching its call budget (${callBudget}) in ${elapsed()}.`,
        fix: "This wait checks too often for its budget of API calls: report it as a bug in deploy, with this log.",
        code: "CallBudgetExceeded",
      });
    }

    // Sleep in slices that end when the next progress report is due, so that a long
    // interval still reports every progressEveryMs.
    const wakeAt = Math.min(clock.now() + nextDelay(attempts), deadline);
    while (clock.now() < wakeAt) {
      const dueAt = reportedAt + progressEveryMs;
      await clock.sleep(Math.min(wakeAt, dueAt) - clock.now(), signal);
      if (clock.now() >= dueAt) report();
    }
  }
}

/** One check, where a retryable error counts as "not done yet" with the error as progress. */
async function checkOnce<T>(options: PollOptions<T>, attempt: number): Promise<PollCheck<T>> {
  try {
    return await options.check(attempt);
  } catch (error) {
    if (isCancellation(error) || !options.isRetryable?.(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { done: false, progress: `retrying after a transient error: ${message}` };
  }
}

/** The options with their defaults, checked, and the wait after the n-th check. */
function settings(options: PollOptions<unknown>) {
  const {
    intervalMs = 5_000,
    maxIntervalMs = Math.max(30_000, intervalMs),
    backoff = 1.5,
    jitter = 0.2,
    random = Math.random,
    callBudget = Number.POSITIVE_INFINITY,
    progressEveryMs = MAX_PROGRESS_INTERVAL_MS,
  } = options;
  const rules: [string, unknown, boolean, string][] = [
    ["intervalMs", intervalMs, intervalMs > 0, "a number of milliseconds above 0"],
    ["maxIntervalMs", maxIntervalMs, maxIntervalMs >= intervalMs, `at least intervalMs (${intervalMs})`],
    ["backoff", backoff, backoff >= 1, "a factor of 1 or more"],
    ["jitter", jitter, jitter === "full" || (jitter >= 0 && jitter <= 1), '"full" or a fraction from 0 to 1'],
    ["callBudget", callBudget, callBudget >= 1, "1 or more"],
    ["progressEveryMs", progressEveryMs, progressEveryMs > 0, "a number of milliseconds above 0"],
  ];
  for (const [name, value, ok, rule] of rules) {
    if (!ok) {
      throw new DeployError({
        what: `poll() was given an invalid ${name}.`,
        why: `Got ${value}.`,
        fix: `Pass ${rule}.`,
        code: "InvalidPollOptions",
      });
    }
  }
  return {
    callBudget,
    progressEveryMs: Math.min(progressEveryMs, MAX_PROGRESS_INTERVAL_MS),
    nextDelay(attempt: number): number {
      const base = Math.min(intervalMs * backoff ** (attempt - 1), maxIntervalMs);
      const jittered = jitter === "full" ? random() * base : base * (1 + jitter * (2 * random() - 1));
      return Math.min(jittered, maxIntervalMs);
    },
  };
}
