import { isCancellation } from "./cancellation.ts";
import { type Clock, systemClock } from "./clock.ts";

export interface Phase {
  name: string;
  ms: number;
  outcome: "succeeded" | "failed" | "cancelled";
}

export interface PhaseTimer {
  /** Runs `fn` as the phase `name` and records how long it took and how it ended. */
  time<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** The phases that ended, in the order they ended. */
  readonly phases: readonly Phase[];
}

/** Times an action's phases for its job summary (`SummaryBuilder.phases`). */
export function phaseTimer(clock: Clock = systemClock): PhaseTimer {
  const phases: Phase[] = [];
  return {
    phases,
    async time(name, fn) {
      const start = clock.now();
      const record = (outcome: Phase["outcome"]) => phases.push({ name, ms: clock.now() - start, outcome });
      try {
        const value = await fn();
        record("succeeded");
        return value;
      } catch (error) {
        record(isCancellation(error) ? "cancelled" : "failed");
        throw error;
      }
    },
  };
}
