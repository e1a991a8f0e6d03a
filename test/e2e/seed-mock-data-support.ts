// What the end-to-end tests of seed-mock-data share: the bundled action run against a real
// PostgreSQL 15 (test/e2e/postgres.ts), a fresh database per test with the fixture schema,
// and ways to look at the data by SQL, independently of the seeder.
import { fileURLToPath } from "node:url";
import { type ActionRun, type RunActionOptions, runAction } from "@deploy/test/harness";
import { describe } from "vitest";
import { loadSchema, postgresAvailable, queryRows, type TestDatabase, testDatabase } from "./postgres.ts";

export const ACTION = fileURLToPath(new URL("../../actions/seed-mock-data", import.meta.url));
/** test/fixtures/seed: shop.yaml (+ shop-extra-column.yaml) on schema.sql; bench.yaml on bench.sql. */
export const SEEDS = fileURLToPath(new URL("../fixtures/seed", import.meta.url));
export const SCHEMA = new URL("../fixtures/seed/schema.sql", import.meta.url);
/** shop.yaml's tables. */
export const SHOP_TABLES = ["users", "products", "orders", "order_items"];

/** `describe`, or `describe.skip` without PostgreSQL (postgres.ts fails the run in CI instead). */
export const describeWithPostgres = postgresAvailable ? describe : describe.skip;

/** Runs the bundle with shop.yaml for environment stage, the seed fixtures as workspace; `inputs` win. */
export function seedMockData(
  inputs: Record<string, string>,
  options: Omit<RunActionOptions, "inputs"> = {},
): Promise<ActionRun> {
  return runAction(ACTION, {
    workspace: SEEDS,
    ...options,
    inputs: { "seed-file": "shop.yaml", environment: "stage", ...inputs },
  });
}

/**
 * A fresh database with schema.sql and, unless `marker` is null, the guard's marker naming
 * `marker` (default stage), as a first run with create-marker leaves it.
 */
export async function shopDatabase(marker: string | null = "stage"): Promise<TestDatabase> {
  const db = await testDatabase();
  await loadSchema(db.url, SCHEMA);
  if (marker !== null) {
    await db.admin.query(
      "CREATE TABLE deploy_seed_marker (environment text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())",
    );
    await db.admin.query("INSERT INTO deploy_seed_marker (environment) VALUES ($1)", [marker]);
  }
  return db;
}

/** Row count of each table, by SQL. */
export async function counts(url: string, tables = SHOP_TABLES): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await queryRows<{ n: string }>(url, `SELECT count(*) AS n FROM "${table}"`);
    result[table] = Number(row?.n);
  }
  return result;
}

/**
 * md5 of every column of every table, by SQL: the column's values as text in primary-key
 * order (NULL as a marker no value has), keyed "table.column".
 */
export async function columnHashes(url: string, tables = SHOP_TABLES): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of tables) {
    const columns = await queryRows<{ name: string }>(
      url,
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    for (const { name } of columns) {
      const [row] = await queryRows<{ hash: string }>(
        url,
        `SELECT md5(coalesce(string_agg(coalesce("${name}"::text, '<NULL>'), E'\\n' ORDER BY id), '')) AS hash FROM "${table}"`,
      );
      result[`${table}.${name}`] = row?.hash as string;
    }
  }
  return result;
}

/** The step's error as the log shows it (`::error::` lines). */
export { errors } from "./action-support.ts";
