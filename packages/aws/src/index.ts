export { awsErrorCode, fromAwsError, isNotFound, isThrottling, isTransient } from "./aws-errors.ts";
export { type AwsClients, awsClients, MAX_ATTEMPTS, resetAwsClients } from "./clients.ts";
export {
  type ResourceRole,
  resourceTags,
  runTagValue,
  TAG,
  type Tag,
  type TagContext,
  tagValue,
  withUserTags,
} from "./tags.ts";
