/**
 * The one error type of the suite. Every failure a user can act on says what went
 * wrong, why, and how to fix it, so that the step's log reads as an answer rather
 * than a stack trace.
 */
export interface DeployErrorDetails {
  /** What failed, e.g. `Input "instance-warmup" is not a duration.` */
  what: string;
  /** Why it failed, e.g. `Got "5 minutes".` */
  why?: string;
  /** How to fix it, e.g. `Write a number followed by s, m or h, like "90s" or "15m".` */
  fix?: string;
  /** The input the error is about, when there is one. */
  input?: string;
  /** A machine-readable code, e.g. the AWS error code behind it. */
  code?: string;
  cause?: unknown;
}

export class DeployError extends Error {
  readonly what: string;
  readonly why: string | undefined;
  readonly fix: string | undefined;
  readonly input: string | undefined;
  readonly code: string | undefined;

  constructor(details: DeployErrorDetails) {
    super([details.what, details.why, details.fix].filter(Boolean).join(" "), { cause: details.cause });
    this.name = "DeployError";
    this.what = details.what;
    this.why = details.why;
    this.fix = details.fix;
    this.input = details.input;
    this.code = details.code;
  }
}

export function isDeployError(error: unknown): error is DeployError {
  return error instanceof DeployError;
}
