import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.ts";
import { DeployError } from "./errors.ts";
import { deployErrorFrom } from "./testing.ts";

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["15m", 900_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    ["1h 30m", 5_400_000],
    ["1h30m15s", 5_415_000],
    ["2m30s", 150_000],
    ["0", 0],
    ["0s", 0],
    [" 5m ", 300_000],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "5 minutes", "5min", "1.5h", "-5m", "30m1h", "1h1h", "m", "1d", "5M", "1h  30m"])(
    "rejects %j",
    (text) => {
      expect(() => parseDuration(text)).toThrow(DeployError);
    },
  );

  it("says what, why and how to fix, naming the value", () => {
    const error = deployErrorFrom(() => parseDuration("5 minutes", '"timeout" in seed.yml'));
    expect(error.what).toBe('"timeout" in seed.yml is not a valid duration.');
    expect(error.why).toBe('Got "5 minutes".');
    expect(error.fix).toBe('Write a number followed by s, m or h, like "90s", "15m" or "2h".');
    expect(error.code).toBe("InvalidValue");
  });

  it('calls the value "Duration" when not told its name', () => {
    expect(deployErrorFrom(() => parseDuration("soon")).what).toBe("Duration is not a valid duration.");
  });

  it("hides a secret value and names its input", () => {
    const error = deployErrorFrom(() => parseDuration("hunter2", { label: 'Input "x"', input: "x", secret: true }));
    expect(error.why).toBe('Got "***".');
    expect(error.message).not.toContain("hunter2");
    expect(error.input).toBe("x");
  });

  describe("long and signed spans", () => {
    const DAY = 86_400_000;
    it.each([
      ["30d", 30 * DAY],
      ["2y", 730 * DAY],
      ["1y 30d", 395 * DAY],
      ["1d12h", 1.5 * DAY],
      ["-2y", -730 * DAY],
      ["-90s", -90_000],
      ["-0", 0],
      ["0d", 0],
    ])("reads %j as %i ms when days, years and a sign are allowed", (text, ms) => {
      expect(parseDuration(text, "Span", {}, { long: true, signed: true })).toBe(ms);
    });

    it.each(["- 5m", "--5m", "30d2y", "1.5y", "2 years", "-", "5w"])("rejects %j", (text) => {
      expect(() => parseDuration(text, "Span", {}, { long: true, signed: true })).toThrow(DeployError);
    });

    it("refuses days and years unless asked, with the timeout wording", () => {
      const error = deployErrorFrom(() => parseDuration("30d", "Timeout"));
      expect(error.fix).toBe('Write a number followed by s, m or h, like "90s", "15m" or "2h".');
    });

    it("refuses a sign unless asked, and says how to write a span back in time when asked", () => {
      expect(() => parseDuration("-5m", "Timeout", {}, { long: true })).toThrow(DeployError);
      expect(() => parseDuration("-0", "Timeout")).toThrow(DeployError);
      const error = deployErrorFrom(() => parseDuration("2 years", "Span", {}, { long: true, signed: true }));
      expect(error.fix).toBe(
        'Write a number followed by s, m, h, d or y (365 days), like "90s", "30d" or "2y", or "-2y" for a span back in time.',
      );
    });
  });

  describe("bounds", () => {
    it("accepts values within bounds given as text or milliseconds", () => {
      expect(parseDuration("1m", "d", { min: "1m", max: 3_600_000 })).toBe(60_000);
      expect(parseDuration("1h", "d", { min: 0, max: "1h" })).toBe(3_600_000);
    });

    it("rejects a value below min, writing the range as durations", () => {
      const error = deployErrorFrom(() => parseDuration("30s", "Timeout", { min: "1m", max: "6h" }));
      expect(error.what).toBe("Timeout is out of range.");
      expect(error.why).toBe('Got "30s".');
      expect(error.fix).toBe("Write a duration from 1m to 6h.");
    });

    it("rejects a value above max", () => {
      expect(deployErrorFrom(() => parseDuration("7h", "Timeout", { max: "6h" })).fix).toBe(
        "Write a duration of at most 6h.",
      );
    });

    it("words a lower bound alone", () => {
      expect(deployErrorFrom(() => parseDuration("0", "Timeout", { min: 1000 })).fix).toBe(
        "Write a duration of at least 1s.",
      );
    });
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [-20, "0s"],
    [250, "250ms"],
    [1000, "1s"],
    [1499, "1s"],
    [1500, "2s"],
    [59_600, "1m"],
    [90_000, "1m 30s"],
    [3_600_000, "1h"],
    [5_400_000, "1h 30m"],
    [3_661_000, "1h 1m 1s"],
    [26 * 3_600_000, "26h"],
  ])("writes %i ms as %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("writes what parseDuration reads back", () => {
    for (const ms of [1000, 90_000, 5_400_000, 3_661_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
