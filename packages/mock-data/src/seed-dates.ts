import { isDeployError, parseDuration } from "@deploy/core";
import type { Field } from "./seed-fields.ts";

// A time must carry its zone: without one JavaScript reads it in the runner's zone, and the
// same seed file would give other data on another machine. A date alone is midnight UTC.
const ISO = /^(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const DATE_FIX = 'Write a date like "2024-01-31", or a time with its zone like "2024-01-31T12:00:00Z".';
const POINT_FIX = `${DATE_FIX.slice(0, -1)}, or a span from reference-date like "-2y", "-30d" or "0d".`;

// PostgreSQL's timestamp reaches further, but four-digit years are what ISO text and most
// client libraries read back without surprises.
const EARLIEST = Date.parse("0001-01-01T00:00:00Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/** An ISO date or time, checked for real calendar dates (no 2026-02-30) and an explicit zone. */
export function parseIsoDate(field: Field, fix = DATE_FIX): Date {
  const text = typeof field.value === "string" ? field.value.trim() : "";
  const match = ISO.exec(text);
  if (!match) throw field.fail("is not a date", fix);
  const [, day = "", time = "T00:00:00Z"] = match;
  // Date.parse rolls 2026-02-30 over to March and takes 24:00, so the parts are checked here.
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const [, hours, minutes, seconds = "0"] = /^.(\d{2}):(\d{2})(?::(\d{2}))?/.exec(time) ?? [];
  const realDay = new Date(midnight).toISOString().startsWith(day);
  const realTime = Number(hours) < 24 && Number(minutes) < 60 && Number(seconds) < 60;
  if (!realDay || !realTime) throw field.fail("is not a date on the calendar", fix);
  return new Date(Date.parse(`${day}${time.replace(" ", "T")}`));
}

/**
 * A point in time for a date range: an ISO date, or a span (`-2y`, `0d`) from the seed file's
 * reference date, so that the data does not move with the clock.
 */
export function parsePointInTime(field: Field, referenceDate: Date): Date {
  const { value } = field;
  // YAML reads an unquoted 0 as a number; it is the one span that needs no unit.
  const text = value === 0 ? "0" : typeof value === "string" ? value.trim() : undefined;
  if (text === undefined) throw field.fail("is not a date or a span", POINT_FIX);
  const date = ISO.test(text) ? parseIsoDate(field, POINT_FIX) : new Date(referenceDate.getTime() + span(field, text));
  const time = date.getTime();
  if (!(time >= EARLIEST && time <= LATEST)) {
    throw field.fail("is outside the years 1 to 9999", "Write a date between 0001-01-01 and 9999-12-31.");
  }
  return date;
}

/** A span in milliseconds, like `7d`; `signed` allows `-2y`. The error names the field. */
export function parseSpan(field: Field, text: string, options: { signed: boolean }): number {
  return parseDuration(text, field.subject, {}, { long: true, signed: options.signed });
}

function span(field: Field, text: string): number {
  try {
    return parseSpan(field, text, { signed: true });
  } catch (error) {
    // The duration parser only knows durations; here a date would have done as well.
    if (isDeployError(error)) throw field.fail("is not a date or a span", POINT_FIX);
    throw error;
  }
}
