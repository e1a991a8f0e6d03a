import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { Tag } from "./state.ts";

/**
 * EC2 describe filters: `Filter.N.Name` with `Filter.N.Value.M`. Values of one filter are
 * alternatives, filters all apply; values may use `*` and `?` wildcards. Besides each
 * operation's own names, every taggable resource takes `tag:<key>`, `tag-key` and `tag-value`.
 */
export interface Filter {
  name: string;
  values: string[];
}

/** How to read a filterable field of an item; several values match if any does. */
export type FilterFields<T> = Record<string, (item: T) => string | number | boolean | readonly string[] | undefined>;

export function readFilters(params: QueryParams): Filter[] {
  return params.structs("Filter").map((f) => ({ name: f.requiredStr("Name"), values: f.strings("Value") }));
}

/** `*` matches any run of characters, `?` any one, everything else itself. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`));
  return new RegExp(`^${source}$`, "s").test(value);
}

export function applyFilters<T extends object>(
  items: readonly T[],
  filters: readonly Filter[],
  fields: FilterFields<T>,
): T[] {
  const tests = filters.map((filter) => {
    const read = fieldReader(filter.name, fields);
    return (item: T) => {
      const raw = read(item);
      const actual = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
      return filter.values.some((pattern) => actual.some((value: string) => wildcardMatch(pattern, value)));
    };
  });
  return items.filter((item) => tests.every((test) => test(item)));
}

function fieldReader<T extends object>(name: string, fields: FilterFields<T>): FilterFields<T>[string] {
  if (name.startsWith("tag:")) {
    const key = name.slice("tag:".length);
    return (item) =>
      tagsOf(item)
        .filter((t) => t.Key === key)
        .map((t) => t.Value);
  }
  if (name === "tag-key") return (item) => tagsOf(item).map((t) => t.Key);
  if (name === "tag-value") return (item) => tagsOf(item).map((t) => t.Value);
  const read = fields[name];
  if (!read) throw new AwsError("InvalidParameterValue", `The filter '${name}' is invalid`);
  return read;
}

function tagsOf(item: object): readonly Tag[] {
  return "tags" in item ? (item.tags as readonly Tag[]) : [];
}
