// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";

export { CHUNK_ROWS } from "./chunks.ts";
export { type DatabaseTarget, describeDatabaseUrl, parseDatabaseUrl, passwordsIn } from "./database-url.ts";
export { copyText, csvHeader, csvText, type RowFormat } from "./encode.ts";
export { FAKER_LOCALES, FAKER_METHODS, type FakerMethod, isFakerMethod } from "./faker-data.ts";
export { DEFAULT_WORKERS, type GenerateOptions, generateRows } from "./generate.ts";
export {
  checkEnvironment,
  checkTarget,
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardCheck,
  type GuardSettings,
  MARKER_TABLE,
  SeedRefusedError,
} from "./guard.ts";
export { dataHash, type TableHasher, tableHasher } from "./hash.ts";
export { type PlannedTable, planSeed, type SeedPlan } from "./plan.ts";
export { writeMarker } from "./postgres.ts";
export { type SeedRequest, type SeedResult, type SeedSink, seed } from "./seed.ts";
export {
  type ColumnSpec,
  GENERATOR_VERSION,
  parseSeedFile,
  type Scalar,
  SEED_FILE_KEYS,
  SEED_FILE_VERSION,
  type SeedFile,
  type TableSpec,
  type ValueSpec,
} from "./seed-file.ts";
export type { TableResult } from "./sink.ts";
export { runGeneratorWorker } from "./threads.ts";
