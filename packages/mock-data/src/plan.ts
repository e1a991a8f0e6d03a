// The seed plan: the checks that need the whole seed file (refs, parents, cycles, unique), the order tables
// are loaded in, row counts, and which columns wait for a second pass to break a cycle.
import { DeployError } from "@deploy/core";
import { fakerValue } from "./faker-data.ts";
import { Draw, keyOf } from "./random.ts";
import type { ColumnSpec, SeedFile, TableSpec, ValueSpec } from "./seed-file.ts";

export interface SeedPlan {
  seed: SeedFile;
  /** In dependency order: a table comes after the tables it refers to, except through `deferred` columns. */
  tables: PlannedTable[];
}

export interface PlannedTable {
  name: string;
  rows: number;
  /** All columns, in file order. */
  columns: string[];
  /** Cycle columns: inserted as NULL, then set by a second pass (UPDATE) keyed by `key`. */
  deferred: string[];
  /** The column that identifies a row for the second pass: a sequence, a uuid or a unique column, never NULL. */
  key?: string;
  /** Tables counted per parent row: the parent table, and `offsets[p]`, the first row of parent p's children
   *  (length parents + 1; the last entry is the row count). O(parents) numbers, nothing per row. */
  per?: { table: string; offsets: Float64Array };
}

/** Kinds whose values are distinct for distinct rows by construction, given `unique: true` where needed. */
const CAN_BE_UNIQUE: ReadonlySet<ValueSpec["kind"]> = new Set(["faker", "sequence", "uuid"]);

/** Plans a parsed seed file; a DeployError names the path of any problem in the graph. */
export function planSeed(seed: SeedFile): SeedPlan {
  const byName = new Map(seed.tables.map((t) => [t.name, t]));
  for (const table of seed.tables) checkTable(seed, table, byName);
  const order = loadOrder(seed.tables);
  const planned = new Map<string, PlannedTable>();
  for (const { table, deferred } of order) {
    const per = typeof table.count === "number" ? undefined : table.count;
    const parent = per && (planned.get(per.per) as PlannedTable);
    const offsets = parent && perParentOffsets(seed, table.name, parent.rows, per);
    const rows = offsets ? (offsets[offsets.length - 1] as number) : (table.count as number);
    const key = table.columns.find(isKeyColumn)?.name;
    if (deferred.length > 0 && key === undefined) {
      throw graphError(
        `tables.${table.name}`,
        `needs a key column for its deferred column ${deferred.join(", ")} (set after the load to break a cycle)`,
        "Add a column that identifies a row and is never NULL: { sequence: {} }, { uuid: {} } or one with unique: true.",
      );
    }
    planned.set(table.name, {
      name: table.name,
      rows,
      columns: table.columns.map((c) => c.name),
      deferred,
      ...(key === undefined ? {} : { key }),
      ...(parent && offsets ? { per: { table: parent.name, offsets } } : {}),
    });
  }
  for (const table of seed.tables) checkRefTargetsHaveRows(table, planned);
  return { seed, tables: order.map(({ table }) => planned.get(table.name) as PlannedTable) };
}

/** The key of per-parent counts: a function of (seed, version, table, parent row) like every value. */
function perParentOffsets(seed: SeedFile, table: string, parents: number, per: { min: number; max: number }) {
  const key = keyOf(seed.seed, seed.generator, table, "", "count");
  const draw = new Draw();
  const span = per.max - per.min + 1;
  const offsets = new Float64Array(parents + 1);
  for (let p = 0; p < parents; p++) {
    offsets[p + 1] = (offsets[p] as number) + per.min + draw.at(key, p).below(span);
  }
  return offsets;
}

function isKeyColumn(column: ColumnSpec): boolean {
  const { kind } = column.value;
  return column.nullRate === 0 && (kind === "sequence" || kind === "uuid" || (kind === "faker" && column.unique));
}

function checkTable(seed: SeedFile, table: TableSpec, byName: Map<string, TableSpec>): void {
  const tablePath = `tables.${table.name}`;
  const per = typeof table.count === "number" ? undefined : table.count;
  if (per !== undefined) {
    if (!byName.has(per.per)) throw unknownTable(`${tablePath}.count.per`, per.per, byName);
    if (per.per === table.name) {
      throw graphError(`${tablePath}.count.per`, "counts the table's rows per row of itself", "Name another table.");
    }
  }
  const columns = new Map(table.columns.map((c) => [c.name, c]));
  for (const column of table.columns) {
    const path = `${tablePath}.columns.${column.name}`;
    if (column.unique && !CAN_BE_UNIQUE.has(column.value.kind)) {
      throw graphError(
        `${path}.unique`,
        `cannot be unique: ${column.value.kind} values repeat`,
        "Use a sequence, a uuid or a faker method for unique values, or remove unique: true.",
      );
    }
    if (column.unique && column.value.kind === "sequence" && column.value.step === 0) {
      throw graphError(`${path}.unique`, "cannot be unique: the sequence's step is 0", "Use a step other than 0.");
    }
    checkValue(seed, table, columns, column.value, path, byName, per, false);
  }
  checkDateChains(table, columns);
}

function checkValue(
  seed: SeedFile,
  table: TableSpec,
  columns: Map<string, ColumnSpec>,
  value: ValueSpec,
  path: string,
  byName: Map<string, TableSpec>,
  per: { per: string } | undefined,
  inJson: boolean,
): void {
  switch (value.kind) {
    case "faker":
      fakerValue(value.method, seed.locales, `${path}.faker`); // unknown methods and locales, before anything runs
      return;
    case "one-of":
      if (value.choices.length === 0 || value.choices.every((c) => c.weight <= 0)) {
        throw graphError(`${path}.one-of`, "has no choice with a weight above 0", "List at least one choice.");
      }
      return;
    case "number": {
      const scale = 10 ** value.decimals;
      if (Math.floor(value.max * scale) < Math.ceil(value.min * scale)) {
        throw graphError(`${path}.number`, `has no value between ${value.min} and ${value.max}`, "Make max ≥ min.");
      }
      return;
    }
    case "date":
      if (value.to.getTime() < value.from.getTime()) {
        throw graphError(`${path}.date`, "ends before it starts", "Make `to` later than `from`.");
      }
      return;
    case "date-after":
    case "ref":
    case "parent":
      if (inJson) {
        throw graphError(path, `cannot be ${value.kind} inside a json column`, `Make it a column of its own.`);
      }
      break;
    default:
      if (value.kind === "json") {
        for (const field of value.fields) {
          checkValue(seed, table, columns, field.value, `${path}.json.${field.name}`, byName, per, true);
        }
      }
      return;
  }
  if (value.kind === "date-after") {
    const other = columns.get(value.column);
    if (other === undefined) throw unknownColumn(`${path}.date.after`, table.name, value.column, table);
    if (other.value.kind !== "date" && other.value.kind !== "date-after") {
      throw graphError(
        `${path}.date.after`,
        `names ${value.column}, which is not a date column`,
        "Name a date column.",
      );
    }
  } else if (value.kind === "parent") {
    if (per === undefined) {
      throw graphError(
        `${path}.parent`,
        "needs a table counted per parent",
        "Give the table `count: { per: <parent table>, min, max }`, or use ref for a random row of another table.",
      );
    }
    const parent = byName.get(per.per) as TableSpec;
    if (!parent.columns.some((c) => c.name === value.column)) {
      throw unknownColumn(`${path}.parent`, parent.name, value.column, parent);
    }
  } else if (value.kind === "ref") {
    const target = byName.get(value.table);
    if (target === undefined) throw unknownTable(`${path}.ref`, value.table, byName);
    const column = target.columns.find((c) => c.name === value.column);
    if (column === undefined) throw unknownColumn(`${path}.ref`, target.name, value.column, target);
    if (!isKeyColumn(column)) {
      throw graphError(
        `${path}.ref`,
        `names ${value.table}.${value.column}, which is not a key: its values may repeat or be NULL`,
        "Refer to a sequence, a uuid or a unique column without null-rate (what a foreign key references).",
      );
    }
  }
}

/** date-after chains within a table must end at a date, not loop. */
function checkDateChains(table: TableSpec, columns: Map<string, ColumnSpec>): void {
  for (const start of table.columns) {
    const seen: string[] = [];
    let column: ColumnSpec | undefined = start;
    while (column?.value.kind === "date-after") {
      if (seen.includes(column.name)) {
        throw graphError(
          `tables.${table.name}.columns.${start.name}.date.after`,
          `is a loop: ${[...seen, column.name].join(" → ")}`,
          "End the chain at a column with date: { from, to }.",
        );
      }
      seen.push(column.name);
      column = columns.get(column.value.column);
    }
  }
}

function checkRefTargetsHaveRows(table: TableSpec, planned: Map<string, PlannedTable>): void {
  const self = planned.get(table.name) as PlannedTable;
  if (self.rows === 0) return;
  for (const column of table.columns) {
    if (column.value.kind === "ref" && (planned.get(column.value.table) as PlannedTable).rows === 0) {
      throw graphError(
        `tables.${table.name}.columns.${column.name}.ref`,
        `refers to ${column.value.table}, which has no rows`,
        `Give ${column.value.table} rows, or make this column a value: null.`,
      );
    }
  }
}

interface Ordered {
  table: TableSpec;
  deferred: string[];
}

/**
 * Dependency order. `count.per` and refs without null-rate are hard edges (the rows must exist first);
 * refs with a null-rate are soft: when a cycle leaves no other way, they are inserted as NULL and set after.
 * Among tables whose hard dependencies are loaded, the first in file order whose soft ones are too goes next;
 * if there is none, the first in file order goes and its refs to tables not yet loaded are deferred. Refs to
 * the table itself need no order (PostgreSQL checks foreign keys at the end of the COPY statement).
 */
function loadOrder(tables: TableSpec[]): Ordered[] {
  const edges = new Map(tables.map((t) => [t.name, dependencies(t)]));
  const placed = new Set<string>();
  const order: Ordered[] = [];
  while (order.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t.name) && (edges.get(t.name) as Dependency[]).every((d) => !d.hard || placed.has(d.table)),
    );
    if (ready.length === 0)
      throw hardCycle(
        tables.filter((t) => !placed.has(t.name)),
        edges,
      );
    const next =
      ready.find((t) => (edges.get(t.name) as Dependency[]).every((d) => placed.has(d.table))) ??
      (ready[0] as TableSpec);
    const deferred = (edges.get(next.name) as Dependency[])
      .filter((d) => !placed.has(d.table) && d.column !== undefined)
      .map((d) => d.column as string);
    placed.add(next.name);
    order.push({ table: next, deferred });
  }
  return order;
}

interface Dependency {
  table: string;
  hard: boolean;
  /** The ref column, for refs (count.per has none). */
  column?: string;
}

function dependencies(table: TableSpec): Dependency[] {
  const result: Dependency[] = [];
  if (typeof table.count !== "number") result.push({ table: table.count.per, hard: true });
  for (const column of table.columns) {
    if (column.value.kind === "ref" && column.value.table !== table.name) {
      result.push({ table: column.value.table, hard: column.nullRate === 0, column: column.name });
    }
  }
  return result;
}

/** A cycle of hard edges among the tables left, named like "users.team_id → teams.owner_id → users". */
function hardCycle(left: TableSpec[], edges: Map<string, Dependency[]>): DeployError {
  const leftNames = new Set(left.map((t) => t.name));
  const path: { table: string; via: string }[] = [];
  let current = (left[0] as TableSpec).name;
  while (!path.some((step) => step.table === current)) {
    const edge = (edges.get(current) as Dependency[]).find((d) => d.hard && leftNames.has(d.table)) as Dependency;
    path.push({ table: current, via: edge.column ?? "count.per" });
    current = edge.table;
  }
  const cycle = path.slice(path.findIndex((step) => step.table === current));
  const text = `${cycle.map((step) => `${step.table}.${step.via}`).join(" → ")} → ${current}`;
  return graphError(
    `tables.${current}`,
    `is part of a cycle with no nullable column: ${text}`,
    "Give one ref column in the cycle a null-rate (e.g. null-rate: 0.1): it is inserted as NULL and set after the load.",
  );
}

function unknownTable(path: string, name: string, byName: Map<string, TableSpec>): DeployError {
  return graphError(
    path,
    `names table "${name}", which the seed file does not define`,
    `Use one of: ${[...byName.keys()].join(", ")}.`,
  );
}

function unknownColumn(path: string, table: string, column: string, spec: TableSpec): DeployError {
  return graphError(
    path,
    `names column "${column}", which table ${table} does not define`,
    `Use one of: ${spec.columns.map((c) => c.name).join(", ")}.`,
  );
}

function graphError(path: string, why: string, fix: string): DeployError {
  return new DeployError({ what: `Seed file: ${path} ${why}.`, fix, code: "SeedFileInvalid" });
}
