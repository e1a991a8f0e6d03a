export { describeDatabaseUrl } from "./database-url.ts";
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
export {
  type ColumnSpec,
  GENERATOR_VERSION,
  parseSeedFile,
  SEED_FILE_KEYS,
  SEED_FILE_VERSION,
  type Scalar,
  type SeedFile,
  type TableSpec,
  type ValueSpec,
} from "./seed-file.ts";
export { type SeedRequest, type SeedResult, type SeedSink, seed } from "./seed.ts";
export type { TableResult } from "./sink.ts";
