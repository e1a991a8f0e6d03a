import { AwsError } from "./errors.ts";

/**
 * Reads a Query-protocol request (form-encoded, flattened keys) the way the service does.
 * Lists arrive as `Name.1`, `Name.2` (EC2) or `Name.member.1` (Auto Scaling); structures as
 * `Name.Field`. A reader is scoped to a prefix, so nested shapes read like top-level ones:
 * `q.structs("Filter").map((f) => [f.str("Name"), f.strings("Value")])`.
 */
export class QueryParams {
  private readonly flat: Map<string, string>;
  private readonly prefix: string;

  constructor(flat: Map<string, string>, prefix = "") {
    this.flat = flat;
    this.prefix = prefix;
  }

  static parse(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  has(name: string): boolean {
    const key = this.key(name);
    for (const k of this.flat.keys()) if (k === key || k.startsWith(`${key}.`)) return true;
    return false;
  }

  str(name: string): string | undefined {
    return this.flat.get(this.key(name));
  }

  requiredStr(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === "") {
      throw new AwsError("MissingParameter", `The request must contain the parameter ${name}`);
    }
    return value;
  }

  int(name: string): number | undefined {
    const value = this.str(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw new AwsError("ValidationError", `Value '${value}' for ${name} is not an integer`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const value = this.str(name);
    return value === undefined ? undefined : value === "true";
  }

  /** The indices of a list, whichever flattening the service uses. */
  private listKeys(name: string): string[] {
    const base = this.key(name);
    const indices = new Map<number, string>();
    for (const k of this.flat.keys()) {
      for (const listPrefix of [`${base}.member.`, `${base}.`]) {
        if (!k.startsWith(listPrefix)) continue;
        const index = Number.parseInt(k.slice(listPrefix.length), 10);
        if (Number.isInteger(index) && !indices.has(index)) indices.set(index, `${listPrefix}${index}`);
        break;
      }
    }
    return [...indices.entries()].sort((a, b) => a[0] - b[0]).map(([, key]) => key);
  }

  strings(name: string): string[] {
    return this.listKeys(name)
      .map((k) => this.flat.get(k))
      .filter((v): v is string => v !== undefined);
  }

  struct(name: string): QueryParams | undefined {
    return this.has(name) ? new QueryParams(this.flat, this.key(name)) : undefined;
  }

  structs(name: string): QueryParams[] {
    return this.listKeys(name).map((k) => new QueryParams(this.flat, k));
  }

  /** EC2 and Auto Scaling `Tags`/`Tag` lists of `{Key, Value}`. */
  tags(name: string): { Key: string; Value: string }[] {
    return this.structs(name).map((t) => ({ Key: t.requiredStr("Key"), Value: t.str("Value") ?? "" }));
  }

  /** Every flattened key, for handlers that pass a sub-structure through. */
  entries(): [string, string][] {
    const p = this.prefix ? `${this.prefix}.` : "";
    return [...this.flat.entries()].filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]);
  }
}
