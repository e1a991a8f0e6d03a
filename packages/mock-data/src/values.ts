// Column generators: each column of a planned seed becomes a pure function row → value. A value depends on
// (seed, generator version, table, column, row) only, through the column's key (random.ts). Columns that
// use other columns (a date after another, a ref, a parent's column) call those columns' functions for the
// row they need, so no table is ever held in memory and any row range can be generated on its own.
import { fakerValue } from "./faker-data.ts";
import type { PlannedTable, SeedPlan } from "./plan.ts";
import { Draw, type Key, keyOf, permute48 } from "./random.ts";
import type { ColumnSpec, Scalar, ValueSpec } from "./seed-file.ts";

/** A generated value. Dates are ISO text; a json column's value is JSON text (see `ColumnValues.json`). */
export type Cell = string | number | boolean | null;

export interface ColumnValues {
  readonly name: string;
  /** The cells are JSON text (a json column): NDJSON writes them as they are, not as strings. */
  readonly json: boolean;
  value(row: number): Cell;
  /** Date columns: the instant in milliseconds (null when the cell is NULL), for `date-after`. */
  time?(row: number): number | null;
}

export interface TableValues {
  readonly table: PlannedTable;
  /** The column's generator, compiled on first use. */
  column(name: string): ColumnValues;
}

const DAY_MS = 86_400_000;
const TWO_POW_32 = 0x100000000;

// One generator state for every value: a value's draws are taken in one go (set state, draw, return), and a
// column calls another column only before or after its own draws, never between them, so sharing is safe.
const draw = new Draw();

const compiled = new WeakMap<SeedPlan, Map<string, TableValues>>();

/** The value generators of a planned table (memoised per plan: compiling is cheap but not free). */
export function tableValues(plan: SeedPlan, table: string): TableValues {
  let tables = compiled.get(plan);
  if (tables === undefined) {
    tables = new Map();
    compiled.set(plan, tables);
  }
  let values = tables.get(table);
  if (values === undefined) {
    values = compileTable(plan, table);
    tables.set(table, values);
  }
  return values;
}

function compileTable(plan: SeedPlan, tableName: string): TableValues {
  const table = plan.tables.find((t) => t.name === tableName);
  const spec = plan.seed.tables.find((t) => t.name === tableName);
  if (table === undefined || spec === undefined) throw new Error(`No table ${tableName} in the seed plan.`);
  const columns = new Map<string, ColumnValues>();
  const values: TableValues = {
    table,
    column(name) {
      let column = columns.get(name);
      if (column === undefined) {
        const columnSpec = spec.columns.find((c) => c.name === name);
        if (columnSpec === undefined) throw new Error(`No column ${tableName}.${name} in the seed plan.`);
        column = compileColumn(plan, values, columnSpec);
        columns.set(name, column);
      }
      return column;
    },
  };
  return values;
}

/** The key of a column (or of a json field: `column` is then "column.field"). */
export function columnKey(plan: SeedPlan, table: string, column: string, purpose = "value"): Key {
  return keyOf(plan.seed.seed, plan.seed.generator, table, column, purpose);
}

function compileColumn(plan: SeedPlan, table: TableValues, spec: ColumnSpec): ColumnValues {
  const path = `tables.${table.table.name}.columns.${spec.name}`;
  const inner = compileValue(plan, table, spec.name, spec.value, spec.unique, path);
  // NULLs draw from a key of their own, so changing a column's null-rate keeps its non-null values.
  return withNulls(inner, spec.nullRate, columnKey(plan, table.table.name, spec.name, "null"));
}

function withNulls(inner: ColumnValues, nullRate: number, key: Key): ColumnValues {
  if (nullRate <= 0) return inner;
  const threshold = nullRate * TWO_POW_32;
  const isNull = (row: number) => draw.at(key, row).u32() < threshold;
  const time = inner.time;
  return {
    name: inner.name,
    json: inner.json,
    value: (row) => (isNull(row) ? null : inner.value(row)),
    time: time && ((row) => (isNull(row) ? null : time(row))),
  };
}

function compileValue(
  plan: SeedPlan,
  table: TableValues,
  name: string,
  spec: ValueSpec,
  unique: boolean,
  path: string,
): ColumnValues {
  const key = columnKey(plan, table.table.name, name);
  const plain = (value: (row: number) => Cell): ColumnValues => ({ name, json: false, value });
  switch (spec.kind) {
    case "faker": {
      const generate = fakerValue(spec.method, plan.seed.locales, `${path}.faker`);
      return plain((row) => generate(draw.at(key, row), row, unique));
    }
    case "one-of":
      return plain(weighted(spec.choices, key));
    case "number": {
      // Integers in units of the last decimal, so every value has at most `decimals` decimals.
      const scale = 10 ** spec.decimals;
      const low = Math.ceil(spec.min * scale);
      const span = Math.floor(spec.max * scale) - low + 1;
      return plain((row) => (low + draw.at(key, row).below(span)) / scale);
    }
    case "date": {
      const from = spec.from.getTime();
      const to = spec.to.getTime();
      const firstDay = Math.floor(from / DAY_MS);
      const days = Math.floor(to / DAY_MS) - firstDay + 1;
      const time =
        spec.format === "date"
          ? (row: number) => (firstDay + draw.at(key, row).below(days)) * DAY_MS
          : (row: number) => from + draw.at(key, row).below(to - from + 1);
      return dated(name, time, spec.format);
    }
    case "date-after": {
      const base = table.column(spec.column);
      const baseTime = base.time;
      if (baseTime === undefined) throw new Error(`${path}: ${spec.column} is not a date column.`); // planSeed checks
      const within = spec.withinMs;
      // Strictly after the other column, by at most `within`: (base, base + within].
      const time = (row: number) => {
        const after = baseTime(row);
        return after === null ? null : after + 1 + draw.at(key, row).below(within);
      };
      return dated(name, time, spec.format);
    }
    case "sequence":
      return plain((row) => spec.start + row * spec.step);
    case "uuid":
      return plain((row) => uuid(key, row));
    case "json":
      return { name, json: true, value: jsonObject(plan, table, name, spec.fields, path) };
    case "ref": {
      const target = tableValues(plan, spec.table);
      const parents = target.table.rows;
      const targetColumn = target.column(spec.column);
      return { name, json: targetColumn.json, value: (row) => targetColumn.value(draw.at(key, row).below(parents)) };
    }
    case "parent": {
      const per = table.table.per;
      if (per === undefined) throw new Error(`${path}: the table has no parent.`); // planSeed checks
      const parentColumn = tableValues(plan, per.table).column(spec.column);
      const parentOf = parentRow(per.offsets);
      return { name, json: parentColumn.json, value: (row) => parentColumn.value(parentOf(row)) };
    }
    case "value": {
      const value = spec.value;
      return plain(() => value);
    }
  }
}

/** A weighted choice: a uniform draw over the cumulative weights, found by binary search. */
function weighted(choices: readonly { value: Scalar; weight: number }[], key: Key): (row: number) => Cell {
  const values = choices.map((c) => c.value);
  const cumulative = new Float64Array(choices.length);
  let total = 0;
  choices.forEach((choice, i) => {
    total += choice.weight;
    cumulative[i] = total;
  });
  const last = choices.length - 1;
  return (row) => {
    const target = (draw.at(key, row).u32() / TWO_POW_32) * total;
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return values[low] as Cell;
  };
}

function dated(name: string, time: (row: number) => number | null, format: "timestamp" | "date"): ColumnValues {
  const text = format === "date" ? isoDate : isoTimestamp;
  return {
    name,
    json: false,
    time,
    value: (row) => {
      const ms = time(row);
      return ms === null ? null : text(ms);
    },
  };
}

/** The years civilDate writes as Date does (0000-9999); Date writes others as +/-YYYYYY. */
const MIN_CIVIL_MS = -62167219200000;
const MAX_CIVIL_MS = 253402300799999;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * UTC, millisecond precision, with Z (PostgreSQL reads it as timestamptz, and as timestamp ignoring the zone):
 * the same text as Date's toISOString for years 0-9999, at a fraction of its cost, which was the largest
 * single cost of a row.
 */
export function isoTimestamp(ms: number): string {
  if (ms < MIN_CIVIL_MS || ms > MAX_CIVIL_MS) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${civilDate(days)}T${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}.${PAD3[millis]}Z`;
}

export function isoDate(ms: number): string {
  if (ms < MIN_CIVIL_MS || ms > MAX_CIVIL_MS) return new Date(ms).toISOString().slice(0, 10);
  return civilDate(Math.floor(ms / DAY_MS));
}

/** YYYY-MM-DD of days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's civil_from_days), years 0-9999. */
function civilDate(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${PAD2[Math.floor(year / 100)]}${PAD2[year % 100]}-${PAD2[month]}-${PAD2[day]}`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex32(n: number): string {
  return HEX[n >>> 24] + (HEX[(n >>> 16) & 0xff] as string) + HEX[(n >>> 8) & 0xff] + HEX[n & 0xff];
}

/**
 * A version 4 UUID whose first 48 bits are a keyed permutation of the row (distinct rows, distinct UUIDs, by
 * construction) and whose other 74 free bits are keyed random.
 */
function uuid(key: Key, row: number): string {
  const head = permute48(key, row);
  const a = hex32(Math.floor(head / 0x10000));
  const b = (head & 0xffff).toString(16).padStart(4, "0");
  draw.at(key, row);
  const r1 = draw.u32();
  const r2 = draw.u32();
  const r3 = draw.u32();
  const c = `4${(r1 & 0xfff).toString(16).padStart(3, "0")}`;
  const d = (0x8000 | ((r1 >>> 12) & 0x3fff)).toString(16);
  const e = (r2 & 0xffff).toString(16).padStart(4, "0") + hex32(r3);
  return `${a}-${b}-${c}-${d}-${e}`;
}

/** A json column: an object with the fields in the seed file's order, each drawn from its own key. */
function jsonObject(
  plan: SeedPlan,
  table: TableValues,
  column: string,
  fields: Extract<ValueSpec, { kind: "json" }>["fields"],
  path: string,
): (row: number) => string {
  const parts = fields.map((field) => {
    const name = `${column}.${field.name}`;
    const fieldPath = `${path}.json.${field.name}`;
    const inner = compileValue(plan, table, name, field.value, false, fieldPath);
    const values = withNulls(inner, field.nullRate, columnKey(plan, table.table.name, name, "null"));
    return { prefix: JSON.stringify(field.name), values };
  });
  return (row) => {
    let text = "{";
    for (let i = 0; i < parts.length; i++) {
      const { prefix, values } = parts[i] as (typeof parts)[number];
      const cell = values.value(row);
      text += `${i === 0 ? "" : ","}${prefix}:${typeof cell === "string" && !values.json ? JSON.stringify(cell) : String(cell)}`;
    }
    return `${text}}`;
  };
}

/**
 * Child row → parent row, for tables counted per parent: `offsets[p]` is the first child of parent p
 * (children of a parent are contiguous). Rows are mostly asked in order, so the last answer is tried first.
 */
export function parentRow(offsets: Float64Array): (row: number) => number {
  let last = 0;
  const parents = offsets.length - 1;
  return (row) => {
    if (row >= (offsets[last] as number) && row < (offsets[last + 1] as number)) return last;
    let low = 0;
    let high = parents - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((offsets[middle] as number) <= row) low = middle;
      else high = middle - 1;
    }
    last = low;
    return low;
  };
}
