import { describe, expect, it } from "vitest";
import { CancelledError } from "./cancellation.ts";
import { virtualClock } from "./testing.ts";
import { phaseTimer } from "./timer.ts";

describe("phaseTimer", () => {
  it("records each phase's duration on the clock and returns its value", async () => {
    const clock = virtualClock();
    const timer = phaseTimer(clock);
    const ami = await timer.time("Bake", async () => {
      await clock.sleep(754_000);
      return "ami-1";
    });
    await timer.time("Roll out", () => clock.sleep(90_000));
    expect(ami).toBe("ami-1");
    expect(timer.phases).toEqual([
      { name: "Bake", ms: 754_000, outcome: "succeeded" },
      { name: "Roll out", ms: 90_000, outcome: "succeeded" },
    ]);
  });

  it("records a failed phase and rethrows its error", async () => {
    const clock = virtualClock();
    const timer = phaseTimer(clock);
    const error = new Error("boom");
    await expect(
      timer.time("Bake", async () => {
        clock.advance(5_000);
        throw error;
      }),
    ).rejects.toBe(error);
    expect(timer.phases).toEqual([{ name: "Bake", ms: 5_000, outcome: "failed" }]);
  });

  it("records a cancelled phase as cancelled", async () => {
    const timer = phaseTimer(virtualClock());
    await expect(
      timer.time("Wait", async () => {
        throw new CancelledError("SIGINT");
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(timer.phases[0]?.outcome).toBe("cancelled");
  });

  it("uses the system clock by default", async () => {
    const timer = phaseTimer();
    await timer.time("Quick", () => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(timer.phases[0]?.ms).toBeGreaterThanOrEqual(15);
  });
});
