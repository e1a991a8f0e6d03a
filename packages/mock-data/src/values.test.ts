import { describe, expect, it } from "vitest";
import { FAKER_METHODS } from "./faker-data.ts";
import { copyRows, fixturePlan, planOf } from "./generator-testing.ts";
import { isoDate, isoTimestamp } from "./values.ts";

const DAY = 86_400_000;

describe("values", () => {
  it("makes unique columns unique on 100,000 rows, whatever faker's data repeats", async () => {
    const uniqueMethods = [
      "internet.email",
      "internet.username",
      "person.fullName",
      "commerce.productName",
      "lorem.word",
    ];
    const plan = planOf(`
items:
  count: 100000
  columns:
    id: { sequence: { start: 5, step: 3 } }
    external_id: { uuid: {} }
${uniqueMethods.map((method, i) => `    u${i}: { faker: ${method}, unique: true }`).join("\n")}
`);
    const rows = await copyRows(plan, "items");
    plan.tables[0]?.columns.forEach((name, column) => {
      expect(new Set(rows.map((row) => row[column])).size, name).toBe(100_000);
    });
    expect(rows[0]?.[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rows[0]?.[2]).toMatch(/^[a-z0-9]+\.[a-z0-9]+\.0@[a-z.]+$/);
  });

  it("points every ref at an existing key, and keeps a parent's children together", async () => {
    const plan = fixturePlan("shop.yaml");
    const users = await copyRows(plan, "users", { withDeferred: true });
    const orders = await copyRows(plan, "orders");
    const items = await copyRows(plan, "order_items");
    const products = await copyRows(plan, "products");
    const orderIds = new Set(orders.map((row) => row[0]));
    const favourites = users.map((row) => row[10]).filter((id) => id !== "\\N");
    expect(favourites.length).toBeGreaterThan(0);
    expect(favourites.every((id) => orderIds.has(id))).toBe(true);
    const productIds = new Set(products.map((row) => row[0]));
    expect(items.every((row) => productIds.has(row[2]))).toBe(true);

    // orders: { per: users, min: 0, max: 5 }; user_id is the parent's id, children contiguous.
    const userIds = users.map((row) => row[0]);
    const counts = new Map<string, number>();
    let previous = "";
    for (const [, userId] of orders) {
      if (userId !== previous) expect(counts.has(userId as string)).toBe(false); // contiguous
      counts.set(userId as string, (counts.get(userId as string) ?? 0) + 1);
      previous = userId as string;
    }
    expect([...counts.keys()].every((id) => userIds.includes(id))).toBe(true);
    expect([...counts.values()].every((n) => n >= 1 && n <= 5)).toBe(true);
    expect(counts.size).toBeLessThan(userIds.length); // some users drew 0 orders
    expect(orders.length).toBe(plan.tables.find((t) => t.name === "orders")?.rows);
    // order_items: { per: orders, min: 1, max: 3 }: every order has 1-3 items.
    const perOrder = new Map<string, number>();
    for (const [, orderId] of items) perOrder.set(orderId as string, (perOrder.get(orderId as string) ?? 0) + 1);
    expect(perOrder.size).toBe(orders.length);
    expect([...perOrder.values()].every((n) => n >= 1 && n <= 3)).toBe(true);
  });

  it("draws NULLs and weighted choices at about their rates", async () => {
    const plan = planOf(`
t:
  count: 100000
  columns:
    maybe: { value: x, null-rate: 0.3 }
    plan: { one-of: { free: 70, pro: 25, enterprise: 5 } }
`);
    const rows = await copyRows(plan, "t");
    const share = (column: number, value: string) => rows.filter((row) => row[column] === value).length / rows.length;
    expect(share(0, "\\N")).toBeCloseTo(0.3, 1);
    expect(share(1, "free")).toBeCloseTo(0.7, 1);
    expect(share(1, "enterprise")).toBeCloseTo(0.05, 1);
  });

  it("keeps numbers, dates and date-after within their ranges", async () => {
    const plan = planOf(`
t:
  count: 20000
  columns:
    total: { number: { min: 1, max: 500, decimals: 2 } }
    placed_at: { date: { from: -1y, to: 0d } }
    shipped_at: { date: { after: placed_at, within: 7d }, null-rate: 0.1 }
    birthday: { date: { from: 1950-01-01, to: 2005-12-31, format: date } }
`);
    const end = Date.parse("2026-01-01T00:00:00Z");
    for (const [total, placed, shipped, birthday] of await copyRows(plan, "t")) {
      expect(Number(total)).toBeGreaterThanOrEqual(1);
      expect(Number(total)).toBeLessThanOrEqual(500);
      expect(total).toMatch(/^\d+(\.\d{1,2})?$/);
      const placedMs = Date.parse(placed as string);
      expect(placedMs).toBeGreaterThanOrEqual(end - 365 * DAY);
      expect(placedMs).toBeLessThanOrEqual(end);
      if (shipped !== "\\N") {
        expect(Date.parse(shipped as string)).toBeGreaterThan(placedMs);
        expect(Date.parse(shipped as string)).toBeLessThanOrEqual(placedMs + 7 * DAY);
      }
      expect(birthday).toMatch(/^(19[5-9]\d|200[0-5])-\d\d-\d\d$/);
    }
  });

  it("writes ISO timestamps and dates as Date does", () => {
    for (const ms of [0, -1, 951_782_400_000, 1_767_225_599_999, -62_167_219_200_000, 253_402_300_799_999, 1e15]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      expect(isoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });

  it("supports every listed faker method, in another locale too", async () => {
    const columns = FAKER_METHODS.map((method, i) => `    c${i}: { faker: ${method} }`).join("\n");
    for (const locales of ["[en]", "[de, en]"]) {
      const rows = await copyRows(
        planOf(`t:\n  count: 50\n  columns:\n${columns}`, `seed: 1\nlocales: ${locales}`),
        "t",
      );
      for (const row of rows) expect(row.every((cell) => cell.length > 0 && cell !== "\\N")).toBe(true);
    }
  });
});
