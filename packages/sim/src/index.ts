export { isMutating } from "./calls.ts";
export { scaledClock } from "./clock.ts";
export { type GroupSummary, groupSummary, trafficTargets } from "./services/autoscaling/index.ts";
export { addCheckRun } from "./services/github/check-runs.ts";
export { declareRepository } from "./services/github/repositories.ts";
export { type Simulator, startSimulator } from "./simulator.ts";
export { readWorldFile, type WorldFile } from "./world-file.ts";
