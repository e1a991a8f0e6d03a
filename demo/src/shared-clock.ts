// Preloaded into each action the rehearsal runs (NODE_OPTIONS=--import): the action's clock
// is the simulator's scaled clock, one timeline for every step. From DEMO_CLOCK_ORIGIN (the
// wall-clock ms at which the simulator's clock started, and its value then) time runs
// DEMO_CLOCK_SPEED times faster, so a "poll every 15s" polls every 15 simulated seconds
// and a release's createdAt is the simulator's time, in every process alike.
// (test/e2e/scaled-time.ts starts each process's timeline at its own start instead.)
export {};

const origin = Number(process.env.DEMO_CLOCK_ORIGIN);
const speed = Number(process.env.DEMO_CLOCK_SPEED);
if (origin > 0 && speed > 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const now = () => origin + (realNow() - origin) * speed;
  class ScaledDate extends RealDate {
    // biome-ignore lint/suspicious/noExplicitAny: Date's constructor overloads
    constructor(...args: any[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string]));
    }
    static override now(): number {
      return now();
    }
  }
  globalThis.Date = ScaledDate as DateConstructor;
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) =>
    realSetTimeout(callback, ms / speed, ...args)) as typeof setTimeout;
  const realSetInterval = globalThis.setInterval;
  globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) =>
    realSetInterval(callback, ms / speed, ...args)) as typeof setInterval;
}
