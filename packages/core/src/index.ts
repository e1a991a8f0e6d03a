export { type Clock, systemClock } from "./clock.ts";
export { DeployError, type DeployErrorDetails, isDeployError } from "./errors.ts";
export { type Logger, memoryLogger } from "./logger.ts";
