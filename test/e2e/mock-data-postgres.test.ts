// The PostgreSQL sink and the guard against a real PostgreSQL 15: what lands in the database,
// and that every refusal and every failure leaves it exactly as it was (counts and content
// hashes by SQL, before and after).
import { createHash } from "node:crypto";
import { deployErrorOf, memoryLogger } from "@deploy/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardSettings,
  SeedRefusedError,
} from "../../packages/mock-data/src/guard.ts";
import { type SeedSink, seedWith } from "../../packages/mock-data/src/seed-run.ts";
import { SCHEMA, type StandInPlan, standInGenerator, standInPlan } from "./mock-data-standin.ts";
import { postgresAvailable, queryRows, snapshot, type TestDatabase, testDatabase } from "./postgres.ts";

const PASSWORD = "deploy_test";

const guard = (overrides: Partial<GuardSettings> = {}): GuardSettings => ({
  environment: "stage",
  allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
  deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
  deniedHosts: ["*prod*"],
  createMarker: false,
  ...overrides,
});

describe.skipIf(!postgresAvailable)("seeding PostgreSQL", () => {
  let db: TestDatabase;
  const sink = (reset: "truncate" | "none" = "truncate"): SeedSink => ({ kind: "postgres", url: db.url, reset });
  const run = (
    plan: StandInPlan,
    options: {
      sink?: SeedSink;
      guard?: Partial<GuardSettings>;
      signal?: AbortSignal;
      generator?: ReturnType<typeof standInGenerator>;
    } = {},
  ) =>
    seedWith(
      { plan, sink: options.sink ?? sink(), guard: guard(options.guard) },
      { logger: memoryLogger(), signal: options.signal ?? new AbortController().signal },
      options.generator ?? standInGenerator(),
    );

  beforeEach(async () => {
    db = await testDatabase();
    await db.admin.query(SCHEMA);
  });
  afterEach(() => db.close());

  /** A database that holds a first seed: what a refusal or failure must leave as it is. */
  async function seeded(): Promise<void> {
    await run(standInPlan(50, { salt: "before" }), { guard: { createMarker: true } });
  }

  it("loads the counts asked, with deferred cycle columns set, no orphans and no duplicates", async () => {
    const result = await run(standInPlan(2500), { guard: { createMarker: true } });
    expect(result.tables.map((t) => [t.name, t.rows])).toEqual([
      ["users", 2500],
      ["orders", 7500],
    ]);
    expect(result.rows).toBe(10_000);
    expect(result.markerCreated).toBe(true);
    expect(result.sink).toMatch(/^postgres:\/\/127\.0\.0\.1:5432\/deploy_seed_/);
    expect(result.checks).toEqual([
      "environment",
      "denied-environments",
      "allowed-environments",
      "denied-hosts",
      "marker",
    ]);
    const [counts] = await queryRows<{ users: string; orders: string; favourites: string }>(
      db.url,
      "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM orders) AS orders, (SELECT count(favourite_order_id) FROM users) AS favourites",
    );
    expect(counts).toEqual({ users: "2500", orders: "7500", favourites: "1250" });
    const orphans = await queryRows(
      db.url,
      `SELECT o.id FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL
       UNION ALL SELECT u.id FROM users u LEFT JOIN orders o ON o.id = u.favourite_order_id
        WHERE u.favourite_order_id IS NOT NULL AND o.id IS NULL`,
    );
    expect(orphans).toEqual([]);
    const duplicates = await queryRows(db.url, "SELECT email FROM users GROUP BY email HAVING count(*) > 1");
    expect(duplicates).toEqual([]);
    // Columns the seed file does not name get the database's defaults.
    const [defaults] = await queryRows<{ missing: string }>(
      db.url,
      "SELECT count(*) AS missing FROM users WHERE created_at IS NULL",
    );
    expect(defaults?.missing).toBe("0");
  });

  it("hashes each table's COPY text with all columns, deferred values included", async () => {
    const plan = standInPlan(1200);
    const result = await run(plan, { guard: { createMarker: true } });
    for (const table of plan.tables) {
      const hash = createHash("sha256");
      for await (const chunk of standInGenerator().rows(plan, table.name, { format: "copy", withDeferred: true })) {
        hash.update(chunk);
      }
      expect(result.tables.find((t) => t.name === table.name)?.hash).toBe(hash.digest("hex"));
    }
    expect(result.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reset: truncate replaces the data of the seed file's tables", async () => {
    await seeded();
    await run(standInPlan(30, { salt: "after" }));
    const emails = await queryRows<{ email: string }>(db.url, "SELECT email FROM users ORDER BY id");
    expect(emails).toHaveLength(30);
    expect(emails.every((r) => r.email.endsWith(".after@example.com"))).toBe(true);
    expect((await snapshot(db.url)).orders?.rows).toBe(90);
  });

  it("reset: none adds to the data, and a clash rolls back everything", async () => {
    await seeded();
    const before = await snapshot(db.url);
    const error = await deployErrorOf(run(standInPlan(50, { salt: "before" }), { sink: sink("none") }));
    expect(error.code).toBe("SeedFailed");
    expect(error.what).toContain('loading table "users"');
    expect(error.what).toContain("rolled back");
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("a constraint the rows violate on a later table leaves the previous data exactly", async () => {
    await seeded();
    const before = await snapshot(db.url);
    const error = await deployErrorOf(run(standInPlan(3000, { salt: "bad", badFrom: 8000 })));
    expect(error.code).toBe("SeedFailed");
    expect(error.what).toContain('loading table "orders"');
    expect(error.why).toContain("total_positive");
    expect(error.message).not.toContain(PASSWORD);
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("cancelled mid-COPY, it stops and leaves the previous data exactly", async () => {
    await seeded();
    const before = await snapshot(db.url);
    const controller = new AbortController();
    const reason = new Error("cancelled by the test");
    reason.name = "AbortError";
    const generator = standInGenerator((table, index) => {
      if (table === "orders" && index === 3) controller.abort(reason);
    });
    await expect(run(standInPlan(3000, { salt: "cancelled" }), { signal: controller.signal, generator })).rejects.toBe(
      reason,
    );
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("refuses to truncate tables that others reference, before writing", async () => {
    await seeded();
    await db.admin.query("CREATE TABLE reviews (order_id integer REFERENCES orders (id))");
    const before = await snapshot(db.url);
    const error = await deployErrorOf(run(standInPlan(10)));
    expect(error.what).toContain("reviews");
    expect(error.what).toContain("orders");
    expect(error.fix).toContain("reset: none");
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("names a table that does not exist", async () => {
    const plan = standInPlan(10);
    (plan.tables[1] as { name: string }).name = "purchases";
    const error = await deployErrorOf(run(plan, { guard: { createMarker: true } }));
    expect(error.what).toContain('Table "purchases" does not exist');
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
      await seeded();
      const before = await snapshot(db.url);
      const error = await deployErrorOf(run(standInPlan(20, { salt: "refused" }), { guard: settings }));
      expect(error).toBeInstanceOf(SeedRefusedError);
      expect((error as SeedRefusedError).check).toBe(check);
      expect(error.what).toContain(`check "${check}"`);
      expect(error.fix).toBeTruthy();
      expect(error.message).not.toContain(PASSWORD);
      expect(await snapshot(db.url)).toEqual(before);
    });

    it("refuses a database without marker, and a failed load does not leave one behind", async () => {
      const before = await snapshot(db.url);
      const error = await deployErrorOf(run(standInPlan(20)));
      expect((error as SeedRefusedError).check).toBe("marker");
      expect(error.fix).toContain("create-marker: true");
      expect(await snapshot(db.url)).toEqual(before);
      await deployErrorOf(run(standInPlan(20, { badFrom: 0 }), { guard: { createMarker: true } }));
      expect(await snapshot(db.url)).toEqual(before);
    });

    it("creates the marker only when asked, once", async () => {
      const first = await run(standInPlan(20), { guard: { createMarker: true } });
      expect(first.markerCreated).toBe(true);
      expect(await queryRows(db.url, "SELECT environment FROM deploy_seed_marker")).toEqual([{ environment: "stage" }]);
      const again = await run(standInPlan(20), { guard: { environment: "STAGE", createMarker: true } });
      expect(again.markerCreated).toBe(false);
      expect(await queryRows(db.url, "SELECT environment FROM deploy_seed_marker")).toEqual([{ environment: "stage" }]);
    });
  });

  it("never shows the password, not even when the login fails", async () => {
    const url = new URL(db.url);
    url.password = "not-the-password-Zx9";
    const error = await deployErrorOf(
      run(standInPlan(5), { sink: { kind: "postgres", url: url.href, reset: "truncate" } }),
    );
    expect(error.code).toBe("DatabaseUnreachable");
    expect(error.what).toContain(`postgres://127.0.0.1:5432${url.pathname}`);
    expect(`${error.message} ${error.stack}`).not.toContain("not-the-password-Zx9");
  });
});
