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
 * In-process, from a measurement (packages/mock-data/test/generator-speed.ts, test/fixtures/seed/bench.yaml:
 * 100k users + 500k orders as COPY text, bytes discarded) on the 2-core machine of issue 6, with other work
 * running: 1 thread 226k-397k rows/s wall (300k-400k per CPU second), peak RSS ~200 MiB per pass;
 * 2 workers 62k-98k rows/s wall, 432 MiB. A worker starts cold (loads faker's data, plans, warms its JIT)
 * and the main thread still copies every chunk on, so on two cores it loses even before PostgreSQL's
 * COPY takes one of them. Into PostgreSQL 15 on the same machine (COPY FROM STDIN, bench.sql, load average
 * ~5 from other work): 1 thread 62k-75k rows/s end-to-end, 2 workers 45k-49k. Workers stay an option
 * (`workers`) for machines with cores to spare.
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
