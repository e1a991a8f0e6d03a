import { describe, expect, it } from "vitest";
import { CancelledError } from "./cancellation.ts";
import { systemClock } from "./clock.ts";
import { DeployError } from "./errors.ts";
import { memoryLogger } from "./logger.ts";
import { type PollCheck, type PollOptions, type PollProgress, poll } from "./poller.ts";
import { seededRandom, type VirtualClock, virtualClock } from "./testing.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A check that answers from `answers` in turn (repeating the last) and remembers when it ran. */
function scripted<T>(clock: VirtualClock, answers: (PollCheck<T> | Error)[]) {
  const times: number[] = [];
  const check = async (attempt: number) => {
    times.push(clock.now());
    const answer = answers[Math.min(attempt, answers.length) - 1] as PollCheck<T> | Error;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const gaps = () => times.slice(1).map((time, i) => time - (times[i] as number));
  return { check, times, gaps };
}

const pending = (progress?: string): PollCheck<never> => ({ done: false, progress });
const done = <T>(value: T): PollCheck<T> => ({ done: true, value });

/** A wait of an hour without jitter, so that intervals are exact. */
function options<T>(clock: VirtualClock, check: PollOptions<T>["check"]) {
  return { describe: "instance refresh ir-1 to finish", check, clock, timeoutMs: HOUR, jitter: 0 };
}

describe("poll", () => {
  it("returns at once when the first check is done", async () => {
    const clock = virtualClock();
    const { check, times } = scripted(clock, [done("ami-1")]);
    const progress: PollProgress[] = [];
    const result = await poll({ ...options(clock, check), onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ value: "ami-1", attempts: 1, elapsedMs: 0 });
    expect(times).toEqual([0]);
    expect(progress).toEqual([]);
  });

  it("checks again until done, passing the attempt number", async () => {
    const clock = virtualClock();
    const attempts: number[] = [];
    const { check } = scripted(clock, [pending(), pending(), pending(), done(7)]);
    const result = await poll({
      ...options(clock, check),
      check: (attempt) => {
        attempts.push(attempt);
        return check(attempt);
      },
    });
    // 5 s, then ×1.5 each time: 5 + 7.5 + 11.25 s.
    expect(result).toEqual({ value: 7, attempts: 4, elapsedMs: 23_750 });
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it("counts the time checks take in elapsedMs", async () => {
    const clock = virtualClock();
    const result = await poll({
      ...options(clock, async () => {
        clock.advance(2_000);
        return done(true);
      }),
    });
    expect(result.elapsedMs).toBe(2_000);
  });

  describe("deadline", () => {
    it("fails at the deadline with what it waited for, the last progress and how to wait longer", async () => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [
        pending("0 of 10 instances replaced"),
        pending("3 of 10 instances replaced"),
      ]);
      const error = await poll({ ...options(clock, check), timeoutMs: 10 * MINUTE, timeoutInput: "timeout" }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeployError);
      expect(error).toMatchObject({
        what: "Timed out waiting for instance refresh ir-1 to finish after 10m.",
        why: `Made ${times.length} checks; the last progress was "3 of 10 instances replaced".`,
        fix: 'If it can take longer, raise the "timeout" input (now 10m); otherwise find out what holds it up.',
        code: "Timeout",
        input: "timeout",
      });
      // The last check happens at the deadline itself, not a backoff step before it.
      expect(times.at(-1)).toBe(10 * MINUTE);
      expect(clock.now()).toBe(10 * MINUTE);
    });

    it("says when no progress was ever reported, and names no input it was not given", async () => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [pending()]);
      const error = await poll({ ...options(clock, check), timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        why: `Made ${times.length} checks with no progress reported.`,
        fix: "If it can take longer, raise the timeout (now 30s); otherwise find out what holds it up.",
        input: undefined,
      });
    });

    it("takes an absolute deadline on the clock", async () => {
      const clock = virtualClock(1_000_000);
      const { check, times } = scripted(clock, [pending()]);
      const { timeoutMs: _, ...rest } = options(clock, check);
      await expect(poll({ ...rest, deadline: 1_000_000 + 2 * MINUTE })).rejects.toThrow(
        "Timed out waiting for instance refresh ir-1 to finish after 2m.",
      );
      expect(times.at(-1)).toBe(1_000_000 + 2 * MINUTE);
    });

    it("still checks once when the deadline has already passed", async () => {
      const clock = virtualClock(10_000);
      const { check, times } = scripted(clock, [done("late but done")]);
      const { timeoutMs: _, ...rest } = options(clock, check);
      await expect(poll({ ...rest, deadline: 5_000 })).resolves.toMatchObject({ value: "late but done" });
      expect(times).toEqual([10_000]);
    });

    it("runs a two-hour wait in virtual time", async () => {
      const clock = virtualClock();
      const { check } = scripted(clock, [pending("baking")]);
      const started = performance.now();
      await expect(poll({ ...options(clock, check), timeoutMs: 2 * HOUR })).rejects.toThrow("after 2h.");
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });

  describe("backoff", () => {
    it("grows the interval by the factor up to maxIntervalMs", async () => {
      const clock = virtualClock();
      const { check, gaps } = scripted(clock, [
        pending(),
        pending(),
        pending(),
        pending(),
        pending(),
        pending(),
        done(1),
      ]);
      await poll({ ...options(clock, check), intervalMs: 1_000, backoff: 2, maxIntervalMs: 10_000 });
      expect(gaps()).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    });

    it("keeps the interval constant with a factor of 1", async () => {
      const clock = virtualClock();
      const { check, gaps } = scripted(clock, [pending(), pending(), pending(), done(1)]);
      await poll({ ...options(clock, check), intervalMs: 3_000, backoff: 1 });
      expect(gaps()).toEqual([3_000, 3_000, 3_000]);
    });

    it("defaults to 5 s growing by 1.5 up to 30 s", async () => {
      const clock = virtualClock();
      const answers = [...Array.from({ length: 7 }, () => pending()), done(1)];
      const { check, gaps } = scripted(clock, answers);
      await poll(options(clock, check));
      expect(gaps()).toEqual([5_000, 7_500, 11_250, 16_875, 25_312.5, 30_000, 30_000]);
    });

    it("jitters each interval within ±jitter of the backoff, never past maxIntervalMs", async () => {
      const clock = virtualClock();
      const { check, gaps } = scripted(clock, [pending()]);
      await poll({
        ...options(clock, check),
        timeoutMs: 2 * HOUR,
        intervalMs: 1_000,
        backoff: 2,
        maxIntervalMs: 60_000,
        jitter: 0.25,
        random: seededRandom(7),
      }).catch(() => undefined);
      const observed = gaps().slice(0, -1); // the last gap is cut short by the deadline
      observed.forEach((gap, i) => {
        const base = Math.min(1_000 * 2 ** i, 60_000);
        expect(gap).toBeGreaterThanOrEqual(base * 0.75);
        expect(gap).toBeLessThanOrEqual(Math.min(base * 1.25, 60_000));
      });
      expect(new Set(observed.slice(0, 5).map((gap, i) => gap / 2 ** i / 1_000)).size).toBe(5);
    });

    it("with full jitter, waits anywhere from 0 to the backoff", async () => {
      const clock = virtualClock();
      const { check, gaps } = scripted(clock, [pending()]);
      await poll({
        ...options(clock, check),
        timeoutMs: HOUR,
        intervalMs: 10_000,
        backoff: 1,
        jitter: "full",
        random: seededRandom(1),
      }).catch(() => undefined);
      const observed = gaps().slice(0, -1);
      expect(observed.length).toBeGreaterThan(300);
      for (const gap of observed) expect(gap).toBeLessThanOrEqual(10_000);
      expect(Math.min(...observed)).toBeLessThan(1_000);
      expect(Math.max(...observed)).toBeGreaterThan(9_000);
    });

    it("is the same for the same random source", async () => {
      const run = async () => {
        const clock = virtualClock();
        const { check, gaps } = scripted(clock, [pending(), pending(), pending(), done(1)]);
        await poll({ ...options(clock, check), jitter: 0.5, random: seededRandom(99) });
        return gaps();
      };
      expect(await run()).toEqual(await run());
    });
  });

  describe("call budget", () => {
    it("fails after the budget of checks, without waiting for the deadline", async () => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [pending("2 of 4 in service")]);
      const error = await poll({ ...options(clock, check), intervalMs: 2_000, backoff: 1, callBudget: 3 }).catch(
        (e: unknown) => e,
      );
      expect(times).toEqual([0, 2_000, 4_000]);
      expect(error).toBeInstanceOf(DeployError);
      expect(error).toMatchObject({
        what: "Gave up waiting for instance refresh ir-1 to finish after reaching its call budget (3) in 4s.",
        why: 'Made 3 checks; the last progress was "2 of 4 in service".',
        fix: "This wait checks too often for its budget of API calls: report it as a bug in deploy, with this log.",
        code: "CallBudgetExceeded",
      });
    });

    it("counts a single check as one", async () => {
      const clock = virtualClock();
      const { check } = scripted(clock, [pending()]);
      await expect(poll({ ...options(clock, check), callBudget: 1 })).rejects.toMatchObject({
        what: "Gave up waiting for instance refresh ir-1 to finish after reaching its call budget (1) in 0s.",
        why: "Made 1 check with no progress reported.",
      });
    });

    it("allows a success on the last call of the budget", async () => {
      const clock = virtualClock();
      const { check } = scripted(clock, [pending(), pending(), done("ok")]);
      await expect(poll({ ...options(clock, check), callBudget: 3 })).resolves.toMatchObject({
        value: "ok",
        attempts: 3,
      });
    });

    it("counts retried errors against the budget", async () => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [new Error("Throttling")]);
      await expect(poll({ ...options(clock, check), callBudget: 2, isRetryable: () => true })).rejects.toMatchObject({
        code: "CallBudgetExceeded",
      });
      expect(times).toHaveLength(2);
    });
  });

  describe("progress", () => {
    it("reports the first check, then each change, with the elapsed time", async () => {
      const clock = virtualClock();
      const logger = memoryLogger();
      const { check } = scripted(clock, [pending("0 of 4"), pending("0 of 4"), pending("1 of 4"), done(1)]);
      await poll({ ...options(clock, check), intervalMs: 10_000, backoff: 1, logger });
      expect(logger.lines).toEqual([
        "Waiting for instance refresh ir-1 to finish: 0 of 4 (0s elapsed).",
        "Waiting for instance refresh ir-1 to finish: 1 of 4 (20s elapsed).",
      ]);
    });

    it("keeps the last progress when a check reports none", async () => {
      const clock = virtualClock();
      const progress: PollProgress[] = [];
      const { check } = scripted(clock, [pending("baking"), pending()]);
      await poll({
        ...options(clock, check),
        timeoutMs: 70_000,
        intervalMs: 10_000,
        backoff: 1,
        onProgress: (p) => progress.push(p),
      }).catch(() => undefined);
      expect(progress.map((p) => [p.elapsedMs, p.progress, p.attempts])).toEqual([
        [0, "baking", 1],
        [30_000, "baking", 3],
        [60_000, "baking", 6],
      ]);
      expect(progress[1]?.message).toBe("Waiting for instance refresh ir-1 to finish: baking (30s elapsed).");
    });

    it("words a wait without progress", async () => {
      const clock = virtualClock();
      const logger = memoryLogger();
      const { check } = scripted(clock, [pending(), done(1)]);
      await poll({ ...options(clock, check), logger });
      expect(logger.lines).toEqual(["Waiting for instance refresh ir-1 to finish (0s elapsed)."]);
    });

    it("reports at least every 30 s even when checks are minutes apart", async () => {
      const clock = virtualClock();
      const progress: PollProgress[] = [];
      const { check, times } = scripted(clock, [pending("waiting for warmup")]);
      await poll({
        ...options(clock, check),
        timeoutMs: 20 * MINUTE,
        intervalMs: 5 * MINUTE,
        maxIntervalMs: 7 * MINUTE,
        onProgress: (p) => progress.push(p),
      }).catch(() => undefined);
      expect(times).toEqual([0, 5 * MINUTE, 12 * MINUTE, 19 * MINUTE, 20 * MINUTE]);
      const at = progress.map((p) => p.elapsedMs);
      expect(at[0]).toBe(0);
      const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
      expect(at.at(-1)).toBeGreaterThanOrEqual(20 * MINUTE - 30_000);
    });

    it("reports more often when asked, but never less often than every 30 s", async () => {
      const run = async (progressEveryMs: number) => {
        const clock = virtualClock();
        const at: number[] = [];
        const { check } = scripted(clock, [pending("x")]);
        await poll({
          ...options(clock, check),
          timeoutMs: 2 * MINUTE,
          intervalMs: 2 * MINUTE,
          progressEveryMs,
          onProgress: (p) => at.push(p.elapsedMs),
        }).catch(() => undefined);
        return at;
      };
      expect(await run(10_000)).toEqual([
        0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000,
      ]);
      expect(await run(5 * MINUTE)).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    });
  });

  describe("cancellation", () => {
    it("rejects promptly when aborted during a long sleep", async () => {
      const controller = new AbortController();
      const reason = new CancelledError("SIGINT");
      let checks = 0;
      const started = performance.now();
      setTimeout(() => controller.abort(reason), 20);
      const waiting = poll({
        describe: "image to be available",
        clock: systemClock,
        signal: controller.signal,
        timeoutMs: HOUR,
        intervalMs: HOUR,
        check: async () => {
          checks += 1;
          return pending();
        },
      });
      await expect(waiting).rejects.toBe(reason);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(checks).toBe(1);
    });

    it("stops between slices of virtual time too", async () => {
      const clock = virtualClock();
      const controller = new AbortController();
      const reason = new CancelledError("SIGTERM");
      const { check, times } = scripted(clock, [pending("x")]);
      const waiting = poll({
        ...options(clock, check),
        intervalMs: 10 * MINUTE,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.elapsedMs >= 60_000) controller.abort(reason);
        },
      });
      await expect(waiting).rejects.toBe(reason);
      expect(times).toEqual([0]);
      expect(clock.now()).toBe(60_000);
    });

    it("does not check at all when already aborted", async () => {
      const clock = virtualClock();
      const reason = new CancelledError("SIGINT");
      const { check, times } = scripted(clock, [done(1)]);
      await expect(poll({ ...options(clock, check), signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(times).toEqual([]);
    });
  });

  describe("errors from the check", () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const isRetryable = (error: unknown) => error instanceof Error && error.name === "ThrottlingException";

    it("retries transient errors within the deadline, reporting them as progress", async () => {
      const clock = virtualClock();
      const logger = memoryLogger();
      const { check } = scripted(clock, [throttled, throttled, done("i-1")]);
      const result = await poll({ ...options(clock, check), isRetryable, logger });
      expect(result).toEqual({ value: "i-1", attempts: 3, elapsedMs: 12_500 });
      expect(logger.lines).toEqual([
        "Waiting for instance refresh ir-1 to finish: retrying after a transient error: Rate exceeded (0s elapsed).",
      ]);
    });

    it("fails at the deadline with the transient error as the last progress", async () => {
      const clock = virtualClock();
      const { check } = scripted(clock, [throttled]);
      const error = await poll({ ...options(clock, check), timeoutMs: MINUTE, isRetryable }).catch((e: unknown) => e);
      expect((error as DeployError).why).toMatch(
        /the last progress was "retrying after a transient error: Rate exceeded"\.$/,
      );
    });

    it("throws other errors as they are, at once", async () => {
      const clock = virtualClock();
      const denied = Object.assign(new Error("Not authorized"), { name: "AccessDenied" });
      const { check, times } = scripted(clock, [pending(), denied, done(1)]);
      await expect(poll({ ...options(clock, check), isRetryable })).rejects.toBe(denied);
      expect(times).toEqual([0, 5_000]);
    });

    it("retries nothing without isRetryable", async () => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [throttled, done(1)]);
      await expect(poll(options(clock, check))).rejects.toBe(throttled);
      expect(times).toHaveLength(1);
    });

    it("never retries a cancellation, even when told everything is retryable", async () => {
      const clock = virtualClock();
      const cancelled = new CancelledError("SIGINT");
      const { check, times } = scripted(clock, [cancelled, done(1)]);
      await expect(poll({ ...options(clock, check), isRetryable: () => true })).rejects.toBe(cancelled);
      expect(times).toHaveLength(1);
    });
  });

  describe("options", () => {
    it.each([
      [{ intervalMs: 0 }, "intervalMs", "Got 0.", "Pass a number of milliseconds above 0."],
      [{ intervalMs: Number.NaN }, "intervalMs", "Got NaN.", "Pass a number of milliseconds above 0."],
      [{ intervalMs: 10_000, maxIntervalMs: 5_000 }, "maxIntervalMs", "Got 5000.", "Pass at least intervalMs (10000)."],
      [{ backoff: 0.5 }, "backoff", "Got 0.5.", "Pass a factor of 1 or more."],
      [{ jitter: 1.5 }, "jitter", "Got 1.5.", 'Pass "full" or a fraction from 0 to 1.'],
      [{ jitter: -0.1 }, "jitter", "Got -0.1.", 'Pass "full" or a fraction from 0 to 1.'],
      [{ callBudget: 0 }, "callBudget", "Got 0.", "Pass 1 or more."],
      [{ progressEveryMs: 0 }, "progressEveryMs", "Got 0.", "Pass a number of milliseconds above 0."],
    ] as const)("rejects %j before checking", async (bad, name, why, fix) => {
      const clock = virtualClock();
      const { check, times } = scripted(clock, [done(1)]);
      await expect(poll({ ...options(clock, check), ...bad })).rejects.toMatchObject({
        what: `poll() was given an invalid ${name}.`,
        why,
        fix,
        code: "InvalidPollOptions",
      });
      expect(times).toEqual([]);
    });

    it("raises the default maxIntervalMs to an intervalMs above it", async () => {
      const clock = virtualClock();
      const { check, gaps } = scripted(clock, [pending(), pending(), done(1)]);
      await poll({ ...options(clock, check), intervalMs: 2 * MINUTE });
      expect(gaps()).toEqual([2 * MINUTE, 2 * MINUTE]);
    });
  });
});
