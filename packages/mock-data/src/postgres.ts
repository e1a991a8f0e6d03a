import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeployError } from "@deploy/core";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { describeDatabaseUrl, parseDatabaseUrl, withoutPassword } from "./database-url.ts";
import { checkTarget, type GuardSettings, MARKER_TABLE, markerDecision } from "./guard.ts";
import { READ_AHEAD_CHUNKS, type SinkContext, type SinkTable, type TableResult, tapped } from "./sink.ts";

export interface PostgresLoad {
  url: string;
  reset: "truncate" | "none";
  /** In dependency order. */
  tables: SinkTable[];
  guard: GuardSettings;
  /** The environment that passed checkEnvironment. */
  environment: string;
  /** How long to wait for the connection; a firewall that drops packets would otherwise hang the step. */
  connectTimeoutMs?: number;
}

export interface PostgresLoaded {
  tables: TableResult[];
  markerCreated: boolean;
}

type Client = pg.Client;

/**
 * Loads the tables in one transaction: the marker check (and the marker, when asked),
 * the checks that need the server, the optional TRUNCATE, a COPY FROM STDIN per table,
 * the deferred columns, COMMIT. Anything that fails or is cancelled before COMMIT leaves
 * the database as it was: the transaction is rolled back, or, when cancelled, the
 * connection is closed and the server rolls it back.
 */
export async function loadPostgres(load: PostgresLoad, context: SinkContext): Promise<PostgresLoaded> {
  const target = describeDatabaseUrl(load.url);
  const client = new pg.Client({
    connectionString: load.url,
    connectionTimeoutMillis: load.connectTimeoutMs ?? 15_000,
    application_name: "deploy seed-mock-data",
  });
  // A lost connection is reported by the query that was running; without a listener the
  // client's own "error" event would end the process instead.
  client.on("error", () => {});
  const state = { step: "connecting" };
  const cancel = () => void client.end().catch(() => {});
  context.signal.addEventListener("abort", cancel, { once: true });
  try {
    context.signal.throwIfAborted();
    await client.connect();
    state.step = "starting the transaction";
    await client.query("BEGIN");
    const markerCreated = await guardOnServer(client, load, state);
    await checkTables(client, load, state);
    if (load.reset === "truncate") {
      state.step = "truncating the seed file's tables";
      await client.query(`TRUNCATE ${load.tables.map((t) => qualified(t.name)).join(", ")} RESTART IDENTITY`);
    }
    const results: TableResult[] = [];
    for (const [index, table] of load.tables.entries()) {
      state.step = `loading table "${table.name}"`;
      results.push(await loadTable(client, table, index, context));
    }
    for (const [index, table] of load.tables.entries()) {
      if (table.deferred.length === 0) continue;
      state.step = `setting the deferred columns of table "${table.name}" (${table.deferred.join(", ")})`;
      const started = performance.now();
      await setDeferred(client, table, index);
      (results[index] as TableResult).durationMs += performance.now() - started;
    }
    state.step = "committing";
    context.signal.throwIfAborted();
    await client.query("COMMIT");
    return { tables: results, markerCreated };
  } catch (error) {
    // Best effort: when the connection is gone, the server has rolled back already.
    await client.query("ROLLBACK").catch(() => {});
    throw loadError(error, load.url, target, state.step, context.signal);
  } finally {
    context.signal.removeEventListener("abort", cancel);
    await client.end().catch(() => {});
  }
}

/**
 * The guard's checks that need the server, inside the transaction, so that creating the
 * marker is undone with the rest when the load fails. The database name is checked again
 * as the server reports it: the URL's may be an alias.
 */
async function guardOnServer(client: Client, load: PostgresLoad, state: { step: string }): Promise<boolean> {
  state.step = "checking the database against the guard";
  const { host } = parseDatabaseUrl(load.url);
  const current = await client.query<{ database: string; marker: string | null }>(
    "SELECT current_database() AS database, to_regclass($1)::text AS marker",
    [MARKER_TABLE],
  );
  const row = current.rows[0] as { database: string; marker: string | null };
  checkTarget(load.guard, { host, database: row.database });
  const markers =
    row.marker === null
      ? undefined
      : (await client.query<{ environment: string }>(`SELECT environment FROM ${MARKER_TABLE}`)).rows.map(
          (r) => r.environment,
        );
  if (markerDecision(load.guard, load.environment, markers) === "pass") return false;
  state.step = "creating the marker";
  await writeMarker(client, load.environment);
  return true;
}

/**
 * Marks the database as `environment`'s, the marker the guard asks for: what create-marker
 * does, and what an operator (or the demo) does once to prepare a stage database.
 */
export async function writeMarker(client: Pick<Client, "query">, environment: string): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (environment text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await client.query(`INSERT INTO ${MARKER_TABLE} (environment) VALUES ($1)`, [environment]);
}

/**
 * Before writing: every table and column exists, and TRUNCATE would not need CASCADE,
 * which would empty tables the seed file does not name. PostgreSQL would refuse both
 * too, but these messages say which table and what to do.
 */
async function checkTables(client: Client, load: PostgresLoad, state: { step: string }): Promise<void> {
  state.step = "checking the seed file's tables";
  const names = load.tables.map((t) => t.name);
  if (names.some((name) => name.toLowerCase() === MARKER_TABLE)) {
    throw refused(`The seed file names the guard's marker table "${MARKER_TABLE}".`, "Remove it from the seed file.");
  }
  const found = await client.query<{ name: string; oid: number | null; columns: string[] | null }>(
    `SELECT n.name, c.oid::int AS oid,
            (SELECT array_agg(attname::text) FROM pg_attribute
              WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped) AS columns
       FROM unnest($1::text[]) WITH ORDINALITY AS n(name, i)
       LEFT JOIN pg_class c ON c.oid = to_regclass(${quotedNameSql("n.name")})
      ORDER BY n.i`,
    [names],
  );
  for (const [index, row] of found.rows.entries()) {
    const table = load.tables[index] as SinkTable;
    if (row.oid === null) {
      throw refused(
        `Table "${table.name}" does not exist in the database.`,
        "Create the schema first, or fix the table name in the seed file.",
      );
    }
    const missing = table.columns.filter((column) => !row.columns?.includes(column));
    if (missing.length > 0) {
      throw refused(
        `Table "${table.name}" has no column ${missing.map((c) => `"${c}"`).join(", ")}.`,
        "Fix the column names in the seed file, or migrate the schema first.",
      );
    }
  }
  if (load.reset !== "truncate") return;
  const outside = await client.query<{ referencing: string; referenced: string; constraint: string }>(
    `SELECT conrelid::regclass::text AS referencing, confrelid::regclass::text AS referenced, conname::text AS constraint
       FROM pg_constraint
      WHERE contype = 'f' AND confrelid = ANY($1::oid[]) AND NOT conrelid = ANY($1::oid[])`,
    [found.rows.map((r) => r.oid)],
  );
  if (outside.rows.length > 0) {
    const list = outside.rows.map((r) => `${r.referencing} → ${r.referenced} (${r.constraint})`).join(", ");
    throw refused(
      `reset: truncate would have to empty tables the seed file does not name: ${list}.`,
      "Add the referencing tables to the seed file (with count 0 to leave them empty), or use reset: none.",
    );
  }
}

/**
 * One table by COPY FROM STDIN, streamed: the generator is only asked for the next chunk
 * when the connection has taken the last one. A table with deferred (cycle) columns goes
 * through a temp table with all its columns first, because the values they refer to are
 * not there yet; its rows are inserted from there with those columns NULL, and set after
 * the last table. The hash is fed the rows with all columns either way.
 */
async function loadTable(client: Client, table: SinkTable, index: number, context: SinkContext): Promise<TableResult> {
  const started = performance.now();
  const hash = context.hasher();
  const deferred = table.deferred.length > 0;
  const into = deferred ? stagingTable(index) : qualified(table.name);
  if (deferred) {
    await client.query(
      `CREATE TEMP TABLE ${into} ON COMMIT DROP AS SELECT ${columnList(table.columns)} FROM ${qualified(table.name)} WITH NO DATA`,
    );
  }
  const source = context.rows(table.name, { format: "copy", columns: table.columns, withDeferred: true });
  const copy = client.query(copyFrom(`COPY ${into} (${columnList(table.columns)}) FROM STDIN`));
  await pipeline(Readable.from(tapped(source, table.name, hash, context), { highWaterMark: READ_AHEAD_CHUNKS }), copy);
  let rows = copy.rowCount;
  if (deferred) {
    const direct = table.columns.filter((column) => !table.deferred.includes(column));
    const inserted = await client.query(
      `INSERT INTO ${qualified(table.name)} (${columnList(direct)}) SELECT ${columnList(direct)} FROM ${into}`,
    );
    rows = inserted.rowCount ?? rows;
  }
  return { name: table.name, rows, hash: hash.digest(), durationMs: performance.now() - started };
}

async function setDeferred(client: Client, table: SinkTable, index: number): Promise<void> {
  if (table.key === undefined) {
    throw refused(
      `Table "${table.name}" has deferred columns but no key column to set them by.`,
      "Give the table a sequence, uuid or unique column.",
    );
  }
  const key = quoted(table.key);
  const sets = table.deferred.map((column) => `${quoted(column)} = s.${quoted(column)}`).join(", ");
  await client.query(
    `UPDATE ${qualified(table.name)} AS t SET ${sets} FROM ${stagingTable(index)} AS s WHERE t.${key} = s.${key}`,
  );
}

function stagingTable(index: number): string {
  return `deploy_seed_staging_${index}`;
}

function columnList(columns: string[]): string {
  return columns.map(quoted).join(", ");
}

/** `"name"`, with quotes doubled: seed files name tables and columns as they are. */
function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** A table name, `schema.table` or `table`, quoted part by part. */
function qualified(name: string): string {
  return name.split(".").map(quoted).join(".");
}

/** The SQL that quotes a table name column like `qualified` does, for to_regclass. */
function quotedNameSql(column: string): string {
  return `(SELECT string_agg(quote_ident(part), '.') FROM unnest(string_to_array(${column}, '.')) AS part)`;
}

function refused(what: string, fix: string): DeployError {
  return new DeployError({ what, fix, code: "SeedFailed" });
}

/**
 * What the step reports: a DeployError as it is, a cancellation as the signal's reason,
 * anything else (pg's errors) as a DeployError that says the data is unchanged. pg's
 * text goes through withoutPassword: the suite does not control what it quotes.
 */
function loadError(error: unknown, url: string, target: string, step: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof DeployError) return error;
  const pgError = error as { message?: string; detail?: string; code?: string };
  const why = withoutPassword([pgError.message, pgError.detail].filter(Boolean).join(" "), url);
  const connecting = step === "connecting";
  return new DeployError({
    what: connecting
      ? `Could not connect to ${target}.`
      : `Seeding ${target} failed while ${step}. The transaction was rolled back: the database holds the data it had before.`,
    why: why === "" ? undefined : `${why}.`.replace(/\.\.$/, "."),
    fix: connecting
      ? "Check database-url (host, port, user, password, sslmode) and that the runner can reach the database."
      : "Fix the seed file or the schema so that the rows fit the table's constraints; the message above names the one that failed.",
    code: connecting ? "DatabaseUnreachable" : "SeedFailed",
  });
}
