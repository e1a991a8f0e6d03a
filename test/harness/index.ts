// Runs bundled actions as the GitHub runner does; see run-action.ts.
export { type ActionInput, type ActionMetadata, readActionMetadata } from "./action-metadata.ts";
export {
  type Annotation,
  type AnnotationLevel,
  escapeData,
  escapeProperty,
  type LogLine,
  parseCommand,
  parseKeyValueFile,
  parsePathFile,
  type WorkflowCommand,
} from "./commands.ts";
export {
  type ConditionContext,
  type ExpressionContext,
  type ExpressionValue,
  evaluateCondition,
  evaluateExpression,
  interpolate,
  type JobStatus,
  type StatusFlags,
  stringify,
  truthy,
} from "./conditions.ts";
export { defaultGitHubContext, type GitHubContext } from "./context.ts";
export { assertSecretNotLeaked, renderLog } from "./masking.ts";
export {
  type ActionRun,
  type CancelWhen,
  inputEnvName,
  type RunActionOptions,
  runAction,
  type SignalSent,
  type StepName,
  type StepOutcome,
  type StepResult,
} from "./run-action.ts";
