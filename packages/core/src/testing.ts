import type { Clock } from "./clock.ts";
import type { RunContext } from "./context.ts";
import { DeployError } from "./errors.ts";

export interface VirtualClock extends Clock {
  /** Moves time forward by hand; sleepers due by then wake. */
  advance(ms: number): void;
}

interface Sleeper {
  at: number;
  wake: () => void;
}

/**
 * A Clock in which time stands still until someone sleeps; then it jumps to the earliest
 * wake-up, so a two-hour wait runs in milliseconds. The jump waits a real moment first,
 * so that work still in flight (a test's timers, an HTTP round trip to the simulator)
 * lands before it, and sleepers that overlap (three region copies polled in parallel)
 * wake together, as they would in real time, instead of one after another.
 */
export function virtualClock(startMs = 0): VirtualClock {
  let now = startMs;
  const sleepers: Sleeper[] = [];
  let jumpScheduled = false;

  const wakeDue = () => {
    sleepers.sort((a, b) => a.at - b.at);
    while (sleepers.length > 0 && (sleepers[0] as Sleeper).at <= now) (sleepers.shift() as Sleeper).wake();
  };

  const scheduleJump = () => {
    if (jumpScheduled) return;
    jumpScheduled = true;
    setTimeout(() => {
      jumpScheduled = false;
      if (sleepers.length === 0) return;
      now = Math.max(now, Math.min(...sleepers.map((s) => s.at)));
      wakeDue();
      if (sleepers.length > 0) scheduleJump();
    }, 1);
  };

  return {
    now: () => now,
    advance(ms) {
      now += Math.max(0, ms);
      wakeDue();
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          reject(signal?.reason);
        };
        const sleeper: Sleeper = {
          at: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        sleepers.push(sleeper);
        scheduleJump();
      });
    },
  };
}

/** A deterministic `Math.random` (mulberry32), for testing jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The DeployError that `fn` throws, to assert on its what, why and fix. */
export function deployErrorFrom(fn: () => unknown): DeployError {
  try {
    fn();
  } catch (error) {
    return expectDeployError(error);
  }
  throw new Error("Expected a DeployError, but nothing was thrown.");
}

/** The DeployError that `promise` rejects with: `deployErrorFrom` for async code. */
export async function deployErrorOf(promise: Promise<unknown>): Promise<DeployError> {
  try {
    await promise;
  } catch (error) {
    return expectDeployError(error);
  }
  throw new Error("Expected a DeployError, but the promise resolved.");
}

// Any other error is a bug the test should show as it is, stack and all.
function expectDeployError(error: unknown): DeployError {
  if (error instanceof DeployError) return error;
  throw error;
}

/** A run of acme/shop as `runContext()` reads it on a runner, for tests; `overrides` win. */
export function testRunContext(overrides: Partial<RunContext> = {}): RunContext {
  const { repository = "acme/shop", runId = "4242", serverUrl = "https://github.com" } = overrides;
  return {
    repository,
    commit: "3f9c1d2e4b5a69788a7b6c5d4e3f2a1b0c9d8e7f",
    ref: "refs/heads/main",
    runId,
    runAttempt: "1",
    serverUrl,
    apiUrl: "https://api.github.com",
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`,
    workflow: "deploy",
    job: "deploy",
    actor: "octocat",
    ...overrides,
  };
}

/**
 * Inputs an action must refuse before anything changes: a table shared by the unit tests
 * of its input parser and the end-to-end tests of its bundle.
 */
export interface BadInput {
  name: string;
  values: Record<string, string>;
  /** The input the error must name. */
  input: string;
  /** Text of the value the error must show. */
  got?: string;
  /** Changes to the step's environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
}
