// A table's rows, encoded, as a stream of chunks in row order: generated in this thread, or by worker
// threads that each take every n-th chunk. Chunks are generated on demand (the consumer pulls), so memory
// holds a few chunks whatever the row count, and the bytes do not depend on the number of workers.
import { CHUNK_ROWS, type ChunkRequest, chunkEncoder, plannedTable } from "./chunks.ts";
import type { SeedPlan } from "./plan.ts";
import { threadedChunks } from "./threads.ts";

export interface GenerateOptions extends ChunkRequest {
  /** 1 = in this thread; more = worker threads (see DEFAULT_WORKERS). */
  workers?: number;
  /** The worker script (default: ./worker.ts next to this file, for runs from source); bundles pass theirs. */
  workerEntry?: URL;
  signal?: AbortSignal;
}

/**
 * Measured on the 2-core machine this was written on (see test/bench and the report of issue 6): generating
 * COPY text alone, 1 thread ≈ N rows/s and 2 workers ≈ M; loading into PostgreSQL on the same machine, the
 * server's COPY takes one core and a worker thread only competes with it. So: in-process.
 */
export const DEFAULT_WORKERS = 1;

/** Below this many chunks a worker's start-up (~0.1 s: load faker's data, plan) costs more than it saves. */
const MIN_CHUNKS_FOR_WORKERS = 8;

/** The table's rows, encoded, in row order, in chunks of at most CHUNK_ROWS rows. */
export async function* generateRows(
  plan: SeedPlan,
  table: string,
  options: GenerateOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { rows } = plannedTable(plan, table);
  const chunks = Math.ceil(rows / CHUNK_ROWS);
  const workers = Math.min(options.workers ?? DEFAULT_WORKERS, chunks);
  if (workers > 1 && chunks >= MIN_CHUNKS_FOR_WORKERS) {
    yield* threadedChunks(plan.seed, table, options, chunks, workers);
    return;
  }
  const encode = chunkEncoder(plan, table, options);
  for (let chunk = 0; chunk < chunks; chunk++) {
    options.signal?.throwIfAborted();
    yield encode(chunk);
  }
}
