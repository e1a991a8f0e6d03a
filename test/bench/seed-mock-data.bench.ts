/**
 * seed-mock-data's speed and memory against what it replaces. On fresh databases with
 * test/fixtures/seed/bench.sql, seeding test/fixtures/seed/bench.yaml (100,000 users, about
 * 500,000 orders):
 *
 *   (a) ours: seed() end to end (guard, marker, COPY FROM STDIN of every table, commit), in
 *       a child process that also reports its peak memory, at full scale and at 1/10;
 *   (b) the ceiling: the same rows, written beforehand as CSV files by our generator
 *       (untimed), loaded with `psql -1 -c "\copy ... csv"` (timed);
 *   (c) the naive script: faker's API for every value and one INSERT per row (pg,
 *       autocommit), on a 20,000-row sample in the tables' proportions.
 *
 * Prints rows per second and the ratios a/b and a/c; exits non-zero when a/b < 0.7,
 * a/c < 20, or either peak memory reaches 256 MB. No PostgreSQL (DEPLOY_TEST_DATABASE_URL):
 * skipped with a message, but fails in CI.
 *
 * Run: node scripts/node24.mjs test/bench/seed-mock-data.bench.ts (or pnpm bench seed-mock-data)
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { memoryLogger } from "@deploy/core";
import {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  generateRows,
  parseSeedFile,
  planSeed,
  type SeedFile,
  type SeedPlan,
  seed,
  type ValueSpec,
} from "@deploy/mock-data";
import { faker } from "@faker-js/faker";
import pg from "pg";

const FIXTURES = new URL("../fixtures/seed/", import.meta.url);
const SCHEMA = new URL("bench.sql", FIXTURES);
const SEED_FILE = new URL("bench.yaml", FIXTURES);
const NAIVE_SAMPLE = 20_000;
const TARGETS = { ofCeiling: 0.7, ofNaive: 20, memoryMB: 256 };

interface ChildResult {
  rows: number;
  ms: number;
  maxRssMB: number;
}

/** The bench seed file with every fixed row count scaled (per-parent counts follow their parents). */
function benchPlan(scale: number): SeedPlan {
  const file: SeedFile = parseSeedFile(readFileSync(SEED_FILE, "utf8"), "bench.yaml");
  const tables = file.tables.map((t) =>
    typeof t.count === "number" ? { ...t, count: Math.max(1, Math.round(t.count * scale)) } : t,
  );
  return planSeed({ ...file, tables });
}

// ---- the child: one seed() at a scale, its time and peak memory ----------------------------------------

async function child(scale: number, url: string): Promise<void> {
  const plan = benchPlan(scale);
  const started = performance.now();
  const result = await seed(
    {
      plan,
      sink: { kind: "postgres", url, reset: "none" },
      guard: {
        environment: "test",
        allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
        deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
        deniedHosts: [],
        createMarker: true,
      },
    },
    { logger: memoryLogger(), signal: new AbortController().signal },
  );
  const ms = performance.now() - started;
  // maxRSS is in kilobytes, and covers the worker threads too (one process).
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const out: ChildResult = { rows: result.rows, ms, maxRssMB };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[2] === "--child") {
  await child(Number(process.argv[3]), process.argv[4] as string);
  process.exit(0);
}

// ---- the parent -------------------------------------------------------------------------------------------

const { loadSchema, postgresAvailable, testDatabase } = await import("../e2e/postgres.ts");
if (!postgresAvailable) {
  console.log("seed-mock-data bench: skipped, no PostgreSQL (set DEPLOY_TEST_DATABASE_URL)");
  process.exit(0);
}

/** A fresh database with the bench schema, dropped after `fn`. */
async function withBenchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const db = await testDatabase();
  try {
    await loadSchema(db.url, SCHEMA);
    // Each timed part starts with the WAL of the ones before written out, so that a
    // checkpoint they caused does not land in its time.
    await db.admin.query("CHECKPOINT");
    return await fn(db.url);
  } finally {
    await db.close();
  }
}

/** (a) seed() in a child process at `scale`: rows, wall time around seed(), peak memory. */
function ours(scale: number): Promise<ChildResult> {
  return withBenchDatabase(async (url) => {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", String(scale), url], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (run.status !== 0) throw new Error(`the seed child (scale ${scale}) failed with ${run.status}`);
    return JSON.parse(run.stdout.trim().split("\n").at(-1) as string) as ChildResult;
  });
}

/** (b) Our rows as CSV files (untimed), then `psql \copy` of all of them in one transaction (timed). */
async function ceiling(plan: SeedPlan): Promise<{ rows: number; ms: number }> {
  // In memory where there is a tmpfs, so that flushing the files does not compete with the load's writes.
  const dir = mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "seed-bench-csv-"));
  try {
    const copies: string[] = [];
    for (const table of plan.tables) {
      const file = path.join(dir, `${table.name}.csv`);
      // Cycle columns stay NULL, as seed()'s COPY writes them (it sets them after).
      await pipeline(
        Readable.from(generateRows(plan, table.name, { format: "csv", columns: table.columns })),
        createWriteStream(file),
      );
      copies.push(`\\copy "${table.name}" (${table.columns.map((c) => `"${c}"`).join(", ")}) from '${file}' csv`);
    }
    return await withBenchDatabase(async (url) => {
      const started = performance.now();
      const psql = spawnSync("psql", [url, "-q", "-1", "-v", "ON_ERROR_STOP=1", ...copies.flatMap((c) => ["-c", c])], {
        encoding: "utf8",
      });
      const ms = performance.now() - started;
      if (psql.status !== 0) throw new Error(`psql \\copy failed: ${psql.stderr}`);
      const rows = plan.tables.reduce((sum, t) => sum + t.rows, 0);
      return { rows, ms };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * (c) What seed scripts do: faker's API for each value, one INSERT per row, autocommit.
 * The sample keeps the tables' proportions; refs and parents pick a random row inserted
 * before (a cycle's column is NULL, its table not being there yet).
 */
async function naive(plan: SeedPlan): Promise<{ rows: number; ms: number }> {
  const total = plan.tables.reduce((sum, t) => sum + t.rows, 0);
  const specs = new Map(plan.seed.tables.map((t) => [t.name, t]));
  return withBenchDatabase(async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    faker.seed(1);
    const inserted = new Map<string, Map<string, unknown[]>>();
    let rows = 0;
    const started = performance.now();
    try {
      for (const table of plan.tables) {
        const spec = specs.get(table.name);
        if (!spec) throw new Error(`no table ${table.name} in the seed file`);
        const count = Math.max(1, Math.round((NAIVE_SAMPLE * table.rows) / total));
        const parentTable = typeof spec.count === "number" ? undefined : spec.count.per;
        const kept = new Map<string, unknown[]>(spec.columns.map((c) => [c.name, []]));
        inserted.set(table.name, kept);
        const names = spec.columns.map((c) => `"${c.name}"`).join(", ");
        const params = spec.columns.map((_, i) => `$${i + 1}`).join(", ");
        const sql = `INSERT INTO "${table.name}" (${names}) VALUES (${params})`;
        for (let i = 0; i < count; i++) {
          const row: Record<string, unknown> = {};
          for (const column of spec.columns) {
            const value =
              column.nullRate > 0 && faker.datatype.boolean({ probability: column.nullRate })
                ? null
                : naiveValue(column.value, { row: i, unique: column.unique, parentTable, current: row, inserted });
            row[column.name] = value;
            kept.get(column.name)?.push(value);
          }
          await client.query(
            sql,
            spec.columns.map((c) => row[c.name]),
          );
          rows++;
        }
      }
      return { rows, ms: performance.now() - started };
    } finally {
      await client.end();
    }
  });
}

/** A value by faker's API, as a hand-written seed script computes it. */
interface NaiveRow {
  row: number;
  unique: boolean;
  parentTable: string | undefined;
  current: Record<string, unknown>;
  inserted: Map<string, Map<string, unknown[]>>;
}

function naiveValue(value: ValueSpec, at: NaiveRow): unknown {
  const { row, unique, current, inserted } = at;
  switch (value.kind) {
    case "faker": {
      const [module, method] = value.method.split(".") as [string, string];
      const text = String((faker as unknown as Record<string, Record<string, () => unknown>>)[module]?.[method]?.());
      // The usual fix for unique indexes: make the value unique by hand.
      return unique ? `${row}.${text}` : text;
    }
    case "one-of":
      return faker.helpers.weightedArrayElement(value.choices.map((c) => ({ weight: c.weight, value: c.value })));
    case "number":
      return value.decimals === 0
        ? faker.number.int({ min: value.min, max: value.max })
        : faker.number.float({ min: value.min, max: value.max, fractionDigits: value.decimals });
    case "date": {
      const date = faker.date.between({ from: value.from, to: value.to });
      return value.format === "date" ? date.toISOString().slice(0, 10) : date.toISOString();
    }
    case "date-after": {
      const after = current[value.column];
      const from = after ? new Date(String(after)) : new Date();
      const date = faker.date.between({ from, to: new Date(from.getTime() + value.withinMs) });
      return value.format === "date" ? date.toISOString().slice(0, 10) : date.toISOString();
    }
    case "sequence":
      return value.start + row * value.step;
    case "uuid":
      return faker.string.uuid();
    case "json":
      return JSON.stringify(
        Object.fromEntries(value.fields.map((f) => [f.name, naiveValue(f.value, { ...at, unique: false })])),
      );
    case "ref":
    case "parent": {
      const table = value.kind === "ref" ? value.table : at.parentTable;
      const keys = table === undefined ? undefined : inserted.get(table)?.get(value.column);
      return keys && keys.length > 0 ? faker.helpers.arrayElement(keys) : null;
    }
    case "value":
      return value.value;
  }
}

const rate = (rows: number, ms: number) => rows / (ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);

console.log("seed-mock-data: seed() against psql \\copy of the same rows (ceiling) and faker + INSERT per row (naive)");
const small = await ours(0.1);
const full = await ours(1);
const plan = benchPlan(1);
const copy = await ceiling(plan);
const slow = await naive(plan);

const a = rate(full.rows, full.ms);
const b = rate(copy.rows, copy.ms);
const c = rate(slow.rows, slow.ms);
console.log(`(a) seed() end to end     ${fmt(full.rows)} rows in ${(full.ms / 1000).toFixed(2)} s: ${fmt(a)} rows/s`);
console.log(`(b) psql \\copy of CSV     ${fmt(copy.rows)} rows in ${(copy.ms / 1000).toFixed(2)} s: ${fmt(b)} rows/s`);
console.log(`(c) faker + INSERT per row ${fmt(slow.rows)} rows in ${(slow.ms / 1000).toFixed(2)} s: ${fmt(c)} rows/s`);
console.log(`ratio a/b (of the ceiling): ${(a / b).toFixed(2)} (target at least ${TARGETS.ofCeiling})`);
console.log(`ratio a/c (over naive):     ${(a / c).toFixed(1)} (target at least ${TARGETS.ofNaive})`);
console.log(
  `peak memory (maxRSS): ${small.maxRssMB.toFixed(0)} MB at ${small.rows.toLocaleString("en-US")} rows, ${full.maxRssMB.toFixed(0)} MB at ${full.rows.toLocaleString("en-US")} rows (target under ${TARGETS.memoryMB} MB at both)`,
);

const failures: string[] = [];
if (copy.rows !== full.rows) failures.push(`the ceiling loaded ${copy.rows} rows and seed() ${full.rows}`);
if (a / b < TARGETS.ofCeiling) failures.push(`a/b ${(a / b).toFixed(2)} is below ${TARGETS.ofCeiling}`);
if (a / c < TARGETS.ofNaive) failures.push(`a/c ${(a / c).toFixed(1)} is below ${TARGETS.ofNaive}`);
for (const m of [small, full]) {
  if (m.maxRssMB >= TARGETS.memoryMB) failures.push(`${m.rows} rows took ${m.maxRssMB.toFixed(0)} MB`);
}
for (const failure of failures) console.error(`bench: ${failure}`);
if (failures.length > 0) process.exit(1);
