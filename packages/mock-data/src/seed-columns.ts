import { FAKER_METHODS } from "./faker-data.ts";
import { parsePointInTime, parseSpan } from "./seed-dates.ts";
import { Entries, type Field, IDENTIFIER } from "./seed-fields.ts";
import type { ColumnSpec, Scalar, ValueSpec } from "./seed-file.ts";

/** How a column's values are made: exactly one of these keys per column. */
export const COLUMN_KINDS = [
  "faker",
  "one-of",
  "enum",
  "number",
  "date",
  "sequence",
  "uuid",
  "json",
  "ref",
  "parent",
  "value",
] as const;

/** Options any column may have besides its kind. */
export const COLUMN_OPTIONS = ["null-rate", "unique"] as const;

/** Keys of the kinds that take a mapping of their own. */
export const KIND_KEYS = {
  number: ["min", "max", "decimals"],
  date: ["from", "to", "after", "within", "format"],
  sequence: ["start", "step"],
} as const;

// A JSON field is a value inside one row's object: it has no identity to be unique, and
// pointing at other rows or columns from inside a document is not something tables need.
export const JSON_FIELD_KEYS = ["null-rate", ...COLUMN_KINDS.filter((kind) => kind !== "ref" && kind !== "parent")];

const KIND_LIST = COLUMN_KINDS.map((kind) => `"${kind}"`).join(", ");
const DATE_FORMATS = ["timestamp", "date"] as const;

/** What a column spec is read against: the file's reference date, and whether it sits in JSON. */
interface Scope {
  referenceDate: Date;
  inJson: boolean;
}

/**
 * A table's `columns` mapping, in file order. Whether `date: {after}`, `ref` and `parent` name
 * columns that exist is the plan's to check: it sees every table.
 */
export function parseColumns(field: Field, referenceDate: Date): ColumnSpec[] {
  const fix = "Write the columns as a mapping of column name to how its values are made, like {id: {uuid: {}}}.";
  const columns = [...field.entries(undefined, fix)].map(([name, column]) => {
    if (!IDENTIFIER.test(name))
      throw column.fail(`has a column name "${name}" PostgreSQL cannot take unquoted`, NAME_FIX);
    return { name, ...parseColumn(column, { referenceDate, inJson: false }) };
  });
  if (columns.length === 0) throw field.fail("has no columns", fix);
  return columns;
}

export const NAME_FIX = "Start a name with a letter or _, then use letters, digits and _ only, at most 63 of them.";

function parseColumn(field: Field, scope: Scope): Omit<ColumnSpec, "name"> {
  const keys = scope.inJson ? JSON_FIELD_KEYS : [...COLUMN_OPTIONS, ...COLUMN_KINDS];
  const entries = field.entries(
    keys,
    `Write how the values are made with one of ${KIND_LIST}, like {faker: person.firstName}.`,
  );
  const kinds = [...entries.keys()].filter((key) => (COLUMN_KINDS as readonly string[]).includes(key));
  if (kinds.length !== 1) {
    const problem = kinds.length === 0 ? "says not how its values are made" : `has ${kinds.length} kinds of value`;
    throw field.fail(problem, `Give exactly one of ${KIND_LIST}, like {faker: person.firstName}.`);
  }
  const kind = kinds[0] as (typeof COLUMN_KINDS)[number];
  const nullRate = entries.get("null-rate");
  const unique = entries.get("unique");
  return {
    nullRate: nullRate ? nullRate.number("Write the share of NULLs from 0 to 1, like 0.1 for 10%.", 0, 1) : 0,
    unique: unique ? unique.boolean("Write unique: true, or leave it out.") : false,
    value: parseValue(kind, entries.get(kind) as Field, scope),
  };
}

function parseValue(kind: (typeof COLUMN_KINDS)[number], field: Field, scope: Scope): ValueSpec {
  switch (kind) {
    case "faker":
      return { kind, method: fakerMethod(field) };
    case "one-of":
      return { kind, choices: choices(field) };
    case "enum":
      return { kind: "one-of", choices: enumLabels(field) };
    case "number":
      return number(field);
    case "date":
      return date(field, scope);
    case "sequence":
      return sequence(field);
    case "uuid":
      options(field, [], "Write uuid: {}.");
      return { kind };
    case "json":
      return json(field, scope);
    case "ref":
      return ref(field);
    case "parent":
      return { kind, column: identifier(field, "Write the parent table's column, like parent: id.") };
    case "value":
      return { kind, value: scalar(field, "Write one value, like value: null or value: 0; for objects use json.") };
  }
}

function fakerMethod(field: Field): string {
  const fix = 'Write one of the faker methods listed in the README of @deploy/mock-data, like "person.fullName".';
  return field.oneOf(FAKER_METHODS, "is not a faker method the generator supports", fix);
}

const CHOICES_FIX = "Write a list like [light, dark], or values with weights like {free: 70, pro: 25, enterprise: 5}.";

function choices(field: Field): { value: Scalar; weight: number }[] {
  if (Array.isArray(field.value))
    return distinct(
      field.list(CHOICES_FIX).map((item) => scalar(item, CHOICES_FIX)),
      field,
    );
  if (!(field.value instanceof Map) || field.value.size === 0)
    throw field.fail("is not a list or weights", CHOICES_FIX);
  const fix = "Give each value a weight above 0; weights are relative, like {free: 70, pro: 30}.";
  return [...field.value].map(([value, weight]) => {
    const item = field.at(String(value), weight);
    if (item.number(fix) <= 0) throw item.fail("is not above 0", fix);
    return { value: scalar(field.at(String(value), value), CHOICES_FIX), weight: weight as number };
  });
}

function enumLabels(field: Field): { value: Scalar; weight: number }[] {
  const fix = "Write the enum type's labels as a list, like [active, suspended].";
  return distinct(
    field.list(fix).map((item) => item.text(fix)),
    field,
  );
}

/** Equal weights; a value listed twice would quietly double its weight, so it is an error. */
function distinct(values: Scalar[], field: Field): { value: Scalar; weight: number }[] {
  const twice = values.find((value, index) => values.indexOf(value) !== index);
  if (twice !== undefined) {
    throw field.fail(`lists ${JSON.stringify(twice)} twice`, "List each value once; for more of one, give weights.");
  }
  return values.map((value) => ({ value, weight: 1 }));
}

function scalar(field: Field, fix: string): Scalar {
  const { value } = field;
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as Scalar;
  throw field.fail("is not a single value", fix);
}

function number(field: Field): ValueSpec {
  const fix = "Write number: {min: 0, max: 100, decimals: 2}; decimals is from 0 to 10 and 0 if left out.";
  const keys = options(field, KIND_KEYS.number, fix);
  const min = keys.need("min", fix).number(fix);
  const max = keys.need("max", fix).number(fix);
  const decimals = keys.get("decimals")?.integer(fix, 0, 10) ?? 0;
  if (min > max) throw field.fail("has min above max", fix);
  return { kind: "number", min, max, decimals };
}

function date(field: Field, scope: Scope): ValueSpec {
  const rangeFix = 'Write date: {from: -2y, to: 0d}, with ISO dates like "2024-01-31" or spans from reference-date.';
  const afterFix = "Write date: {after: placed_at, within: 7d} for a date up to 7 days after another date column.";
  const keys = options(field, KIND_KEYS.date, `${rangeFix} Or ${afterFix[0]?.toLowerCase()}${afterFix.slice(1)}`);
  const formatField = keys.get("format");
  const format = formatField
    ? oneOf(formatField, DATE_FORMATS, "Write format: timestamp, or format: date.")
    : "timestamp";
  if (keys.has("after")) {
    if (scope.inJson) throw field.fail("follows another column inside json", "Use {from, to} inside json.");
    for (const key of ["from", "to"]) if (keys.has(key)) throw field.fail(`has both after and ${key}`, afterFix);
    const column = identifier(keys.get("after") as Field, afterFix);
    const within = keys.need("within", afterFix);
    const withinMs = parseSpan(within, within.text(afterFix), { signed: false });
    if (withinMs <= 0) throw within.fail("is not above 0", afterFix);
    return { kind: "date-after", column, withinMs, format };
  }
  if (keys.has("within")) throw field.fail("has within without after", afterFix);
  const from = parsePointInTime(keys.need("from", rangeFix), scope.referenceDate);
  const to = parsePointInTime(keys.need("to", rangeFix), scope.referenceDate);
  if (from > to) throw field.fail(`starts after it ends (${from.toISOString()} > ${to.toISOString()})`, rangeFix);
  return { kind: "date", from, to, format };
}

function sequence(field: Field): ValueSpec {
  const fix = "Write sequence: {start: 1, step: 1}; both are whole numbers, 1 if left out, and step is not 0.";
  const keys = options(field, KIND_KEYS.sequence, fix);
  const start = keys.get("start")?.integer(fix) ?? 1;
  const step = keys.get("step")?.integer(fix) ?? 1;
  if (step === 0) throw keys.get("step")?.fail("is 0, which repeats one value", fix);
  return { kind: "sequence", start, step };
}

function json(field: Field, scope: Scope): ValueSpec {
  const fix = "Write the object's fields like {theme: {one-of: [light, dark]}, beta: {value: false}}.";
  const fields = [...field.entries(undefined, fix)].map(([name, spec]) => {
    const { nullRate, value } = parseColumn(spec, { ...scope, inJson: true });
    return { name, nullRate, value };
  });
  if (fields.length === 0) throw field.fail("has no fields", fix);
  return { kind: "json", fields };
}

function ref(field: Field): ValueSpec {
  const fix = "Write the table and column the value points to, like ref: orders.id.";
  const [table = "", column = "", ...rest] = field.text(fix).split(".");
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column) || rest.length > 0)
    throw field.fail("is not table.column", fix);
  return { kind: "ref", table, column };
}

/** A kind's mapping of options; YAML's `uuid:` with nothing after it means no options. */
function options(field: Field, keys: readonly string[], fix: string): Entries {
  return field.value === null ? new Entries(field) : field.entries(keys, fix);
}

function identifier(field: Field, fix: string): string {
  const name = field.text(fix);
  if (!IDENTIFIER.test(name)) throw field.fail("is not a column name", fix);
  return name;
}

function oneOf<const V extends string>(field: Field, allowed: readonly V[], fix: string): V {
  if ((allowed as readonly unknown[]).includes(field.value)) return field.value as V;
  throw field.fail("is not one of the allowed values", fix);
}
