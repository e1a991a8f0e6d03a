import { DeployError } from "./errors.ts";

/**
 * What a value is, as error messages name it: an input (`Input "timeout"`) or a field of a
 * file (`"timeout" in seed.yml`). Every parser takes one, so that a bad value fails with the
 * same shape of message wherever it came from.
 */
export interface Subject {
  /** How messages name the value, e.g. `Input "timeout"`. */
  label: string;
  /** The action input the value came from, copied to `DeployError.input`. */
  input?: string;
  /** Shown as `***` in messages, so that a typo in a secret does not print the secret. */
  secret?: boolean;
}

/** Lets callers outside the input parser name a value with a plain string. */
export function subjectOf(about: string | Subject): Subject {
  return typeof about === "string" ? { label: about } : about;
}

/**
 * The error for a value that breaks a rule: `<label> <problem>. Got "<value>". <detail> <fix>`.
 * `detail` may quote the value, so it is left out for secrets.
 */
export function invalidValue(about: Subject, got: string, problem: string, fix: string, detail?: string): DeployError {
  const why = about.secret ? 'Got "***".' : [`Got "${got}".`, detail].filter(Boolean).join(" ");
  return new DeployError({
    what: `${about.label} ${problem}.`,
    why,
    fix,
    input: about.input,
    code: "InvalidValue",
  });
}

export interface Bounds<N> {
  min?: N;
  max?: N;
}

/**
 * Fails when `value` is outside `bounds`. `noun` and `show` write the range the way the
 * user would write it ("a duration from 1m to 6h", "a whole number of at least 1").
 */
export function checkBounds(
  value: number,
  got: string,
  about: Subject,
  bounds: Bounds<number>,
  noun: string,
  show: (n: number) => string = String,
): number {
  const { min, max } = bounds;
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return value;
  const range =
    min !== undefined && max !== undefined
      ? `from ${show(min)} to ${show(max)}`
      : min !== undefined
        ? `of at least ${show(min)}`
        : `of at most ${show(max as number)}`;
  throw invalidValue(about, got, "is out of range", `Write ${noun} ${range}.`);
}

/** `invalidValue` for an action input: `Input "<name>" <problem>. Got "<value>". <fix>` */
export function invalidInput(input: string, got: string, problem: string, fix: string): DeployError {
  return invalidValue({ label: `Input "${input}"`, input }, got, problem, fix);
}

/**
 * Runs a parser from another package, which speaks of records, templates or files rather
 * than inputs, and makes its error name the input (`input`, unless the error names one).
 */
export function forInput<T>(input: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    const named = error.input ?? input;
    if (error.input === named && error.what.includes(`"${named}"`)) throw error;
    const what = error.what.includes(`"${named}"`) ? error.what : `Input "${named}": ${error.what}`;
    const { why, fix, code, serviceCode } = error;
    throw new DeployError({ what, why, fix, input: named, code, serviceCode, cause: error });
  }
}
