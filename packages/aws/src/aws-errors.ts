import { DeployError } from "@deploy/core";

/**
 * What the suite needs to know about an AWS error: its code, whether waiting a moment
 * helps (throttling, a resource too new to be seen yet), and how to tell the user what to
 * do when it does not.
 */
export function awsErrorCode(error: unknown): string | undefined {
  // A DeployError's `code` is the suite's, never AWS's: fromAwsError keeps AWS's in
  // `serviceCode`, so that a wrapped throttling error is still retried as one.
  if (error instanceof DeployError) return error.serviceCode;
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  const code = e.Code ?? e.code ?? e.name;
  return typeof code === "string" ? code : undefined;
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorCode(error) ?? "");
}

/** `InvalidInstanceID.NotFound`, `InvalidAMIID.NotFound`, `InvocationDoesNotExist`, ... */
export function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error) ?? "";
  return code.endsWith(".NotFound") || code.endsWith("NotFoundException") || code === "InvocationDoesNotExist";
}

/**
 * Errors a poller should answer with another look rather than a failure: AWS is
 * eventually consistent, so a resource just created can be "not found" for a moment, and
 * throttling that outlasted the SDK's own retries is still throttling.
 */
export function isTransient(error: unknown): boolean {
  return isThrottling(error) || isNotFound(error);
}

const PERMISSION = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure"]);
const CREDENTIALS = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "CredentialsProviderError",
]);

/**
 * Turns an AWS error into the suite's error, saying what was being done. Permission and
 * credential problems get a fix a user can act on; anything else keeps AWS's own message.
 * AWS's code is an open set, so it goes in `serviceCode`; the error has no suite `code`.
 */
export function fromAwsError(error: unknown, doing: string): DeployError {
  if (error instanceof DeployError) return error;
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  let fix: string | undefined;
  if (code && PERMISSION.has(code)) {
    fix =
      "Give the role this workflow assumes the permission named above; each action's README lists the least-privilege policy.";
  } else if (code && CREDENTIALS.has(code)) {
    fix = "Configure AWS credentials before this step, e.g. with aws-actions/configure-aws-credentials and OIDC.";
  }
  return new DeployError({
    what: `AWS refused to ${doing}.`,
    why: code ? `${code}: ${message}` : message,
    ...(fix && { fix }),
    ...(code && { serviceCode: code }),
    cause: error,
  });
}
