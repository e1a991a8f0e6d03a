// A real PostgreSQL for seed-mock-data's tests: a fresh database per call, and ways to
// look at one that do not go through the seeder (row counts and content hashes computed
// by SQL), so that "the database is exactly as it was" is checked independently of it.
import { readFileSync } from "node:fs";
import pg from "pg";
import { createDatabase, withClient } from "./database-server.ts";

/** The server .ci/run starts; a SUPERUSER login, so that tests can create databases. */
const SERVER_URL = process.env.DEPLOY_TEST_DATABASE_URL;

export interface TestDatabase {
  /** postgres://… of the new database, with the test login's password in it. */
  url: string;
  /** Runs SQL on the new database, outside the seeder. */
  admin: Pick<pg.Client, "query">;
  /** Drops the database. */
  close(): Promise<void>;
}

export interface TableSnapshot {
  rows: number;
  /** md5 of the rows as text, sorted: equal content gives equal hashes whatever the order. */
  hash: string;
}

async function reachable(url: string | undefined): Promise<boolean> {
  if (!url) return false;
  return withClient(url, async () => true, { connectTimeoutMs: 3000 }).catch(() => false);
}

/** True when DEPLOY_TEST_DATABASE_URL is set and answers. In CI both must hold. */
export const postgresAvailable = await reachable(SERVER_URL);
if (!postgresAvailable) {
  const why = SERVER_URL ? "does not answer" : "is not set";
  if (process.env.CI === "true") {
    throw new Error(`postgres e2e: DEPLOY_TEST_DATABASE_URL ${why}; .ci/run starts PostgreSQL 15 and sets it`);
  }
  console.warn(`postgres e2e: skipped, DEPLOY_TEST_DATABASE_URL ${why} (a PostgreSQL 15 server is needed)`);
}

/** A new, empty database on the test server, dropped by `close()`. */
export async function testDatabase(): Promise<TestDatabase> {
  if (!SERVER_URL) throw new Error("testDatabase: DEPLOY_TEST_DATABASE_URL is not set");
  const database = await createDatabase(SERVER_URL, "deploy_seed");
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  return {
    url: database.url,
    admin,
    async close() {
      await admin.end().catch(() => {});
      await database.drop();
    },
  };
}

/** Runs a SQL file (several statements) on the database at `url`. */
export async function loadSchema(url: string, file: string | URL): Promise<void> {
  await withClient(url, (client) => client.query(readFileSync(file, "utf8")));
}

/**
 * Row count and content hash of each table (default: every table in schema public, the
 * guard's marker included), keyed by name, sorted.
 */
export async function snapshot(url: string, tables?: string[]): Promise<Record<string, TableSnapshot>> {
  return withClient(url, async (client) => {
    const names =
      tables ??
      (
        await client.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        )
      ).rows.map((r) => r.name);
    const result: Record<string, TableSnapshot> = {};
    for (const name of [...names].sort()) {
      const { rows } = await client.query<{ rows: string; hash: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS hash FROM "${name}" t`,
      );
      const row = rows[0] as { rows: string; hash: string };
      result[name] = { rows: Number(row.rows), hash: row.hash };
    }
    return result;
  });
}

/** One query on the database at `url`, on a connection of its own. */
export async function queryRows<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values?: unknown[],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, values)).rows);
}
