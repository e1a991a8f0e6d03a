import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { fixturePlan, planOf } from "./generator-testing.ts";

const refused = (tables: string) => deployErrorFrom(() => planOf(tables));

describe("planSeed", () => {
  it("orders tables by dependency and defers a nullable ref that closes a cycle", () => {
    const plan = fixturePlan("shop.yaml");
    expect(plan.tables.map((t) => [t.name, t.deferred, t.key])).toEqual([
      ["products", [], "id"],
      ["users", ["favourite_order_id"], "id"],
      ["orders", [], "id"],
      ["order_items", [], "id"],
    ]);
    const orders = plan.tables.find((t) => t.name === "orders");
    expect(orders?.per?.table).toBe("users");
    expect(orders?.rows).toBe(orders?.per?.offsets[200]);
  });

  it("refuses a cycle with no nullable column, naming the cycle", () => {
    const error = refused(`
a:
  count: 1
  columns: { id: { sequence: {} }, b_id: { ref: b.id } }
b:
  count: 1
  columns: { id: { sequence: {} }, a_id: { ref: a.id } }
`);
    expect(error.message).toContain("a.b_id → b.a_id → a");
    expect(error.fix).toContain("null-rate");
  });

  it.each([
    ["a ref to an unknown table", "x: { ref: nowhere.id }", "tables.t.columns.x.ref", "nowhere"],
    ["a ref to an unknown column", "x: { ref: t.nope }", "tables.t.columns.x.ref", "nope"],
    ["a ref to a column that is not a key", "x: { ref: t.plan }", "not a key", "t.plan"],
    ["parent without per", "x: { parent: id }", "tables.t.columns.x.parent", "per"],
    ["unique on one-of", "x: { one-of: [a, b], unique: true }", "tables.t.columns.x.unique", "one-of"],
    ["unique on a number", "x: { number: { min: 1, max: 9 }, unique: true }", "cannot be unique", "sequence"],
    ["date-after a column that is not a date", "x: { date: { after: plan, within: 1d } }", "not a date", "plan"],
  ])("refuses %s, naming the path", (_, column, path, detail) => {
    const error = refused(`
t:
  count: 3
  columns:
    id: { sequence: {} }
    plan: { one-of: [a, b] }
    ${column}
`);
    expect(error.code).toBe("SeedFileInvalid");
    expect(`${error.message}`).toContain(path);
    expect(`${error.message} ${error.fix}`).toContain(detail);
  });

  it("refuses deferred columns on a table without a key to set them by", () => {
    const error = refused(`
a:
  count: 2
  columns: { name: { faker: person.firstName }, b_id: { ref: b.id, null-rate: 0.5 } }
b:
  count: { per: a, min: 1, max: 1 }
  columns: { id: { uuid: {} } }
`);
    expect(error.message).toContain("tables.a needs a key column for its deferred column b_id");
  });
});
