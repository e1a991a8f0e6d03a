import { type Bounds, checkBounds, invalidValue, type Subject, subjectOf } from "./invalid.ts";

/**
 * Checks a parsed value. Returns nothing when it is fine, or a sentence telling the user
 * how to write a valid one; that sentence becomes the error's `fix`.
 */
export type Validator<T> = (value: T) => string | undefined;

/** Applies `validate`, failing with `<label> <problem>.` and the validator's sentence. */
export function validated<T>(
  value: T,
  got: string,
  about: Subject,
  validate: Validator<T> | undefined,
  problem = "is not valid",
): T {
  const fix = validate?.(value);
  if (fix !== undefined) throw invalidValue(about, got, problem, fix);
  return value;
}

// Wider than YAML 1.2's true/false because workflow authors also write yes/no and on/off.
// A Map, not an object, so that "constructor" is not found on a prototype.
const BOOLEANS = new Map([
  ["true", true],
  ["yes", true],
  ["on", true],
  ["false", false],
  ["no", false],
  ["off", false],
]);

export function parseBoolean(text: string, about: string | Subject): boolean {
  const trimmed = text.trim();
  const value = BOOLEANS.get(trimmed.toLowerCase());
  if (value === undefined) throw invalidValue(subjectOf(about), trimmed, "is not a boolean", "Write true or false.");
  return value;
}

export function parseInteger(text: string, about: string | Subject, bounds: Bounds<number> = {}): number {
  return wholeNumber(text.trim(), subjectOf(about), bounds, "is not a whole number", 'Write a whole number, like "3".');
}

/** `90` or `90%`, from 0 to 100 unless `bounds` say otherwise (AWS's max healthy goes to 200). */
export function parsePercentage(text: string, about: string | Subject, bounds: Bounds<number> = {}): number {
  const trimmed = text.trim();
  const { min = 0, max = 100 } = bounds;
  return wholeNumber(
    trimmed.replace(/%$/, ""),
    subjectOf(about),
    { min, max },
    "is not a percentage",
    'Write a whole number followed by an optional %, like "90" or "90%".',
    trimmed,
  );
}

function wholeNumber(
  digits: string,
  about: Subject,
  bounds: Bounds<number>,
  problem: string,
  fix: string,
  got = digits,
): number {
  const value = Number(digits);
  if (!/^[+-]?\d+$/.test(digits) || !Number.isSafeInteger(value)) throw invalidValue(about, got, problem, fix);
  return checkBounds(value, got, about, bounds, "a whole number");
}

/** Newline- or comma-separated items, trimmed, empty ones dropped; `validate` checks each item. */
export function parseList(text: string, about: string | Subject, validate?: Validator<string>): string[] {
  const subject = subjectOf(about);
  return text
    .split(/[\r\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item) => validated(item, item, subject, validate, "has an invalid item"));
}

// The names a shell accepts for environment variables, which is where these values end up.
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `KEY=VALUE` lines. Blank lines and `#` comments are skipped; a value may contain `=`;
 * keys and values are trimmed. A key set twice is an error rather than a silent override.
 * Keys are shell variable names unless `key` checks them instead (tag keys, say).
 */
export function parseKeyValues(
  text: string,
  about: string | Subject,
  options: { key?: Validator<string> } = {},
): Record<string, string> {
  const subject = subjectOf(about);
  const lineOfKey = new Map<string, number>();
  const entries: [string, string][] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const equals = line.indexOf("=");
    if (equals < 0) {
      throw invalidValue(
        subject,
        line,
        "has a line that is not KEY=VALUE",
        'Write one KEY=VALUE per line, like "LOG_LEVEL=debug".',
      );
    }
    const key = line.slice(0, equals).trim();
    const fix = options.key
      ? options.key(key)
      : KEY.test(key)
        ? undefined
        : 'Start a key with a letter or _, then use letters, digits and _ only, like "LOG_LEVEL".';
    if (fix !== undefined) throw invalidValue(subject, line, "has an invalid key", fix);
    const earlier = lineOfKey.get(key);
    if (earlier !== undefined) {
      throw invalidValue(
        subject,
        line,
        `sets "${key}" twice, on lines ${earlier} and ${index + 1}`,
        `Keep one line for "${key}".`,
      );
    }
    lineOfKey.set(key, index + 1);
    entries.push([key, line.slice(equals + 1).trim()]);
  });
  return Object.fromEntries(entries);
}

export function parseJson<T = unknown>(text: string, about: string | Subject, validate?: Validator<unknown>): T {
  const subject = subjectOf(about);
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    const fix = 'Write valid JSON: double-quoted keys and strings, no trailing commas, like {"key": "value"}.';
    throw invalidValue(subject, trimmed, "is not valid JSON", fix, `${(error as Error).message}.`);
  }
  return validated(value, trimmed, subject, validate) as T;
}

export function parseOneOf<const V extends string>(text: string, about: string | Subject, allowed: readonly V[]): V {
  const trimmed = text.trim();
  if ((allowed as readonly string[]).includes(trimmed)) return trimmed as V;
  const choices = allowed.map((value) => `"${value}"`).join(", ");
  throw invalidValue(subjectOf(about), trimmed, "is not one of the allowed values", `Write one of ${choices}.`);
}
