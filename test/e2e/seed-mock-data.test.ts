// End-to-end: the bundled seed-mock-data step fills a real PostgreSQL 15 database from
// shop.yaml (foreign keys, a unique email, JSONB, an enum, a cycle through a nullable
// column). What landed is checked by SQL, independently of the seeder: counts, orphans,
// duplicates, per-table and per-column hashes; then reset, a failed load, and the files sink.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ActionRun } from "@deploy/test/harness";
import { afterEach, expect, it } from "vitest";
import { queryRows, snapshot, type TestDatabase } from "./postgres.ts";
import {
  columnHashes,
  counts,
  describeWithPostgres,
  errors,
  SEEDS,
  SHOP_TABLES,
  seedMockData,
  shopDatabase,
} from "./seed-mock-data-support.ts";

/** The step succeeded; its error otherwise, to see why. */
function succeeded(run: ActionRun): void {
  expect(run.main.outcome, errors(run)).toBe("success");
}

describeWithPostgres("seed-mock-data against PostgreSQL", () => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });
  async function database(marker: string | null = "stage"): Promise<TestDatabase> {
    const db = await shopDatabase(marker);
    open.push(db);
    return db;
  }

  it("fills every table as asked: counts, no orphan foreign keys, unique emails, the cycle set", async () => {
    const db = await database();
    const run = await seedMockData({ "database-url": db.url });
    succeeded(run);

    const rows = JSON.parse(run.outputs.rows as string) as Record<string, number>;
    expect(Object.keys(rows).sort()).toEqual([...SHOP_TABLES].sort());
    expect(await counts(db.url)).toEqual(rows);
    expect(rows.users).toBe(200);
    expect(rows.products).toBe(50);
    // Per parent: orders 0-5 per user, order items 1-3 per order.
    expect(rows.orders).toBeGreaterThan(200);
    expect(rows.orders).toBeLessThanOrEqual(5 * 200);
    expect(rows.order_items).toBeGreaterThanOrEqual(rows.orders as number);
    expect(rows.order_items).toBeLessThanOrEqual(3 * (rows.orders as number));

    const [orphans] = await queryRows<Record<string, string>>(
      db.url,
      `SELECT
         (SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL) AS orders_user,
         (SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL) AS items_order,
         (SELECT count(*) FROM order_items i LEFT JOIN products p ON p.id = i.product_id WHERE p.id IS NULL) AS items_product,
         (SELECT count(*) FROM users u LEFT JOIN orders o ON o.id = u.favourite_order_id
            WHERE u.favourite_order_id IS NOT NULL AND o.id IS NULL) AS users_favourite`,
    );
    expect(orphans).toEqual({ orders_user: "0", items_order: "0", items_product: "0", users_favourite: "0" });

    const [unique] = await queryRows<Record<string, string>>(
      db.url,
      `SELECT count(*) AS users, count(DISTINCT email) AS emails, count(DISTINCT lower(email)) AS emails_any_case,
              count(favourite_order_id) AS favourites, count(DISTINCT status) AS statuses,
              count(*) FILTER (WHERE jsonb_typeof(settings) = 'object') AS json_objects FROM users`,
    );
    expect(unique?.emails).toBe(unique?.users);
    expect(unique?.emails_any_case).toBe(unique?.users);
    // The cycle's second pass: null-rate 0.5 leaves about half set.
    expect(Number(unique?.favourites)).toBeGreaterThan(50);
    expect(Number(unique?.favourites)).toBeLessThan(150);
    expect(Number(unique?.statuses)).toBeGreaterThan(1);
    expect(unique?.json_objects).toBe("200");

    expect(run.outputs["data-hash"]).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(run.outputs["duration-seconds"])).toBeGreaterThan(0);
    expect(Number(run.outputs["rows-per-second"])).toBeGreaterThan(0);
    const target = `postgres://127.0.0.1:5432/${new URL(db.url).pathname.slice(1)}`;
    expect(run.summary).toContain(target);
    for (const table of SHOP_TABLES) expect(run.summary).toContain(`| ${table} |`);
    expect(run.summary).toContain("match no denied-hosts pattern");
    expect(run.summary).toContain("The database's marker names **stage**");
  });

  it("writes identical data on two runs and with another number of workers: per-table hashes by SQL, data-hash", async () => {
    const [one, two] = [await database(), await database()];
    const first = await seedMockData({ "database-url": one.url, workers: "1" });
    const second = await seedMockData({ "database-url": two.url, workers: "2" });
    succeeded(first);
    succeeded(second);

    const a = await snapshot(one.url, SHOP_TABLES);
    expect(await snapshot(two.url, SHOP_TABLES)).toEqual(a);
    expect(a.users?.rows).toBe(200);
    expect(second.outputs["data-hash"]).toBe(first.outputs["data-hash"]);
    expect(second.outputs.rows).toBe(first.outputs.rows);
  });

  it("adding a column changes no other column (per-column hashes by SQL)", async () => {
    const [plain, extra] = [await database(), await database()];
    await extra.admin.query("ALTER TABLE users ADD COLUMN nickname text");
    succeeded(await seedMockData({ "database-url": plain.url }));
    succeeded(await seedMockData({ "database-url": extra.url, "seed-file": "shop-extra-column.yaml" }));

    const before = await columnHashes(plain.url);
    const after = await columnHashes(extra.url);
    const { "users.nickname": nickname, ...others } = after;
    expect(others).toEqual(before);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    const [set] = await queryRows<{ n: string }>(extra.url, "SELECT count(nickname) AS n FROM users");
    expect(Number(set?.n)).toBeGreaterThan(100);
    expect(nickname).not.toBe(before["users.full_name"]);
  });

  it("reset: truncate replaces the seed file's tables and no others; none adds and fails on the keys, leaving the data", async () => {
    const db = await database();
    await db.admin.query("CREATE TABLE audit_log (id int PRIMARY KEY, note text)");
    await db.admin.query("INSERT INTO audit_log VALUES (1, 'kept')");
    succeeded(await seedMockData({ "database-url": db.url }));
    const seeded = await snapshot(db.url);
    // Rows the seed file does not make: a reset removes them from its tables.
    await db.admin.query("INSERT INTO products (id, name, department, price) VALUES (1, 'Hand-made', 'Toys', 1)");

    const again = await seedMockData({ "database-url": db.url, reset: "truncate" });
    succeeded(again);
    expect(await snapshot(db.url)).toEqual(seeded);
    expect(await queryRows(db.url, "SELECT * FROM audit_log")).toEqual([{ id: 1, note: "kept" }]);

    const adding = await seedMockData({ "database-url": db.url, reset: "none" });
    expect(adding.main.outcome).toBe("failure");
    expect(await snapshot(db.url)).toEqual(seeded);
  });

  it("a load that fails in its last table leaves the previous data exactly as it was", async () => {
    const db = await database();
    succeeded(await seedMockData({ "database-url": db.url }));
    // Every order item has a quantity of 1 to 5: from now on 5 is refused, for new rows only.
    await db.admin.query("ALTER TABLE order_items ADD CONSTRAINT small_quantity CHECK (quantity < 5) NOT VALID");
    const before = await snapshot(db.url);

    const run = await seedMockData({ "database-url": db.url, reset: "truncate" });
    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain("order_items");
    expect(run.outputs).toEqual({});
    expect(await snapshot(db.url)).toEqual(before);
  });

  it.for(["ndjson", "csv"] as const)(
    "writes %s files, one per table, with every column, the cycle's values included",
    async (format) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "seed-mock-data-files-"));
      try {
        const run = await seedMockData({ "output-directory": dir, "output-format": format });
        succeeded(run);
        const rows = JSON.parse(run.outputs.rows as string) as Record<string, number>;
        for (const table of SHOP_TABLES) {
          const lines = readFileSync(path.join(dir, `${table}.${format}`), "utf8")
            .trimEnd()
            .split("\n");
          const records = format === "csv" ? lines.length - 1 : lines.length;
          expect(records, table).toBe(rows[table]);
        }
        const users = readFileSync(path.join(dir, `users.${format}`), "utf8")
          .trimEnd()
          .split("\n");
        if (format === "ndjson") {
          const parsed = users.map((line) => JSON.parse(line) as Record<string, unknown>);
          expect(Object.keys(parsed[0] as object)).toContain("favourite_order_id");
          expect(parsed.filter((u) => u.favourite_order_id !== null).length).toBeGreaterThan(50);
          expect(new Set(parsed.map((u) => u.email)).size).toBe(200);
          expect(typeof (parsed[0] as { settings: unknown }).settings).toBe("object");
        } else {
          expect(users[0]).toBe(
            "id,email,full_name,plan,status,signed_up_at,birthday,score,external_id,settings,favourite_order_id",
          );
        }
        expect(run.summary).toContain(`${format.toUpperCase()} files in \`${dir}\``);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("starts the bundle's worker threads, which write the same bytes as one thread", async () => {
    // Enough rows for the generator to use workers (it keeps small tables in one thread).
    const dir = mkdtempSync(path.join(os.tmpdir(), "seed-mock-data-workers-"));
    try {
      writeFileSync(
        path.join(dir, "many.yaml"),
        readFileSync(path.join(SEEDS, "bench.yaml"), "utf8")
          .replace("count: 100000", "count: 40000")
          .replace(/\n {2}orders:[\s\S]*$/, "\n"),
      );
      const run = (workers: string) =>
        seedMockData(
          { "seed-file": "many.yaml", "output-directory": path.join(dir, workers), workers },
          { workspace: dir },
        );
      const [one, two] = [await run("1"), await run("2")];
      succeeded(one);
      succeeded(two);
      expect(two.outputs.rows).toBe('{"users":40000}');
      expect(two.outputs["data-hash"]).toBe(one.outputs["data-hash"]);
      expect(readFileSync(path.join(dir, "2", "users.ndjson"))).toEqual(
        readFileSync(path.join(dir, "1", "users.ndjson")),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
