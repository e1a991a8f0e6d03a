import { type Clock, scaledClock as coreScaledClock } from "@deploy/core";
import { virtualClock as coreVirtualClock } from "@deploy/core/testing";

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

/** The virtual clock of `@deploy/core`, starting at a fixed date so runs are repeatable. */
export function virtualClock(start = Date.parse("2026-11-26T10:00:00Z")): SimClock {
  return Object.assign(coreVirtualClock(start), { mode: "virtual" as const });
}

/** `@deploy/core`'s scaled clock, which a step's `clockFromEnv` rebuilds from the same speed and origin. */
export function scaledClock(speed: number, origin?: number): SimClock {
  return Object.assign(coreScaledClock(speed, origin), {
    mode: "scaled" as const,
    advance(): never {
      throw new Error("a scaled clock follows the wall clock; it cannot be advanced by hand");
    },
  });
}
