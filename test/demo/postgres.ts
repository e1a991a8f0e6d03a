// Where the rehearsal seeds stage: a fresh PostgreSQL database when a server answers at
// DEPLOY_TEST_DATABASE_URL or DATABASE_URL (schema.sql loaded, the guard's marker naming
// stage, as an operator prepares a stage database once), else NDJSON files in a folder.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { MARKER_TABLE } from "@deploy/mock-data";
import pg from "pg";

const SCHEMA = new URL("../fixtures/seed/schema.sql", import.meta.url);

export interface SeedTarget {
  /** postgres://… of the demo's own database; undefined: files. */
  databaseUrl?: string;
  /** Where the files go without a database. */
  outputDirectory: string;
  /** One line for the reader (no password). */
  describe: string;
  /** Drops the database (nothing for files: they go with the scratch folder). */
  close(): Promise<void>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function withoutPassword(url: URL): string {
  const copy = new URL(url.href);
  copy.password = "";
  return `${copy.protocol}//${copy.username ? `${copy.username}@` : ""}${copy.host}${copy.pathname}`;
}

export async function seedTarget(outputDirectory: string): Promise<SeedTarget> {
  const variable = process.env.DEPLOY_TEST_DATABASE_URL ? "DEPLOY_TEST_DATABASE_URL" : "DATABASE_URL";
  const server = process.env[variable];
  const files = (why: string): SeedTarget => ({
    outputDirectory,
    describe: `NDJSON files in ${outputDirectory} (${why})`,
    close: async () => {},
  });
  if (!server) return files("DEPLOY_TEST_DATABASE_URL and DATABASE_URL are not set");
  const name = `deploy_demo_${randomBytes(6).toString("hex")}`;
  try {
    await withClient(server, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return files(`no database could be created on the PostgreSQL server at ${variable}: ${message}`);
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const drop = () =>
    withClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {});
  try {
    await withClient(url.href, async (client) => {
      await client.query(readFileSync(SCHEMA, "utf8"));
      await client.query(
        `CREATE TABLE ${MARKER_TABLE} (environment text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query(`INSERT INTO ${MARKER_TABLE} (environment) VALUES ('stage')`);
    });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    databaseUrl: url.href,
    outputDirectory,
    describe: `PostgreSQL, a fresh database ${withoutPassword(url)} (schema.sql, marked as stage's), dropped at the end`,
    close: drop,
  };
}
