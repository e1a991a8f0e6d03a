// Chunks: the unit of generation, of a worker's work and of backpressure. Chunk i of a table is rows
// [i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS), encoded by the same function in this thread or in a worker.
import { encoders, type RowFormat } from "./encode.ts";
import type { PlannedTable, SeedPlan } from "./plan.ts";
import { type ColumnValues, tableValues } from "./values.ts";

/** Rows per chunk: big enough that per-chunk costs vanish (a Buffer, a message), small enough to stay ~1 MB. */
export const CHUNK_ROWS = 4096;

/** What a chunk's bytes depend on besides the plan: the same in this thread and in a worker. */
export interface ChunkRequest {
  format: RowFormat;
  columns?: string[];
  withDeferred?: boolean;
}

/** Encodes chunk i (rows i*CHUNK_ROWS ...) of a table: the one function both threads and workers use. */
export function chunkEncoder(plan: SeedPlan, table: string, request: ChunkRequest): (chunk: number) => Buffer {
  const { rows, columns, deferred } = plannedTable(plan, table);
  const values = tableValues(plan, table);
  const selected = (request.columns ?? columns).map((name): ColumnValues => {
    if (!columns.includes(name)) throw new Error(`No column ${table}.${name} in the seed plan.`);
    return deferred.includes(name) && !request.withDeferred ? nullColumn(name) : values.column(name);
  });
  const encode = encoders[request.format];
  return (chunk) => {
    const from = chunk * CHUNK_ROWS;
    return Buffer.from(encode(selected, from, Math.min(rows, from + CHUNK_ROWS)), "utf8");
  };
}

function nullColumn(name: string): ColumnValues {
  return { name, json: false, value: () => null };
}

export function plannedTable(plan: SeedPlan, table: string): PlannedTable {
  const planned = plan.tables.find((t) => t.name === table);
  if (planned === undefined) throw new Error(`No table ${table} in the seed plan.`);
  return planned;
}
