import { type Bounds, checkBounds, invalidValue, type Subject, subjectOf } from "./invalid.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Units come in order (h, m, s), each at most once, so a duration reads one way only;
// "1h 30m" is allowed because formatDuration writes it. A bare "0" needs no unit.
const DURATION = /^0$|^(?:(\d+)h)? ?(?:(\d+)m)? ?(?:(\d+)s)?$/;

const DURATION_FIX = 'Write a number followed by s, m or h, like "90s", "15m" or "2h".';

/** Milliseconds, or the way a user writes a duration (`"15m"`); bounds accept either. */
export type Duration = number | string;

/**
 * Parses `90s`, `15m`, `2h`, `1h30m`, `1h 30m` or `0` into milliseconds. Used for inputs
 * and for durations read from files; `about` names the value in the error.
 */
export function parseDuration(
  text: string,
  about: string | Subject = "Duration",
  bounds: Bounds<Duration> = {},
): number {
  const subject = subjectOf(about);
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (!match || trimmed === "") throw invalidValue(subject, trimmed, "is not a valid duration", DURATION_FIX);
  const [, hours = "0", minutes = "0", seconds = "0"] = match;
  const ms = Number(hours) * HOUR + Number(minutes) * MINUTE + Number(seconds) * SECOND;
  return checkBounds(
    ms,
    trimmed,
    subject,
    { min: toMs(bounds.min), max: toMs(bounds.max) },
    "a duration",
    formatDuration,
  );
}

function toMs(duration: Duration | undefined): number | undefined {
  return typeof duration === "string" ? parseDuration(duration) : duration;
}

/**
 * `90_000` → `1m 30s`, for messages and summaries. Under a second it writes `250ms`;
 * above, whole seconds are precise enough. Negative spans (clock skew) read as `0s`.
 */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded <= 0) return "0s";
  if (rounded < SECOND) return `${rounded}ms`;
  const total = Math.round(rounded / SECOND);
  const parts = [
    [Math.floor(total / 3600), "h"],
    [Math.floor((total % 3600) / 60), "m"],
    [total % 60, "s"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(" ");
}
