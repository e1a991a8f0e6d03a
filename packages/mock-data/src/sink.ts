import type { Logger } from "@deploy/core";

/**
 * What a sink needs of a planned table. It is the generator's PlannedTable, narrowed to
 * what the sinks read, so that the sinks can be tested with a stand-in generator.
 */
export interface SinkTable {
  name: string;
  rows: number;
  /** All columns, in file order. */
  columns: string[];
  /** Cycle columns: NULL at first, set by a second pass keyed by `key`. */
  deferred: string[];
  key?: string;
}

/** The rows a sink asks for, as the generator's options name them. */
export interface RowRequest {
  format: "copy" | "csv" | "ndjson";
  columns?: string[];
  withDeferred?: boolean;
}

/** The generator and bookkeeping, handed to a sink by `seed`. */
export interface SinkContext {
  /** The table's rows, encoded, in row order, in chunks. */
  rows(table: string, request: RowRequest): AsyncIterable<Uint8Array>;
  /** A fresh hasher, fed every chunk of a table as it passes. */
  hasher(): { update(chunk: Uint8Array): void; digest(): string };
  /** Called with every chunk as it is written, for progress logs. */
  progress(table: string, chunk: Uint8Array): void;
  logger: Logger;
  signal: AbortSignal;
}

/** A table as a sink wrote it. */
export interface TableResult {
  name: string;
  rows: number;
  hash: string;
  durationMs: number;
}

/**
 * Chunks read ahead of the sink: enough to keep it busy while the next is generated, few
 * enough that memory stays a few chunks whatever the row count (Node's default is 16).
 */
export const READ_AHEAD_CHUNKS = 2;

/**
 * The chunks of `source`, each also fed to `hash` and reported to `progress`, stopping
 * at the first chunk after `signal` aborts. One pass: the hash is of the bytes written.
 */
export async function* tapped(
  source: AsyncIterable<Uint8Array>,
  table: string,
  hash: { update(chunk: Uint8Array): void },
  context: Pick<SinkContext, "progress" | "signal">,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    context.signal.throwIfAborted();
    hash.update(chunk);
    context.progress(table, chunk);
    yield chunk;
  }
}
