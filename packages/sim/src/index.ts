export { CallLog, type CallRecord, isMutating } from "./calls.ts";
export { type SimClock, scaledClock, virtualClock } from "./clock.ts";
export { type FaultFile, type FaultRule, Faults } from "./faults.ts";
export { type SimServer, startServer } from "./server.ts";
export { type GroupSummary, groupSummary, trafficTargets } from "./services/autoscaling/index.ts";
export { addCheckRun, type CheckRunSpec } from "./services/github/check-runs.ts";
export { declareRepository } from "./services/github/repositories.ts";
export { stopSsm } from "./services/ssm/index.ts";
export { type Simulator, type SimulatorOptions, startSimulator } from "./simulator.ts";
export { DEFAULT_TIMINGS, type Timings, World, type WorldOptions } from "./world.ts";
export {
  checkFaultFile,
  checkWorldFile,
  loadFaultFile,
  loadWorldFile,
  type RegionSection,
  readFaultFile,
  readWorldFile,
  type WorldFile,
  worldFromFile,
  worldOptions,
} from "./world-file.ts";
