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
  /** A machine-readable code of the suite's, for callers that act on it. */
  code?: string;
  /**
   * The code the service behind the failure gave, e.g. AWS's `InvalidAMIID.NotFound`: open
   * text the suite does not control, for logs and for the code that talks to that service
   * (`awsErrorCode`). Decisions elsewhere read `code`.
   */
  serviceCode?: string;
  cause?: unknown;
}

export class DeployError extends Error {
  readonly what: string;
  readonly why: string | undefined;
  readonly fix: string | undefined;
  readonly input: string | undefined;
  readonly code: string | undefined;
  readonly serviceCode: string | undefined;

  constructor(details: DeployErrorDetails) {
    super([details.what, details.why, details.fix].filter(Boolean).join(" "), { cause: details.cause });
    this.name = "DeployError";
    this.what = details.what;
    this.why = details.why;
    this.fix = details.fix;
    this.input = details.input;
    this.code = details.code;
    this.serviceCode = details.serviceCode;
  }
}

export function isDeployError(error: unknown): error is DeployError {
  return error instanceof DeployError;
}
