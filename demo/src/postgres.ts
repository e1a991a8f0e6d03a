// Where the rehearsal seeds stage: a fresh PostgreSQL database when a server answers at
// DEPLOY_TEST_DATABASE_URL or DATABASE_URL (schema.sql loaded, the guard's marker naming
// stage, as an operator prepares a stage database once), else NDJSON files in a folder.
import { readFileSync } from "node:fs";
import { describeDatabaseUrl, writeMarker } from "@deploy/mock-data";
import { type CreatedDatabase, createDatabase, withClient } from "@deploy/test/database-server";

const SCHEMA = new URL("../../test/fixtures/seed/schema.sql", import.meta.url);

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

export async function seedTarget(outputDirectory: string): Promise<SeedTarget> {
  const variable = process.env.DEPLOY_TEST_DATABASE_URL ? "DEPLOY_TEST_DATABASE_URL" : "DATABASE_URL";
  const server = process.env[variable];
  const files = (why: string): SeedTarget => ({
    outputDirectory,
    describe: `NDJSON files in ${outputDirectory} (${why})`,
    close: async () => {},
  });
  if (!server) return files("DEPLOY_TEST_DATABASE_URL and DATABASE_URL are not set");
  let database: CreatedDatabase;
  try {
    database = await createDatabase(server, "deploy_demo", { connectTimeoutMs: 3000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return files(`no database could be created on the PostgreSQL server at ${variable}: ${message}`);
  }
  try {
    await withClient(database.url, async (client) => {
      await client.query(readFileSync(SCHEMA, "utf8"));
      await writeMarker(client, "stage");
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    databaseUrl: database.url,
    outputDirectory,
    describe: `PostgreSQL, a fresh database ${describeDatabaseUrl(database.url)} (schema.sql, marked as stage's), dropped at the end`,
    close: database.drop,
  };
}
