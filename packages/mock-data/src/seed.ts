import { generateRows } from "./generate.ts";
import { dataHash, tableHasher } from "./hash.ts";
import type { SeedPlan } from "./plan.ts";
import { type RowGenerator, type SeedContext, type SeedResult, type SeedRunRequest, seedWith } from "./seed-run.ts";

export type { SeedResult, SeedSink } from "./seed-run.ts";

export type SeedRequest = SeedRunRequest<SeedPlan>;

/** The generator of this package, as `seed` drives it. */
const generator: RowGenerator<SeedPlan> = { rows: generateRows, hasher: tableHasher, dataHash };

/**
 * Seeds the plan into the sink: the guard first (fail-closed, before any write), then the
 * load. For PostgreSQL one transaction: the marker check, the optional TRUNCATE of exactly
 * the seed file's tables, COPY FROM STDIN per table in dependency order, the deferred
 * columns, COMMIT; a failure or cancellation leaves the previous data.
 */
export function seed(request: SeedRequest, context: SeedContext): Promise<SeedResult> {
  return seedWith(request, context, generator);
}
