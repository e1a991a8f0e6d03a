import { describe, expect, it } from "vitest";
import { runContext } from "./context.ts";
import { DeployError } from "./errors.ts";
import { deployErrorFrom, deployErrorOf, seededRandom, testRunContext, virtualClock } from "./testing.ts";

describe("virtualClock", () => {
  it("starts where told and moves only when slept or advanced", async () => {
    const clock = virtualClock(1_000);
    expect(clock.now()).toBe(1_000);
    await clock.sleep(2 * 3_600_000);
    expect(clock.now()).toBe(1_000 + 2 * 3_600_000);
    clock.advance(500);
    expect(clock.now()).toBe(7_201_500);
  });

  it("treats a negative sleep as none", async () => {
    const clock = virtualClock();
    await clock.sleep(-5);
    expect(clock.now()).toBe(0);
  });

  it("rejects with the signal's reason when aborted before or during a sleep", async () => {
    const clock = virtualClock();
    const reason = new Error("stop");
    await expect(clock.sleep(1_000, AbortSignal.abort(reason))).rejects.toBe(reason);

    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.now()).toBe(0);
  });

  it("wakes overlapping sleepers together, as real time would, not one after another", async () => {
    const clock = virtualClock();
    const woke: number[] = [];
    await Promise.all(
      [30_000, 30_000, 45_000].map(async (ms) => {
        await clock.sleep(ms);
        woke.push(clock.now());
      }),
    );
    expect(woke).toEqual([30_000, 30_000, 45_000]);
    expect(clock.now()).toBe(45_000);
  });

  it("wakes a sleeper when time is advanced past its wake-up by hand", async () => {
    const clock = virtualClock();
    let woke = false;
    const sleeping = clock.sleep(10_000).then(() => {
      woke = true;
    });
    clock.advance(10_000);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(10_000);
  });

  it("lets other tasks run during a sleep", async () => {
    const clock = virtualClock();
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await clock.sleep(1);
    expect(ran).toBe(true);
  });
});

describe("seededRandom", () => {
  it("repeats for a seed, differs between seeds, and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1_000 }, () => a());
    expect(Array.from({ length: 1_000 }, () => b())).toEqual(values);
    expect(seededRandom(43)()).not.toBe(values[0]);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});

describe("deployErrorFrom", () => {
  it("returns the DeployError thrown", () => {
    const error = new DeployError({ what: "W." });
    expect(
      deployErrorFrom(() => {
        throw error;
      }),
    ).toBe(error);
  });

  it("rethrows anything else and fails when nothing is thrown", () => {
    const other = new TypeError("t");
    expect(() =>
      deployErrorFrom(() => {
        throw other;
      }),
    ).toThrow(other);
    expect(() => deployErrorFrom(() => 1)).toThrow("Expected a DeployError, but nothing was thrown.");
  });
});

describe("deployErrorOf", () => {
  it("returns the DeployError a promise rejects with, rethrows anything else, and fails when it resolves", async () => {
    const error = new DeployError({ what: "W." });
    expect(await deployErrorOf(Promise.reject(error))).toBe(error);
    const other = new TypeError("t");
    await expect(deployErrorOf(Promise.reject(other))).rejects.toBe(other);
    await expect(deployErrorOf(Promise.resolve(1))).rejects.toThrow(
      "Expected a DeployError, but the promise resolved.",
    );
  });
});

describe("testRunContext", () => {
  it("is a run as runContext reads it from the runner's variables", () => {
    const env = {
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SHA: "3f9c1d2e4b5a69788a7b6c5d4e3f2a1b0c9d8e7f",
      GITHUB_REF: "refs/heads/main",
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW: "deploy",
      GITHUB_JOB: "deploy",
      GITHUB_ACTOR: "octocat",
    };
    expect(testRunContext()).toEqual(runContext(env));
  });

  it("links the run it is given", () => {
    expect(testRunContext({ runId: "7", runAttempt: "2" })).toMatchObject({
      runId: "7",
      runAttempt: "2",
      runUrl: "https://github.com/acme/shop/actions/runs/7",
    });
  });
});
