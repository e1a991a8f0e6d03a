import { defineAction } from "@deploy/core";
import { seed } from "@deploy/mock-data";
import { readSettings } from "./inputs.ts";
import { setSeedOutputs, workerEntry } from "./outputs.ts";
import { seedSummary } from "./summary.ts";

/**
 * The main step: read and check every input and the seed file, plan the tables in
 * dependency order, then seed(): the guard (environment, host, marker) first, fail-closed,
 * then the load in one transaction. Outputs and a job summary of what was written.
 */
export const run = defineAction({ state: {} }).main(async (step) => {
  const { logger, signal } = step.ctx;
  const settings = readSettings(step.inputs);
  const { plan, sink, guard, workers } = settings;
  const rows = plan.tables.map((t) => `${t.name} (${t.rows})`).join(", ");
  logger.info(`Seeding ${guard.environment} from ${settings.seedFile}: ${rows}.`);
  const result = await seed(
    { plan, sink, guard, ...(workers !== undefined && { workers }), workerEntry: workerEntry(import.meta.url) },
    { logger, signal },
  );
  setSeedOutputs(result);
  await seedSummary(settings, result).write();
});
