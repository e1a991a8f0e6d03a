import type { Clock } from "@deploy/core";

/**
 * The simulator's clock. Two modes, one interface:
 *
 * - `virtual`: time stands still until someone sleeps. A sleep registers a wake-up and,
 *   once the event loop has had a moment to finish in-flight work, time jumps to the
 *   earliest wake-up. Shared in-process between the simulator and the code under test
 *   (through the poller's injectable clock), an hour-long rollout runs in milliseconds,
 *   and concurrent sleepers (three region copies) wake together rather than one after
 *   another, as they would in real time.
 * - `scaled`: virtual time runs `speed` times faster than the wall clock, for the
 *   simulator running standalone while actions run as child processes on real time.
 */
export interface SimClock extends Clock {
  readonly mode: "virtual" | "scaled";
  /** Moves virtual time forward (virtual mode only); sleepers due by then wake. */
  advance(ms: number): void;
}

interface Sleeper {
  at: number;
  resolve: () => void;
}

export function virtualClock(start = Date.parse("2026-11-26T10:00:00Z")): SimClock {
  let now = start;
  const sleepers: Sleeper[] = [];
  let jumpScheduled = false;

  const wakeDue = () => {
    sleepers.sort((a, b) => a.at - b.at);
    while (sleepers.length > 0 && (sleepers[0] as Sleeper).at <= now) (sleepers.shift() as Sleeper).resolve();
  };

  // A real-time pause before jumping lets HTTP round trips that are still in flight
  // land first, so a request is not answered "after" a sleep that started later.
  const scheduleJump = () => {
    if (jumpScheduled) return;
    jumpScheduled = true;
    setTimeout(() => {
      jumpScheduled = false;
      if (sleepers.length === 0) return;
      sleepers.sort((a, b) => a.at - b.at);
      now = Math.max(now, (sleepers[0] as Sleeper).at);
      wakeDue();
      if (sleepers.length > 0) scheduleJump();
    }, 2);
  };

  return {
    mode: "virtual",
    now: () => now,
    advance(ms) {
      now += ms;
      wakeDue();
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper: Sleeper = {
          at: now + Math.max(0, ms),
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        sleepers.push(sleeper);
        scheduleJump();
      });
    },
  };
}

export function scaledClock(speed: number, start = Date.now()): SimClock {
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const realStart = Date.now();
  return {
    mode: "scaled",
    now: () => start + (Date.now() - realStart) * speed,
    advance() {
      throw new Error("a scaled clock follows the wall clock; it cannot be advanced by hand");
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(
          () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          Math.max(0, ms / speed),
        );
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
