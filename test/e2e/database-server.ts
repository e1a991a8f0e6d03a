// A PostgreSQL server as the tests and the demo use it: one connection per piece of work,
// and databases of their own, created fresh and dropped after. No side effects on import
// (test/e2e/postgres.ts checks the test server when it is loaded; the demo must not).
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Runs `fn` on a connection of its own to `url`, closed after. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  options: { connectTimeoutMs?: number } = {},
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    ...(options.connectTimeoutMs !== undefined && { connectionTimeoutMillis: options.connectTimeoutMs }),
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface CreatedDatabase {
  /** The server's URL with the new database's name: the same login. */
  url: string;
  /** Drops the database, closing what is still connected to it. */
  drop(): Promise<void>;
}

/** A new, empty database named `<prefix>_<random>` on the server at `serverUrl`. */
export async function createDatabase(
  serverUrl: string,
  prefix: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<CreatedDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`), options);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () =>
      withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
