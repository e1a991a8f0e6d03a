import { type Context, formatDuration, type Logger, MAX_PROGRESS_INTERVAL_MS } from "@deploy/core";
import { describeDatabaseUrl, parseDatabaseUrl } from "./database-url.ts";
import { writeFiles } from "./files.ts";
import { checkEnvironment, checkTarget, type GuardCheck, type GuardSettings } from "./guard.ts";
import { loadPostgres } from "./postgres.ts";
import type { RowRequest, SinkContext, SinkTable, TableResult } from "./sink.ts";

export type SeedSink =
  | { kind: "postgres"; url: string; reset: "truncate" | "none" }
  | { kind: "files"; directory: string; format: "ndjson" | "csv" };

export interface SeedResult {
  tables: TableResult[];
  dataHash: string;
  rows: number;
  durationMs: number;
  rowsPerSecond: number;
  /** `postgres://host:port/db` without credentials, or the directory. */
  sink: string;
  markerCreated: boolean;
  /** The guard's checks that passed, in order, for the summary. */
  checks: GuardCheck[];
}

/** The part of the step's Context a seed uses: its durations are measured, not waited, so no clock. */
export interface SeedContext extends Pick<Context, "logger" | "signal"> {
  /** How often progress is logged; at most MAX_PROGRESS_INTERVAL_MS (30 s). */
  progressIntervalMs?: number;
}

/** The generator as `seed` drives it; the real one is C2's, tests may pass a stand-in. */
export interface RowGenerator<Plan> {
  rows(
    plan: Plan,
    table: string,
    options: RowRequest & GeneratorTuning & { signal?: AbortSignal },
  ): AsyncIterable<Uint8Array>;
  hasher(): { update(chunk: Uint8Array): void; digest(): string };
  dataHash(tableHashes: Record<string, string>): string;
}

export interface GeneratorTuning {
  workers?: number;
  workerEntry?: URL;
}

export interface SeedRunRequest<Plan> extends GeneratorTuning {
  plan: Plan;
  sink: SeedSink;
  guard: GuardSettings;
}

/**
 * `seed` with the generator passed in. The guard runs first and throws before anything
 * is written: the environment for every sink, the URL's host and database for PostgreSQL;
 * the marker is checked inside the load's transaction.
 */
export async function seedWith<Plan extends { tables: SinkTable[] }>(
  request: SeedRunRequest<Plan>,
  context: SeedContext,
  generator: RowGenerator<Plan>,
): Promise<SeedResult> {
  const { logger, signal } = context;
  const environment = checkEnvironment(request.guard);
  const checks: GuardCheck[] = ["environment", "denied-environments", "allowed-environments"];
  if (request.sink.kind === "postgres") {
    checkTarget(request.guard, parseDatabaseUrl(request.sink.url));
    checks.push("denied-hosts");
  }
  const sink = request.sink.kind === "postgres" ? describeDatabaseUrl(request.sink.url) : request.sink.directory;
  logger.info(`Guard: environment "${environment}" is allowed and not denied; seeding ${sink}.`);

  const started = performance.now();
  const progress = progressLog(request.plan.tables, logger, started, context.progressIntervalMs);
  const sinkContext: SinkContext = {
    rows: (table, rowRequest) =>
      generator.rows(request.plan, table, {
        ...rowRequest,
        workers: request.workers,
        workerEntry: request.workerEntry,
        signal,
      }),
    hasher: generator.hasher,
    progress: progress.add,
    logger,
    signal,
  };
  let tables: TableResult[];
  let markerCreated = false;
  try {
    if (request.sink.kind === "postgres") {
      const loaded = await loadPostgres(
        { ...request.sink, tables: request.plan.tables, guard: request.guard, environment },
        sinkContext,
      );
      tables = loaded.tables;
      markerCreated = loaded.markerCreated;
      checks.push("marker");
      if (markerCreated) logger.info(`Guard: marked ${sink} for environment "${environment}" (create-marker).`);
    } else {
      tables = await writeFiles({ ...request.sink, tables: request.plan.tables }, sinkContext);
    }
  } finally {
    progress.stop();
  }
  const durationMs = performance.now() - started;
  const rows = tables.reduce((sum, table) => sum + table.rows, 0);
  for (const table of tables) {
    logger.info(`${table.name}: ${table.rows} rows in ${formatDuration(table.durationMs)}, sha256 ${table.hash}.`);
  }
  return {
    tables,
    dataHash: generator.dataHash(Object.fromEntries(tables.map((t) => [t.name, t.hash]))),
    rows,
    durationMs,
    rowsPerSecond: durationMs > 0 ? Math.round(rows / (durationMs / 1000)) : rows,
    sink,
    markerCreated,
    checks,
  };
}

/**
 * Rows written so far per table, logged on a timer so that a long seed shows it is
 * moving. Rows are counted as line breaks in the chunks, which is exact for COPY text
 * and NDJSON and close for CSV (a quoted value may hold one).
 */
function progressLog(tables: SinkTable[], logger: Logger, started: number, intervalMs = MAX_PROGRESS_INTERVAL_MS) {
  const written = new Map(tables.map((t) => [t.name, 0]));
  const timer = setInterval(
    () => {
      const total = [...written.values()].reduce((a, b) => a + b, 0);
      const seconds = (performance.now() - started) / 1000;
      const parts = tables.map((t) => `${t.name} ${written.get(t.name)}/${t.rows}`);
      logger.info(`Seeding: ${parts.join(", ")} rows (${Math.round(total / seconds)} rows/s).`);
    },
    Math.min(intervalMs, MAX_PROGRESS_INTERVAL_MS),
  );
  timer.unref();
  return {
    add(table: string, chunk: Uint8Array) {
      written.set(table, (written.get(table) ?? 0) + lineBreaks(chunk));
    },
    stop: () => clearInterval(timer),
  };
}

function lineBreaks(chunk: Uint8Array): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}
