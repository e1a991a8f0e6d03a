export { CallLog, type CallRecord, isMutating } from "./calls.ts";
export { type SimClock, scaledClock, virtualClock } from "./clock.ts";
export { type FaultFile, type FaultRule, Faults } from "./faults.ts";
export { type SimServer, startServer } from "./server.ts";
export { DEFAULT_TIMINGS, type Timings, World, type WorldOptions } from "./world.ts";
