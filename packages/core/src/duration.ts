import { type Bounds, checkBounds, invalidValue, type Subject, subjectOf } from "./invalid.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A year of data is 365 days: a fixed length keeps a span the same whatever date it starts from.
const YEAR = 365 * DAY;

// Units come in order (y, d, h, m, s), each at most once, so a duration reads one way only;
// "1h 30m" is allowed because formatDuration writes it. A bare "0" needs no unit. The
// lookahead keeps a sign next to its number ("- 5m" is not a duration).
const DURATION = /^(-)?(?:0|(?=\d)(?:(\d+)y)? ?(?:(\d+)d)? ?(?:(\d+)h)? ?(?:(\d+)m)? ?(?:(\d+)s)?)$/;

/** Milliseconds, or the way a user writes a duration (`"15m"`); bounds accept either. */
export type Duration = number | string;

/** What a duration may be beyond the `90s`, `15m`, `2h` of timeouts. */
export interface DurationOptions {
  /** Days (`30d`) and years of 365 days (`2y`): spans of data, like "signed up in the last 2 years". */
  long?: boolean;
  /** A leading minus (`-2y`): a span back in time from a reference date. */
  signed?: boolean;
}

/**
 * Parses `90s`, `15m`, `2h`, `1h30m`, `1h 30m` or `0` into milliseconds (with `options`, also
 * `30d`, `2y` and `-2y`). Used for inputs and for durations read from files; `about` names the
 * value in the error.
 */
export function parseDuration(
  text: string,
  about: string | Subject = "Duration",
  bounds: Bounds<Duration> = {},
  options: DurationOptions = {},
): number {
  const subject = subjectOf(about);
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  const [, minus, years, days, hours = "0", minutes = "0", seconds = "0"] = match ?? [];
  const allowed = (!minus || options.signed) && ((!years && !days) || options.long);
  if (!match || !allowed) throw invalidValue(subject, trimmed, "is not a valid duration", durationFix(options));
  const span =
    Number(years ?? 0) * YEAR +
    Number(days ?? 0) * DAY +
    Number(hours) * HOUR +
    Number(minutes) * MINUTE +
    Number(seconds) * SECOND;
  const ms = minus && span > 0 ? -span : span; // "-0" is 0, not -0
  return checkBounds(
    ms,
    trimmed,
    subject,
    { min: toMs(bounds.min), max: toMs(bounds.max) },
    "a duration",
    formatDuration,
  );
}

function durationFix({ long, signed }: DurationOptions): string {
  if (!long) return 'Write a number followed by s, m or h, like "90s", "15m" or "2h".';
  const back = signed ? ', or "-2y" for a span back in time' : "";
  return `Write a number followed by s, m, h, d or y (365 days), like "90s", "30d" or "2y"${back}.`;
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
