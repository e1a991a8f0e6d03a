// The PostgreSQL sink and the guard against a real PostgreSQL 15, with the fixture seed file
// and schema: what lands in the database, and that every refusal and every failure leaves it
// exactly as it was (row counts and content hashes computed by SQL, before and after).
import { readFileSync } from "node:fs";
import { memoryLogger } from "@deploy/core";
import { deployErrorOf } from "@deploy/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateRows } from "../../packages/mock-data/src/generate.ts";
import {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardSettings,
  SeedRefusedError,
} from "../../packages/mock-data/src/guard.ts";
import { dataHash, tableHasher } from "../../packages/mock-data/src/hash.ts";
import { planSeed, type SeedPlan } from "../../packages/mock-data/src/plan.ts";
import { type SeedSink, seed } from "../../packages/mock-data/src/seed.ts";
import { parseSeedFile } from "../../packages/mock-data/src/seed-file.ts";
import { seedWith } from "../../packages/mock-data/src/seed-run.ts";
import { loadSchema, postgresAvailable, queryRows, snapshot, type TestDatabase, testDatabase } from "./postgres.ts";

const FIXTURES = new URL("../fixtures/seed/", import.meta.url);
const SHOP = readFileSync(new URL("shop.yaml", FIXTURES), "utf8");
const PASSWORD = new URL(process.env.DEPLOY_TEST_DATABASE_URL ?? "postgres://x:none@h/d").password;

/** The fixture's plan with another seed number or more users. */
function shop(options: { seed?: number; users?: number } = {}): SeedPlan {
  let text = SHOP;
  if (options.seed !== undefined) text = text.replace(/^seed: \d+$/m, `seed: ${options.seed}`);
  if (options.users !== undefined) text = text.replace(/(users:\n\s+count: )\d+/, `$1${options.users}`);
  return planSeed(parseSeedFile(text));
}

const guard = (overrides: Partial<GuardSettings> = {}): GuardSettings => ({
  environment: "stage",
  allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
  deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
  deniedHosts: ["*prod*"],
  createMarker: false,
  ...overrides,
});

/** Rows per table by SQL. */
async function counts(url: string): Promise<Record<string, number>> {
  const snap = await snapshot(url, ["users", "products", "orders", "order_items"]);
  return Object.fromEntries(Object.entries(snap).map(([name, s]) => [name, s.rows]));
}

describe.skipIf(!postgresAvailable)("seeding PostgreSQL", () => {
  let db: TestDatabase;
  const sink = (reset: "truncate" | "none" = "truncate"): SeedSink => ({ kind: "postgres", url: db.url, reset });
  const run = (
    plan: SeedPlan,
    options: { sink?: SeedSink; guard?: Partial<GuardSettings>; signal?: AbortSignal } = {},
  ) =>
    seed(
      { plan, sink: options.sink ?? sink(), guard: guard(options.guard) },
      { logger: memoryLogger(), signal: options.signal ?? new AbortController().signal },
    );

  beforeEach(async () => {
    db = await testDatabase();
    await loadSchema(db.url, new URL("schema.sql", FIXTURES));
  });
  afterEach(() => db.close());

  /** A database that holds a first seed: what a refusal or failure must leave as it is. */
  async function seeded(): Promise<Record<string, { rows: number; hash: string }>> {
    await run(shop({ seed: 1 }), { guard: { createMarker: true } });
    return snapshot(db.url);
  }

  it("loads the counts planned, with the cycle column set, no orphans and no duplicates", async () => {
    const plan = shop();
    const result = await run(plan, { guard: { createMarker: true } });
    const planned = Object.fromEntries(plan.tables.map((t) => [t.name, t.rows]));
    expect(Object.fromEntries(result.tables.map((t) => [t.name, t.rows]))).toEqual(planned);
    expect(await counts(db.url)).toEqual(planned);
    expect(planned.users).toBe(200);
    expect(result.rows).toBe(Object.values(planned).reduce((a, b) => a + b, 0));
    expect(result.markerCreated).toBe(true);
    expect(result.sink).toMatch(/^postgres:\/\/127\.0\.0\.1:5432\/deploy_seed_[0-9a-f]+$/);
    expect(result.checks).toEqual([
      "environment",
      "denied-environments",
      "allowed-environments",
      "denied-hosts",
      "marker",
    ]);
    const orphans = await queryRows(
      db.url,
      `SELECT 'orders' AS t FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL
       UNION ALL SELECT 'order_items' FROM order_items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL
       UNION ALL SELECT 'order_items' FROM order_items i LEFT JOIN products p ON p.id = i.product_id WHERE p.id IS NULL
       UNION ALL SELECT 'users' FROM users u LEFT JOIN orders o ON o.id = u.favourite_order_id
        WHERE u.favourite_order_id IS NOT NULL AND o.id IS NULL`,
    );
    expect(orphans).toEqual([]);
    const duplicates = await queryRows(
      db.url,
      `SELECT email FROM users GROUP BY email HAVING count(*) > 1
       UNION ALL SELECT name FROM products GROUP BY name HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const [favourites] = await queryRows<{ set: string }>(db.url, "SELECT count(favourite_order_id) AS set FROM users");
    expect(Number(favourites?.set)).toBeGreaterThan(50);
  });

  it("hashes each table's COPY text with all columns, deferred values included, and repeats itself", async () => {
    const plan = shop();
    const first = await run(plan, { guard: { createMarker: true } });
    const expected: Record<string, string> = {};
    for (const table of plan.tables) {
      const hash = tableHasher();
      for await (const chunk of generateRows(plan, table.name, { format: "copy", withDeferred: true }))
        hash.update(chunk);
      expected[table.name] = hash.digest();
    }
    expect(Object.fromEntries(first.tables.map((t) => [t.name, t.hash]))).toEqual(expected);
    expect(first.dataHash).toBe(dataHash(expected));
    const before = await snapshot(db.url);
    const second = await run(shop());
    expect(second.dataHash).toBe(first.dataHash);
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("reset: truncate replaces the data of the seed file's tables", async () => {
    const before = await seeded();
    const result = await run(shop({ seed: 2 }));
    const after = await snapshot(db.url);
    expect(after.users?.hash).not.toBe(before.users?.hash);
    expect(after.deploy_seed_marker).toEqual(before.deploy_seed_marker);
    expect(await counts(db.url)).toEqual(Object.fromEntries(result.tables.map((t) => [t.name, t.rows])));
  });

  it("reset: none adds to the data, and a clash rolls back everything", async () => {
    const before = await seeded();
    const error = await deployErrorOf(run(shop({ seed: 1 }), { sink: sink("none") }));
    expect(error.code).toBe("SeedFailed");
    expect(error.what).toMatch(/loading table "(users|products)"/);
    expect(error.what).toContain("rolled back");
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("a constraint the rows violate in the last table leaves the previous data exactly", async () => {
    const before = await seeded();
    await db.admin.query("ALTER TABLE order_items ADD CONSTRAINT small_quantity CHECK (quantity < 5) NOT VALID");
    const error = await deployErrorOf(run(shop({ seed: 3 })));
    expect(error.code).toBe("SeedFailed");
    expect(error.what).toContain('loading table "order_items"');
    expect(error.why).toContain("small_quantity");
    expect(error.message).not.toContain(PASSWORD);
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("cancelled mid-COPY, it stops and leaves the previous data exactly", async () => {
    const before = await seeded();
    const controller = new AbortController();
    const reason = Object.assign(new Error("cancelled by the test"), { name: "AbortError" });
    let chunks = 0;
    const cancelling = seedWith(
      { plan: shop({ seed: 4, users: 20_000 }), sink: sink(), guard: guard() },
      { logger: memoryLogger(), signal: controller.signal },
      {
        async *rows(plan, table, options) {
          for await (const chunk of generateRows(plan, table, options)) {
            if (table === "orders" && ++chunks === 3) controller.abort(reason);
            yield chunk;
          }
        },
        hasher: tableHasher,
        dataHash,
      },
    );
    await expect(cancelling).rejects.toBe(reason);
    expect(chunks).toBe(3);
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("refuses to truncate tables that others reference, before writing", async () => {
    await seeded();
    await db.admin.query("CREATE TABLE reviews (order_id uuid REFERENCES orders (id))");
    const before = await snapshot(db.url);
    const error = await deployErrorOf(run(shop()));
    expect(error.what).toContain("reviews");
    expect(error.fix).toContain("reset: none");
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("names a table the database does not have", async () => {
    await db.admin.query("DROP TABLE order_items");
    const error = await deployErrorOf(run(shop(), { guard: { createMarker: true } }));
    expect(error.what).toContain('Table "order_items" does not exist');
    expect((await snapshot(db.url)).deploy_seed_marker).toBeUndefined();
  });

  describe("the guard", () => {
    const refusals: [string, Partial<GuardSettings>, string][] = [
      ["no environment", { environment: undefined }, "environment"],
      ["a production environment", { environment: "production" }, "denied-environments"],
      ["an environment not allowed", { environment: "demo" }, "allowed-environments"],
      ["a denied host", { deniedHosts: ["127.0.0.*"] }, "denied-hosts"],
      ["a denied database name", { deniedHosts: ["deploy_seed_*"] }, "denied-hosts"],
      ["another environment's marker", { environment: "qa" }, "marker"],
      ["another environment's marker, even with create-marker", { environment: "qa", createMarker: true }, "marker"],
    ];
    it.each(refusals)("refuses %s and leaves the database exactly as it was", async (_, settings, check) => {
      const before = await seeded();
      const error = await deployErrorOf(run(shop({ seed: 5 }), { guard: settings }));
      expect(error).toBeInstanceOf(SeedRefusedError);
      expect((error as SeedRefusedError).check).toBe(check);
      expect(error.what).toContain(`check "${check}"`);
      expect(error.fix).toBeTruthy();
      expect(error.message).not.toContain(PASSWORD);
      expect(await snapshot(db.url)).toEqual(before);
    });

    it("refuses a database without marker, and a failed load does not leave one behind", async () => {
      const before = await snapshot(db.url);
      const error = await deployErrorOf(run(shop()));
      expect((error as SeedRefusedError).check).toBe("marker");
      expect(error.fix).toContain("create-marker: true");
      expect(await snapshot(db.url)).toEqual(before);
      await db.admin.query("ALTER TABLE order_items ADD CONSTRAINT small_quantity CHECK (quantity < 5)");
      await deployErrorOf(run(shop(), { guard: { createMarker: true } }));
      expect(await snapshot(db.url)).toEqual(before);
    });

    it("creates the marker only when asked, once", async () => {
      const first = await run(shop(), { guard: { createMarker: true } });
      expect(first.markerCreated).toBe(true);
      expect(await queryRows(db.url, "SELECT environment FROM deploy_seed_marker")).toEqual([{ environment: "stage" }]);
      const again = await run(shop(), { guard: { environment: "STAGE", createMarker: true } });
      expect(again.markerCreated).toBe(false);
      expect(await queryRows(db.url, "SELECT environment FROM deploy_seed_marker")).toEqual([{ environment: "stage" }]);
    });
  });

  it("never shows the password, not even when the login fails", async () => {
    const url = new URL(db.url);
    url.password = "not-the-password-Zx9";
    const error = await deployErrorOf(run(shop(), { sink: { kind: "postgres", url: url.href, reset: "truncate" } }));
    expect(error.code).toBe("DatabaseUnreachable");
    expect(error.what).toContain(`postgres://127.0.0.1:5432${url.pathname}`);
    expect(`${error.message} ${error.stack}`).not.toContain("not-the-password-Zx9");
  });
});
