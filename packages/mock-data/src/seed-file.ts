import { DeployError } from "@deploy/core";
import { parseDocument } from "yaml";
import { FAKER_LOCALES } from "./faker-data.ts";
import { COLUMN_KINDS, COLUMN_OPTIONS, JSON_FIELD_KEYS, KIND_KEYS, NAME_FIX, parseColumns } from "./seed-columns.ts";
import { parseIsoDate } from "./seed-dates.ts";
import { Field, IDENTIFIER } from "./seed-fields.ts";

/**
 * The value generator's version. Every value is a function of (seed, generator version,
 * table, row, column): a suite that changes how any value is made bumps this, and keeps
 * making the old bytes for seed files pinned to the old version, or refuses them.
 */
export const GENERATOR_VERSION = 1;

/** The seed file format's version (`version: 1`): the keys and what they mean. */
export const SEED_FILE_VERSION = 1;

export type Scalar = string | number | boolean | null;

export interface SeedFile {
  version: 1;
  seed: number;
  generator: number;
  locales: string[];
  referenceDate: Date;
  /** In file order; the plan computes the order they are loaded in. */
  tables: TableSpec[];
}

export interface TableSpec {
  name: string;
  /** Rows, or rows per row of the parent table `per` (from `min` to `max`). */
  count: number | { per: string; min: number; max: number };
  /** In file order. */
  columns: ColumnSpec[];
}

export interface ColumnSpec {
  name: string;
  /** The probability of NULL, 0 to 1. */
  nullRate: number;
  unique: boolean;
  value: ValueSpec;
}

export type ValueSpec =
  | { kind: "faker"; method: string }
  /** `enum` is read as one-of with equal weights. */
  | { kind: "one-of"; choices: { value: Scalar; weight: number }[] }
  | { kind: "number"; min: number; max: number; decimals: number }
  /** Relative bounds (`-2y`) are already resolved against the reference date. */
  | { kind: "date"; from: Date; to: Date; format: "timestamp" | "date" }
  | { kind: "date-after"; column: string; withinMs: number; format: "timestamp" | "date" }
  | { kind: "sequence"; start: number; step: number }
  | { kind: "uuid" }
  | { kind: "json"; fields: { name: string; nullRate: number; value: ValueSpec }[] }
  | { kind: "ref"; table: string; column: string }
  | { kind: "parent"; column: string }
  | { kind: "value"; value: Scalar };

/**
 * The keys the parser accepts at each level. seed.schema.json must list the same ones (a
 * test compares them), so that the editor and the action never disagree about a file.
 */
export const SEED_FILE_KEYS = {
  file: ["version", "seed", "generator", "locales", "reference-date", "tables"],
  table: ["count", "columns"],
  count: ["per", "min", "max"],
  column: [...COLUMN_OPTIONS, ...COLUMN_KINDS],
  jsonField: JSON_FIELD_KEYS,
  ...KIND_KEYS,
} as const;

const DEFAULT_LOCALES = ["en"];

const TABLES_FIX =
  "Write the tables as a mapping of table name to {count, columns}, like {users: {count: 100, columns: {...}}}.";

/**
 * Parses and validates a seed file. Every problem is a DeployError naming the path
 * (`tables.users.columns.email.faker`), the value found there, and how to fix it; unknown keys
 * are errors, because a misspelt option silently ignored would give other data than asked for.
 * Checks that need the whole graph (refs, parents, cycles, what can be unique) are the plan's.
 */
export function parseSeedFile(text: string, source = "the seed file"): SeedFile {
  const root = new Field(readYaml(text, source), "", source);
  const keys = root.entries(SEED_FILE_KEYS.file, "Start the file with version: 1, seed, generator and tables.");
  const version = keys.need("version", "Write version: 1.").integer("Write version: 1.");
  if (version !== SEED_FILE_VERSION)
    throw keys.get("version")?.fail("is not a seed file format this suite reads", "Write version: 1.");
  const referenceDate = parseIsoDate(
    keys.need(
      "reference-date",
      'Add reference-date, the "now" of relative dates, like reference-date: 2026-01-01T00:00:00Z.',
    ),
  );
  return {
    version: SEED_FILE_VERSION,
    seed: keys.need("seed", "Add seed: any whole number, like seed: 1.").integer("Write a whole number, like seed: 1."),
    generator: generator(keys.need("generator", `Add generator: ${GENERATOR_VERSION} to pin how values are made.`)),
    locales: locales(keys.get("locales")),
    referenceDate,
    tables: tables(keys.need("tables", TABLES_FIX), referenceDate),
  };
}

function readYaml(text: string, source: string): unknown {
  // Maps keep their keys' YAML types, so that one-of {1: 50, true: 10} weighs 1 and true, not "1" and "true".
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    throw new DeployError({
      what: `${source} is not valid YAML.`,
      why: error.message,
      fix: "Fix the YAML at the line shown; a key set twice is an error too.",
      code: "InvalidValue",
    });
  }
  return document.toJS({ mapAsMap: true });
}

function generator(field: Field): number {
  const fix = `Write generator: ${GENERATOR_VERSION}.`;
  const version = field.integer(fix);
  if (version > GENERATOR_VERSION) {
    throw field.fail(
      `is newer than this suite's generator (${GENERATOR_VERSION})`,
      `Use a release of seed-mock-data that has generator ${version}, or write generator: ${GENERATOR_VERSION} (other data).`,
    );
  }
  if (version !== GENERATOR_VERSION) throw field.fail("is not a generator this suite has", fix);
  return version;
}

function locales(field: Field | undefined): string[] {
  if (!field) return DEFAULT_LOCALES;
  const fix = "Write faker locales as a list, first wins, like [de, en] or [en_GB, en].";
  const names = field.list(fix).map((item) => item.oneOf(FAKER_LOCALES, "is not one of faker's locales", fix));
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw field.fail(`lists "${twice}" twice`, "List each locale once.");
  return names;
}

function tables(field: Field, referenceDate: Date): TableSpec[] {
  const specs = [...field.entries(undefined, TABLES_FIX)].map(([name, table]): TableSpec => {
    if (!IDENTIFIER.test(name))
      throw table.fail(`has a table name "${name}" PostgreSQL cannot take unquoted`, NAME_FIX);
    const keys = table.entries(SEED_FILE_KEYS.table, "Write a table as {count, columns}.");
    const count = rowCount(keys.need("count", COUNT_FIX));
    const columns = keys.need("columns", "Add columns: a mapping of column name to how its values are made.");
    return { name, count, columns: parseColumns(columns, referenceDate) };
  });
  if (specs.length === 0) throw field.fail("has no tables", TABLES_FIX);
  return specs;
}

const COUNT_FIX = "Write count: 1000 for a number of rows, or count: {per: users, min: 0, max: 10} per parent row.";

function rowCount(field: Field): TableSpec["count"] {
  if (!(field.value instanceof Map)) return field.integer(COUNT_FIX, 0);
  const keys = field.entries(SEED_FILE_KEYS.count, COUNT_FIX);
  const perField = keys.need("per", COUNT_FIX);
  const per = perField.text(COUNT_FIX);
  if (!IDENTIFIER.test(per)) throw perField.fail("is not a table name", COUNT_FIX);
  const min = keys.need("min", COUNT_FIX).integer(COUNT_FIX, 0);
  const max = keys.need("max", COUNT_FIX).integer(COUNT_FIX, 0);
  if (min > max) throw field.fail("has min above max", COUNT_FIX);
  return { per, min, max };
}
