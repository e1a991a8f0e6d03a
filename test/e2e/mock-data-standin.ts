// A tiny stand-in for the generator, for the sink tests until the real one lands.
import { createHash } from "node:crypto";
import type { RowGenerator } from "../../packages/mock-data/src/seed-run.ts";
import type { SinkTable } from "../../packages/mock-data/src/sink.ts";

export const SCHEMA = `
CREATE TYPE user_status AS ENUM ('active', 'suspended');
CREATE TABLE users (
  id integer PRIMARY KEY,
  email text NOT NULL UNIQUE,
  status user_status NOT NULL,
  settings jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  favourite_order_id integer
);
CREATE TABLE orders (
  id integer PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  total numeric(10, 2) NOT NULL CONSTRAINT total_positive CHECK (total > 0)
);
ALTER TABLE users ADD FOREIGN KEY (favourite_order_id) REFERENCES orders (id);
`;

export interface StandInPlan {
  tables: SinkTable[];
  salt: string;
  /** orders' total is negative from this row on, to fail the load late. */
  badFrom?: number;
}

export function standInPlan(users: number, options: { salt?: string; badFrom?: number } = {}): StandInPlan {
  return {
    salt: options.salt ?? "a",
    badFrom: options.badFrom,
    tables: [
      {
        name: "users",
        rows: users,
        columns: ["id", "email", "status", "settings", "favourite_order_id"],
        deferred: ["favourite_order_id"],
        key: "id",
      },
      { name: "orders", rows: users * 3, columns: ["id", "user_id", "total"], deferred: [] },
    ],
  };
}

function value(plan: StandInPlan, table: string, column: string, row: number, users: number): string {
  if (column === "id") return String(row + 1);
  if (table === "users") {
    if (column === "email") return `user${row}.${plan.salt}@example.com`;
    if (column === "status") return row % 4 === 0 ? "suspended" : "active";
    if (column === "settings") return `{"theme": "${row % 2 ? "dark" : "light"}", "note": "tab\\\\there"}`;
    return row % 2 ? String(row * 3 + 1) : "\\N";
  }
  if (column === "user_id") return String((row % users) + 1);
  return plan.badFrom !== undefined && row >= plan.badFrom ? "-1.00" : `${(row % 500) + 1}.25`;
}

/** COPY text for `tables`, CSV and NDJSON simplified; chunks of 1000 rows. */
export function standInGenerator(onChunk?: (table: string, index: number) => void): RowGenerator<StandInPlan> {
  return {
    async *rows(plan, name, options) {
      const table = plan.tables.find((t) => t.name === name) as SinkTable;
      const users = (plan.tables[0] as SinkTable).rows;
      const columns = options.columns ?? table.columns;
      for (let start = 0, index = 0; start < table.rows; start += 1000, index++) {
        options.signal?.throwIfAborted();
        onChunk?.(name, index);
        const lines: string[] = [];
        for (let row = start; row < Math.min(start + 1000, table.rows); row++) {
          const values = columns.map((c) =>
            table.deferred.includes(c) && !options.withDeferred ? "\\N" : value(plan, name, c, row, users),
          );
          lines.push(
            options.format === "ndjson"
              ? JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i]])))
              : values.join(options.format === "csv" ? "," : "\t"),
          );
        }
        yield Buffer.from(`${lines.join("\n")}\n`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    hasher() {
      const hash = createHash("sha256");
      return { update: (chunk) => hash.update(chunk), digest: () => hash.digest("hex") };
    },
    dataHash(tableHashes) {
      const lines = Object.keys(tableHashes)
        .sort()
        .map((name) => `${name}=${tableHashes[name]}\n`);
      return createHash("sha256").update(lines.join("")).digest("hex");
    },
  };
}
