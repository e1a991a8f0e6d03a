import type { Clock } from "./clock.ts";
import { DeployError } from "./errors.ts";

export interface VirtualClock extends Clock {
  /** Moves time forward, e.g. to stand for the time a call takes. */
  advance(ms: number): void;
}

/**
 * A Clock whose `sleep` moves virtual time forward at once, so that a two-hour wait runs
 * in milliseconds. Each sleep still yields to the event loop once, so that timers and
 * aborts from the test can happen "during" it.
 */
export function virtualClock(startMs = 0): VirtualClock {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      now += Math.max(0, ms);
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
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error("Expected a DeployError, but nothing was thrown.");
}
