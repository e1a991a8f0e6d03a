import { type Duration, parseDuration } from "./duration.ts";
import { DeployError } from "./errors.ts";
import type { Bounds, Subject } from "./invalid.ts";
import { setSecret } from "./secrets.ts";
import {
  parseBoolean,
  parseInteger,
  parseJson,
  parseKeyValues,
  parseList,
  parseOneOf,
  parsePercentage,
  type Validator,
  validated,
} from "./values.ts";

/** Reads an input's raw text by its name; `undefined` when it is not set. */
export type InputSource = (name: string) => string | undefined;

/** Where and how `@actions/core` reads inputs, so both see the same value. */
export const envInputs: InputSource = (name) => process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`]?.trim();

export interface InputOptions {
  /** Fail when the input is empty and has no default. */
  required?: boolean;
  /**
   * Used when the input is empty. Written as in a workflow (`"5m"`, `"true"`, `"a,b"`) and
   * parsed and checked like a value from one, so a default cannot break the rules.
   */
  default?: string;
  /** Masks the value as soon as it is read and shows it as `***` in errors. */
  secret?: boolean;
}

export interface ValidatedInputOptions<T> extends InputOptions {
  validate?: Validator<T>;
}

/** Options that guarantee a value, so the reader's result is not `undefined`. */
type Given = { required: true } | { default: string };

export interface InputReader<T, O extends InputOptions> {
  (name: string, options: O & Given): T;
  (name: string, options?: O): T | undefined;
}

/**
 * Typed, validated inputs. Every failure is a DeployError naming the input, showing the
 * value and saying how to write a valid one.
 */
export interface Inputs {
  string: InputReader<string, ValidatedInputOptions<string>>;
  /** true/false, yes/no, on/off, in any case. */
  boolean: InputReader<boolean, InputOptions>;
  integer: InputReader<number, InputOptions & Bounds<number>>;
  /** `90` or `90%`, from 0 to 100 unless `min`/`max` say otherwise. */
  percentage: InputReader<number, InputOptions & Bounds<number>>;
  /** `90s`, `15m`, `2h`, `1h30m` or `0`, in milliseconds; bounds in ms or as `"15m"`. */
  duration: InputReader<number, InputOptions & Bounds<Duration>>;
  /** Newline- or comma-separated; `validate` checks each item; `[]` when empty. */
  list(name: string, options?: ValidatedInputOptions<string>): string[];
  /** `KEY=VALUE` lines; `{}` when empty. Keys are shell variable names unless `key` checks them. */
  keyValues(name: string, options?: InputOptions & { key?: Validator<string> }): Record<string, string>;
  /** `T` is what `validate` checks for; without one it is a promise the caller makes. */
  json<T = unknown>(name: string, options: ValidatedInputOptions<unknown> & Given): T;
  json<T = unknown>(name: string, options?: ValidatedInputOptions<unknown>): T | undefined;
  oneOf<const V extends string>(name: string, allowed: readonly V[], options: InputOptions & Given): V;
  oneOf<const V extends string>(name: string, allowed: readonly V[], options?: InputOptions): V | undefined;
}

type Parse<T, O> = (text: string, about: Subject, options: O) => T;

/** Inputs read from `source`; tests pass a map's `get` and a `mask` spy. */
export function createInputs(source: InputSource = envInputs, mask: (value: string) => void = setSecret): Inputs {
  function read<T, O extends InputOptions>(name: string, parse: Parse<T, O>, options: O = {} as O): T | undefined {
    const about: Subject = { label: `Input "${name}"`, input: name, secret: options.secret };
    const text = source(name)?.trim() ?? "";
    if (text !== "") {
      if (options.secret) mask(text);
      return parse(text, about, options);
    }
    if (options.default !== undefined) return parse(options.default, about, options);
    if (!options.required) return undefined;
    throw new DeployError({
      what: `Input "${name}" is required.`,
      why: "It is empty or not set.",
      fix: `Set "${name}" under "with:" in the step; if its value comes from a variable or secret, define that for this environment.`,
      input: name,
      code: "InvalidValue",
    });
  }

  // The overloads promise `T`, not `T | undefined`, when an input is required or has a
  // default, which `read` guarantees at run time; the casts below tell the compiler so.
  const reader =
    <T, O extends InputOptions>(parse: Parse<T, O>): InputReader<T, O> =>
    (name: string, options?: O) =>
      read(name, parse, options) as T;

  return {
    string: reader<string, ValidatedInputOptions<string>>((text, about, o) => validated(text, text, about, o.validate)),
    boolean: reader(parseBoolean),
    integer: reader<number, InputOptions & Bounds<number>>(parseInteger),
    percentage: reader<number, InputOptions & Bounds<number>>(parsePercentage),
    duration: reader<number, InputOptions & Bounds<Duration>>(parseDuration),
    list: (name, options) => read(name, (text, about, o) => parseList(text, about, o.validate), options) ?? [],
    keyValues: (name, options) => read(name, parseKeyValues, options) ?? {},
    json: <T>(name: string, options?: ValidatedInputOptions<unknown>) =>
      read(name, (text, about, o) => parseJson<T>(text, about, o.validate), options) as T,
    oneOf: <V extends string>(name: string, allowed: readonly V[], options?: InputOptions) =>
      read(name, (text, about) => parseOneOf(text, about, allowed), options) as V,
  };
}

/** The step's inputs, read from the environment the runner sets. */
export const inputs: Inputs = createInputs();
