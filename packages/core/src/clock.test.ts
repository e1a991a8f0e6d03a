import { describe, expect, it } from "vitest";
import { CLOCK_ENV, clockFromEnv, scaledClock, systemClock } from "./clock.ts";

describe("clockFromEnv", () => {
  it("is the system clock when no speed is set", () => {
    expect(clockFromEnv({})).toBe(systemClock);
    expect(clockFromEnv({ [CLOCK_ENV.speed]: "" })).toBe(systemClock);
  });

  it("runs a scaled clock from the origin it is given, as the simulator's does", () => {
    const origin = Date.now() - 1000;
    const clock = clockFromEnv({ [CLOCK_ENV.speed]: "60", [CLOCK_ENV.origin]: String(origin) });
    // One real second since the origin is a simulated minute, give or take the test's own time.
    expect(clock.now() - origin).toBeGreaterThanOrEqual(60_000);
    expect(clock.now() - origin).toBeLessThan(120_000);
  });

  it("sleeps the scaled time in a fraction of real time", async () => {
    const clock = scaledClock(1000);
    const real = Date.now();
    await clock.sleep(5_000);
    expect(Date.now() - real).toBeLessThan(1000);
  });

  it.each([["0"], ["-2"], ["fast"]])("refuses the speed %j rather than run on real time", (speed) => {
    expect(() => clockFromEnv({ [CLOCK_ENV.speed]: speed })).toThrow(/DEPLOY_CLOCK_SPEED/);
  });

  it("refuses an origin that is not a number", () => {
    expect(() => clockFromEnv({ [CLOCK_ENV.speed]: "2", [CLOCK_ENV.origin]: "noon" })).toThrow(/DEPLOY_CLOCK_ORIGIN/);
  });

  it("wakes a sleeper early when the signal aborts", async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
  });
});
