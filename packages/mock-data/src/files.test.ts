import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { memoryLogger } from "@deploy/core";
import { deployErrorOf } from "@deploy/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { generateRows } from "./generate.ts";
import { DEFAULT_ALLOWED_ENVIRONMENTS, DEFAULT_DENIED_ENVIRONMENTS, type GuardSettings } from "./guard.ts";
import { dataHash, tableHasher } from "./hash.ts";
import { planSeed } from "./plan.ts";
import { seed } from "./seed.ts";
import { parseSeedFile } from "./seed-file.ts";
import { seedWith } from "./seed-run.ts";

const SEED = `
version: 1
seed: 7
generator: 1
locales: [en]
reference-date: 2026-01-01T00:00:00Z
tables:
  users:
    count: 5000
    columns:
      id: { sequence: {} }
      email: { faker: internet.email, unique: true }
      favourite_order_id: { ref: orders.id, null-rate: 0.5 }
  orders:
    count: { per: users, min: 0, max: 2 }
    columns:
      id: { sequence: {} }
      user_id: { parent: id }
      note: { value: "a, \\"quoted\\" note" }
`;
const plan = planSeed(parseSeedFile(SEED));
const guard: GuardSettings = {
  environment: "test",
  allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
  deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
  deniedHosts: [],
  createMarker: false,
};
const context = () => ({ logger: memoryLogger(), signal: new AbortController().signal });

describe("the files sink", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "seed-files-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("writes one NDJSON file per table, deferred columns with their values", async () => {
    const directory = path.join(tempDir(), "out");
    const result = await seed({ plan, sink: { kind: "files", directory, format: "ndjson" }, guard }, context());
    expect(readdirSync(directory).sort()).toEqual(["orders.ndjson", "users.ndjson"]);
    const users = readFileSync(path.join(directory, "users.ndjson"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(users).toHaveLength(5000);
    expect(Object.keys(users[0])).toEqual(["id", "email", "favourite_order_id"]);
    expect(users.some((u) => u.favourite_order_id !== null)).toBe(true);
    expect(new Set(users.map((u) => u.email)).size).toBe(5000);
    expect(result.sink).toBe(directory);
    expect(result.tables.map((t) => t.rows)).toEqual(plan.tables.map((t) => t.rows));
    expect(result.checks).toEqual(["environment", "denied-environments", "allowed-environments"]);
  });

  it("writes CSV with a header line, and the same bytes on every run", async () => {
    const [a, b] = [tempDir(), tempDir()];
    const first = await seed({ plan, sink: { kind: "files", directory: a, format: "csv" }, guard }, context());
    const second = await seed({ plan, sink: { kind: "files", directory: b, format: "csv" }, guard }, context());
    const orders = readFileSync(path.join(a, "orders.csv"), "utf8").split("\n");
    expect(orders[0]).toBe("id,user_id,note");
    expect(orders[1]).toMatch(/^1,\d+,"a, ""quoted"" note"$/);
    expect(readFileSync(path.join(b, "orders.csv"), "utf8")).toBe(orders.join("\n"));
    expect(second.dataHash).toBe(first.dataHash);
  });

  it("leaves no file behind, not even a partial one, when cancelled mid-table", async () => {
    const directory = tempDir();
    const controller = new AbortController();
    const reason = Object.assign(new Error("cancelled"), { name: "AbortError" });
    const cancelling = seedWith(
      { plan, sink: { kind: "files", directory, format: "csv" }, guard },
      { logger: memoryLogger(), signal: controller.signal },
      {
        async *rows(p, table, options) {
          for await (const chunk of generateRows(p, table, options)) {
            yield chunk;
            controller.abort(reason);
          }
        },
        hasher: tableHasher,
        dataHash,
      },
    );
    await expect(cancelling).rejects.toBe(reason);
    expect(readdirSync(directory)).toEqual([]);
  });

  it("refuses a production environment before writing anything", async () => {
    const directory = path.join(tempDir(), "never");
    const error = await deployErrorOf(
      seed(
        { plan, sink: { kind: "files", directory, format: "ndjson" }, guard: { ...guard, environment: "prod" } },
        context(),
      ),
    );
    expect(error.code).toBe("SeedRefused");
    expect(() => readdirSync(directory)).toThrow();
  });
});
