// Data hashes. A table's hash is the sha256 of its rows as PostgreSQL COPY text (see encode.ts: tab-separated,
// NULL as \N, backslash escapes), all columns in file order, deferred (cycle) columns with their values, one
// line per row in row order: exactly the bytes `generateRows(plan, table, { format: "copy", withDeferred: true })`
// yields, which the postgres sink sends, so it hashes them as they pass instead of generating twice.
import { createHash } from "node:crypto";

export interface TableHasher {
  update(chunk: Uint8Array): void;
  /** The hex digest; call once, after the last chunk. */
  digest(): string;
}

export function tableHasher(): TableHasher {
  const hash = createHash("sha256");
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    digest: () => hash.digest("hex"),
  };
}

/** The seed's hash: sha256 over "name=hash\n" lines of its tables, sorted by name (so load order does not count). */
export function dataHash(tableHashes: Record<string, string>): string {
  const lines = Object.keys(tableHashes)
    .sort()
    .map((name) => `${name}=${tableHashes[name]}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
