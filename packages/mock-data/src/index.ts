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
export { type SeedRequest, type SeedResult, type SeedSink, seed } from "./seed.ts";
export type { TableResult } from "./sink.ts";
