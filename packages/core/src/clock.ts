/**
 * Time as the suite sees it. Every wait and every timestamp goes through a Clock, so that
 * tests and the simulator can run waits in virtual time (instantly and deterministically)
 * while the actions use the real one. This module is the only place that reads the wall
 * clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const wallClock = (): number => Date.now();

export const systemClock: Clock = { now: wallClock, sleep: (ms, signal) => timerSleep(ms, signal) };

/**
 * Time that runs `speed` times faster than the wall clock, reading `originMs` when the wall
 * clock does (default: now), so that processes given the same origin share one timeline.
 * For a rehearsal or a test against the simulator, where a "15m" timeout must run out in
 * seconds as it would run out in minutes against AWS.
 */
export function scaledClock(speed: number, originMs = wallClock()): Clock {
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const now = () => originMs + (wallClock() - originMs) * speed;
  return {
    now,
    // A timer may fire a real millisecond early, which is `speed` scaled ones: sleep on
    // until the scaled time is due, so that a waiter never wakes before its deadline.
    async sleep(ms, signal) {
      const due = now() + ms;
      do await timerSleep(Math.max(1, (due - now()) / speed), signal);
      while (now() < due);
    },
  };
}

/** Names of the variables `clockFromEnv` reads. */
export const CLOCK_ENV = { speed: "DEPLOY_CLOCK_SPEED", origin: "DEPLOY_CLOCK_ORIGIN" } as const;

/**
 * The clock a step runs on: the system clock, or a scaled one when `DEPLOY_CLOCK_SPEED` is
 * set (the local rehearsal and the end-to-end tests set it, with `DEPLOY_CLOCK_ORIGIN` for
 * a timeline shared with the simulator). A value that is not a positive number is refused
 * rather than ignored, so that a rehearsal never silently runs on real time.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const speedText = env[CLOCK_ENV.speed];
  if (speedText === undefined || speedText === "") return systemClock;
  const speed = Number(speedText);
  const originText = env[CLOCK_ENV.origin];
  const origin = originText ? Number(originText) : undefined;
  if (!(speed > 0) || (origin !== undefined && !Number.isFinite(origin))) {
    throw new Error(
      `${CLOCK_ENV.speed}=${speedText} ${CLOCK_ENV.origin}=${originText ?? ""}: the speed must be a positive number and the origin milliseconds since the epoch.`,
    );
  }
  return scaledClock(speed, origin);
}

function timerSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
