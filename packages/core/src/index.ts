export { CancelledError, cancellationSignal, isCancellation, type SignalSource } from "./cancellation.ts";
export { CLOCK_ENV, type Clock, clockFromEnv, scaledClock, systemClock } from "./clock.ts";
export { type RunContext, runContext } from "./context.ts";
export { type Duration, type DurationOptions, formatDuration, parseDuration } from "./duration.ts";
export { DeployError, type DeployErrorDetails, isDeployError } from "./errors.ts";
export {
  createInputs,
  envInputs,
  type InputOptions,
  type InputReader,
  type InputSource,
  type Inputs,
  inputs,
  type ValidatedInputOptions,
} from "./inputs.ts";
export { type Bounds, forInput, invalidInput, invalidValue, type Subject } from "./invalid.ts";
export { type Logger, memoryLogger } from "./logger.ts";
export {
  MAX_PROGRESS_INTERVAL_MS,
  type PollCheck,
  type PollOptions,
  type PollProgress,
  type PollResult,
  poll,
} from "./poller.ts";
export { REGION_CODE, readRegion, regionCode } from "./region.ts";
export { actionsLogger, failureMessage, getState, runStep, saveState, setOutput } from "./runner.ts";
export { looksLikeSecretName, maskSecrets, redact, setSecret } from "./secrets.ts";
export { link, SummaryBuilder, summary } from "./summary.ts";
export { type Phase, type PhaseTimer, phaseTimer } from "./timer.ts";
export {
  parseBoolean,
  parseInteger,
  parseJson,
  parseKeyValues,
  parseList,
  parseOneOf,
  parsePercentage,
  type Validator,
} from "./values.ts";
