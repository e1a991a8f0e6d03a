import { describe, expect, it } from "vitest";
import { CHUNK_ROWS } from "./chunks.ts";
import { generateRows } from "./generate.ts";
import { copyRows, fixturePlan, planOf, rowsText } from "./generator-testing.ts";
import { dataHash, tableHasher } from "./hash.ts";
import type { SeedPlan } from "./plan.ts";

async function tableHashes(plan: SeedPlan, workers = 1): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const table of plan.tables) {
    const hasher = tableHasher();
    for await (const chunk of generateRows(plan, table.name, { format: "copy", withDeferred: true, workers })) {
      hasher.update(chunk);
    }
    hashes[table.name] = hasher.digest();
  }
  return hashes;
}

// Enough rows for several chunks per worker, so that workers 2 and 3 interleave for real.
const wide = `
users:
  count: ${CHUNK_ROWS * 9 + 123}
  columns:
    id: { sequence: {} }
    email: { faker: internet.email, unique: true }
    name: { faker: person.fullName, null-rate: 0.1 }
    plan: { one-of: { free: 70, pro: 25, enterprise: 5 } }
    signed_up_at: { date: { from: -2y, to: 0d } }
    settings: { json: { theme: { one-of: [light, dark] } } }
    external_id: { uuid: {} }
`;

describe("generateRows", () => {
  it("pins the bytes of the shop fixture (golden)", async () => {
    // Changing any of these hashes changes the data every seed file pinned to generator 1 produces:
    // that is a new generator version (GENERATOR_VERSION), with generator 1 kept or refused, never an edit here.
    const hashes = await tableHashes(fixturePlan("shop.yaml"));
    expect(hashes).toEqual({
      products: "02ffe4058711b0194152324e4cdd02249259b1e1f70c4554c1c76dd0a1833375",
      users: "b50e3c5739d337c9215b94bac3a3d15591af2bbe74f42a2c3d4c02306e5dc9d6",
      orders: "16474ae01f18178fb17e72311b358ce878ef7bc19a197429292703dca5e9fff1",
      order_items: "4f1bafe7329e2bf41698272f6584b35562d1504143e7c9dd14b3315a6782c9bb",
    });
    expect(dataHash(hashes)).toBe("8cb902341a887a958b48c64bcea9f43067d17a14decb974dd97f0b78b1b31929");
  });

  it("gives the same bytes on every run, and other bytes for another seed", async () => {
    const plan = planOf(wide);
    expect(await rowsText(planOf(wide), "users")).toBe(await rowsText(plan, "users"));
    expect(await rowsText(planOf(wide, "seed: 8"), "users")).not.toBe(await rowsText(plan, "users"));
  });

  it("gives the same bytes with 1, 2 and 3 worker threads", async () => {
    const plan = planOf(wide);
    const inProcess = await rowsText(plan, "users", { workers: 1 });
    expect(await rowsText(plan, "users", { workers: 2 })).toBe(inProcess);
    expect(await rowsText(plan, "users", { workers: 3 })).toBe(inProcess);
  }, 60_000); // each worker loads faker's data and starts cold: seconds on a busy 2-core machine

  it("leaves every other column's bytes as they were when a column is added", async () => {
    const before = fixturePlan("shop.yaml");
    const after = fixturePlan("shop-extra-column.yaml");
    for (const table of before.tables) {
      const rowsBefore = await copyRows(before, table.name, { withDeferred: true });
      const rowsAfter = await copyRows(after, table.name, { columns: table.columns, withDeferred: true });
      expect(rowsAfter).toEqual(rowsBefore);
    }
    const nicknames = (await copyRows(after, "users", { columns: ["nickname"] })).map(([cell]) => cell);
    expect(new Set(nicknames).size).toBeGreaterThan(100);
  });

  it("writes deferred (cycle) columns as NULL unless asked for their values", async () => {
    const plan = fixturePlan("shop.yaml");
    expect(plan.tables.find((t) => t.name === "users")?.deferred).toEqual(["favourite_order_id"]);
    const first = await copyRows(plan, "users", { columns: ["id", "favourite_order_id"] });
    expect(first.every(([, favourite]) => favourite === "\\N")).toBe(true);
    const second = await copyRows(plan, "users", { columns: ["id", "favourite_order_id"], withDeferred: true });
    expect(second.filter(([, favourite]) => favourite !== "\\N").length).toBeGreaterThan(50);
  });

  it("streams in bounded chunks, in row order", async () => {
    const plan = planOf(wide);
    const sizes: number[] = [];
    for await (const chunk of generateRows(plan, "users", { format: "csv", columns: ["id"] })) {
      sizes.push(Buffer.from(chunk).toString().split("\n").length - 1);
    }
    expect(sizes.slice(0, -1).every((rows) => rows === CHUNK_ROWS)).toBe(true);
    expect(sizes.reduce((a, b) => a + b)).toBe(CHUNK_ROWS * 9 + 123);
  });

  it.each([1, 2])(
    "stops when its signal aborts (workers: %i)",
    async (workers) => {
      const controller = new AbortController();
      const plan = planOf(wide);
      let chunks = 0;
      const run = async () => {
        for await (const _ of generateRows(plan, "users", { format: "copy", workers, signal: controller.signal })) {
          chunks++;
          if (chunks === 2) controller.abort(new Error("cancelled"));
        }
      };
      await expect(run()).rejects.toThrow("cancelled");
      expect(chunks).toBe(2);
    },
    30_000,
  );

  it("ends its workers when the consumer stops early", async () => {
    const plan = planOf(wide);
    for await (const chunk of generateRows(plan, "users", { format: "copy", workers: 2 })) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    // Reaching here means the workers were terminated: a live worker would keep the run from ending cleanly.
  }, 30_000);
});
