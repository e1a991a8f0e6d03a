// Preloaded into an action's process (NODE_OPTIONS=--import) by an end-to-end test that
// needs the action's own clock on the simulator's time, so that a "timeout" input of
// minutes runs out in real seconds, as it would against AWS in real minutes: Date.now runs
// SCALED_TIME_SPEED times faster from the start, and timers wait that many times less.
const speed = Number(process.env.SCALED_TIME_SPEED);
if (speed > 0) {
  const realNow = Date.now;
  const start = realNow();
  Date.now = () => start + (realNow() - start) * speed;
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) =>
    realSetTimeout(callback, ms / speed, ...args)) as typeof setTimeout;
}
