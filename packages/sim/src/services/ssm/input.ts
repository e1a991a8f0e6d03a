import { AwsError } from "../../protocol/errors.ts";

/**
 * Reads a JSON request body as SSM validates it: a missing required member or a value out of
 * range is a `ValidationException` whose message names the member in lower camel case, as
 * AWS's own messages do ("Value null at 'name' failed to satisfy constraint: ...").
 */
export type Input = Record<string, unknown>;

export function validationError(message: string): AwsError {
  return new AwsError("ValidationException", message);
}

function constraint(value: unknown, member: string, rule: string): AwsError {
  const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return validationError(
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

export function asInput(body: unknown): Input {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AwsError("SerializationException", "The request body must be a JSON object");
  }
  return body as Input;
}

function typed<T>(input: Input, name: string, check: (v: unknown) => v is T, type: string): T | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!check(value)) throw new AwsError("SerializationException", `${name} must be ${type}`);
  return value;
}

export function optionalString(input: Input, name: string): string | undefined {
  return typed(input, name, (v): v is string => typeof v === "string", "a string");
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === "") throw constraint(value, name, "Member must not be null");
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  return typed(input, name, (v): v is boolean => typeof v === "boolean", "a boolean");
}

export function optionalInteger(input: Input, name: string, range: { min: number; max: number }): number | undefined {
  const value = typed(input, name, (v): v is number => Number.isInteger(v), "an integer");
  if (value !== undefined && value < range.min) {
    throw constraint(value, name, `Member must have value greater than or equal to ${range.min}`);
  }
  if (value !== undefined && value > range.max) {
    throw constraint(value, name, `Member must have value less than or equal to ${range.max}`);
  }
  return value;
}

export function optionalStrings(input: Input, name: string): string[] | undefined {
  return typed(
    input,
    name,
    (v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string"),
    "a list of strings",
  );
}

export function optionalList(input: Input, name: string): Input[] | undefined {
  const list = typed(input, name, (v): v is unknown[] => Array.isArray(v), "a list");
  return list?.map(asInput);
}

/** Checks a list's length the way the service model bounds it. */
export function listLength<T>(list: T[], name: string, range: { min: number; max: number }): T[] {
  if (list.length < range.min) {
    throw constraint(`[${list.join(", ")}]`, name, `Member must have length greater than or equal to ${range.min}`);
  }
  if (list.length > range.max) {
    throw constraint(`[${list.join(", ")}]`, name, `Member must have length less than or equal to ${range.max}`);
  }
  return list;
}

/** Epoch seconds, as the JSON protocol sends timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
