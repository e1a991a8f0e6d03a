import { DeployError, invalidValue, type Subject } from "@deploy/core";

/** A YAML mapping as the parser reads it: keys keep their YAML type (`true`, `1`, `null`). */
export type YamlMap = Map<unknown, unknown>;

/**
 * A value read from a seed file together with where it is (`tables.users.columns.email`),
 * so that every error names the place to fix, the value found there and how to write it.
 */
export class Field {
  readonly value: unknown;
  readonly path: string;
  readonly source: string;

  constructor(value: unknown, path: string, source: string) {
    this.value = value;
    this.path = path;
    this.source = source;
  }

  /** How messages name the field: `"tables.users.count" in shop.yaml`, or the file itself. */
  get subject(): Subject {
    return { label: this.path === "" ? this.source : `"${this.path}" in ${this.source}` };
  }

  /** The field at `key` of this mapping, or at index `key` of this list. */
  at(key: string | number, value: unknown): Field {
    const path = typeof key === "number" ? `${this.path}[${key}]` : this.path === "" ? key : `${this.path}.${key}`;
    return new Field(value, path, this.source);
  }

  fail(problem: string, fix: string): DeployError {
    return invalidValue(this.subject, show(this.value), problem, fix);
  }

  /** The field's mapping; every key must be in `keys` (a typo is an error, never ignored). */
  entries(keys: readonly string[] | undefined, fix: string): Entries {
    if (!(this.value instanceof Map)) throw this.fail("is not a mapping", fix);
    const fields = new Entries(this);
    for (const [key, value] of this.value) {
      if (typeof key !== "string") throw this.at(String(key), value).fail("has a key that is not text", fix);
      if (keys && !keys.includes(key)) throw this.unknownKey(key, keys, fix);
      fields.set(key, this.at(key, value));
    }
    return fields;
  }

  /** The error for a key this mapping does not have, with the nearest allowed one as a hint. */
  private unknownKey(key: string, keys: readonly string[], fix: string): DeployError {
    const problem = `has an unknown key "${key}"`;
    if (keys.length === 0) return invalidValue(this.subject, key, problem, fix);
    const allowed = keys.map((k) => `"${k}"`).join(", ");
    return invalidValue(this.subject, key, problem, didYouMean(key, keys, `The keys here are ${allowed}.`));
  }

  /** The error for a key the mapping must have. */
  missing(key: string, fix: string): DeployError {
    return new DeployError({ what: `${this.subject.label} has no "${key}".`, fix, code: "InvalidValue" });
  }

  text(fix: string): string {
    if (typeof this.value !== "string" || this.value.trim() === "") throw this.fail("is not text", fix);
    return this.value;
  }

  number(fix: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
    if (typeof this.value !== "number" || !Number.isFinite(this.value)) throw this.fail("is not a number", fix);
    if (this.value < min || this.value > max) throw this.fail("is out of range", fix);
    return this.value;
  }

  integer(fix: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    // Past 2^53 YAML has already rounded the number, so the file would not mean what it says.
    if (!Number.isSafeInteger(this.value)) throw this.fail("is not a whole number", fix);
    return this.number(fix, min, max);
  }

  /** Text that must be one of `words`; the error suggests the nearest one. */
  oneOf(words: readonly string[], problem: string, fix: string): string {
    const text = this.text(fix);
    if (words.includes(text)) return text;
    throw this.fail(problem, didYouMean(text, words, fix));
  }

  boolean(fix: string): boolean {
    if (typeof this.value !== "boolean") throw this.fail("is not true or false", fix);
    return this.value;
  }

  list(fix: string): Field[] {
    if (!Array.isArray(this.value) || this.value.length === 0) throw this.fail("is not a list of items", fix);
    return this.value.map((item, index) => this.at(index, item));
  }
}

/** The fields of a mapping, in file order, by key. */
export class Entries extends Map<string, Field> {
  private readonly owner: Field;

  constructor(owner: Field) {
    super();
    this.owner = owner;
  }

  /** The field at a key the mapping must have. */
  need(key: string, fix: string): Field {
    const field = this.get(key);
    if (!field) throw this.owner.missing(key, fix);
    return field;
  }
}

/** A table, column or enum name as PostgreSQL takes it unquoted, at most 63 bytes (longer is cut). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The value as the user wrote it, in one line: scalars as text, collections as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return value;
  const json = JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v)) ?? "";
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** `fix`, led by the allowed word nearest to `word` when one is close enough to be what was meant. */
function didYouMean(word: string, words: readonly string[], fix: string): string {
  const hint = nearest(word, words);
  return hint === undefined ? fix : `Did you mean "${hint}"? ${fix}`;
}

/** The allowed word closest to a typo, when it is close enough to be what was meant. */
function nearest(word: string, words: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of words) {
    const [a, b] = [word.toLowerCase(), candidate.toLowerCase()];
    // "maximum" for "max" is far in letters but plainly meant.
    const distance = a.startsWith(b) || b.startsWith(a) ? 1 : editDistance(a, b);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance: the fewest one-letter edits that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
