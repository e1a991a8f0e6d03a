// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export { describeDatabaseUrl, parseDatabaseUrl, passwordsIn } from "./database-url.ts";
export { generateRows } from "./generate.ts";
export {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardCheck,
  type GuardSettings,
} from "./guard.ts";
export { planSeed, type SeedPlan } from "./plan.ts";
export { writeMarker } from "./postgres.ts";
export { type SeedResult, type SeedSink, seed } from "./seed.ts";
export { parseSeedFile, type SeedFile, type ValueSpec } from "./seed-file.ts";
export { runGeneratorWorker } from "./threads.ts";
