/**
 * The codes a DeployError may carry, as keys (the values mean nothing). Callers act on
 * codes (`hasCode(error, "Timeout")`), so they are a closed set that the compiler checks:
 * a typo in a code compared or thrown fails `pnpm typecheck` instead of never matching.
 *
 * Core's own codes are listed here. Every other package adds the codes it makes in its own
 * `src/error-codes.ts`, by augmenting this interface (type-only, so erasable):
 *
 * ```ts
 * declare module "@deploy/core" {
 *   interface ErrorCodes {
 *     GroupNotFound: true;
 *   }
 * }
 * ```
 *
 * Each code is declared by the package that throws it, so that a package compares only
 * codes of its own or of the packages it depends on. The merged set is one for the whole
 * program, so the compiler cannot hold a package to that; declaring each code only where
 * it is thrown is what keeps it true. (Two packages that throw the same code and do not
 * depend on one another both declare it; identical declarations merge.)
 */
export interface ErrorCodes {
  /** The runner sent SIGINT or SIGTERM (`CancelledError`). */
  Cancelled: true;
  /** A value (input, file field, record) breaks its rule; see `invalidValue`. */
  InvalidValue: true;
  /** A `GITHUB_*` variable the runner always sets is missing. */
  MissingRunContext: true;
  /** A poll reached its deadline. */
  Timeout: true;
  /** A poll made as many checks as it may. */
  CallBudgetExceeded: true;
  /** `poll()` was called with options that make no sense: a bug in the caller. */
  InvalidPollOptions: true;
  /** A step output would have held a masked value. */
  SecretInOutput: true;
  /** The post step's saved state is not JSON. */
  InvalidState: true;
}

/** One of the suite's error codes: core's and those every package adds to `ErrorCodes`. */
export type ErrorCode = keyof ErrorCodes;

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
  /** The suite's code for the failure, for callers that act on it (see `ErrorCodes`). */
  code?: ErrorCode;
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
  readonly code: ErrorCode | undefined;
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

/**
 * True for a DeployError whose code is one of `codes`, narrowed to it: the caught error of
 * a `catch` is `unknown`, and this checks and compares in one call, with the codes checked
 * against `ErrorCodes` when compiled.
 */
export function hasCode<C extends ErrorCode>(
  error: unknown,
  ...codes: C[]
): error is DeployError & { readonly code: C } {
  return error instanceof DeployError && error.code !== undefined && (codes as ErrorCode[]).includes(error.code);
}
