import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { csvHeader } from "./encode.ts";
import { READ_AHEAD_CHUNKS, type SinkContext, type SinkTable, type TableResult, tapped } from "./sink.ts";

export interface FilesLoad {
  directory: string;
  format: "ndjson" | "csv";
  /** In dependency order. */
  tables: SinkTable[];
}

/**
 * One file per table, `<table>.ndjson` or `<table>.csv` (with a header line), streamed.
 * Each is written under a temporary name and renamed when complete, so a reader never
 * sees half a table under the real name; a failure removes the temporary file. Deferred
 * columns carry their values: a file has no foreign keys to wait for.
 */
export async function writeFiles(load: FilesLoad, context: SinkContext): Promise<TableResult[]> {
  await mkdir(load.directory, { recursive: true });
  const results: TableResult[] = [];
  for (const table of load.tables) {
    context.signal.throwIfAborted();
    results.push(await writeTable(load, table, context));
  }
  return results;
}

/** The file a table is written to. */
export function tableFile(directory: string, table: string, format: "ndjson" | "csv"): string {
  return path.join(directory, `${table}.${format}`);
}

async function writeTable(load: FilesLoad, table: SinkTable, context: SinkContext): Promise<TableResult> {
  const started = performance.now();
  const final = tableFile(load.directory, table.name, load.format);
  const temporary = path.join(load.directory, `.${table.name}.${load.format}.${process.pid}.partial`);
  const hash = context.hasher();
  const source = context.rows(table.name, { format: load.format, columns: table.columns, withDeferred: true });
  const header = load.format === "csv" ? [Buffer.from(csvHeader(table.columns))] : [];
  async function* file(): AsyncGenerator<Uint8Array> {
    yield* header;
    yield* tapped(source, table.name, hash, context);
  }
  try {
    await pipeline(Readable.from(file(), { highWaterMark: READ_AHEAD_CHUNKS }), createWriteStream(temporary), {
      signal: context.signal,
    });
    await rename(temporary, final);
  } catch (error) {
    await rm(temporary, { force: true });
    throw context.signal.aborted ? context.signal.reason : error;
  }
  return { name: table.name, rows: table.rows, hash: hash.digest(), durationMs: performance.now() - started };
}
