import { readFileSync } from "node:fs";
import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { FAKER_METHODS } from "./faker-data.ts";
import { type ColumnSpec, GENERATOR_VERSION, parseSeedFile, type SeedFile, type ValueSpec } from "./seed-file.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/seed/${name}`, import.meta.url), "utf8");

const HEAD = `version: 1
seed: 7
generator: 1
reference-date: 2026-01-01T00:00:00Z
`;

/** A seed file with one table `users` of 10 rows whose columns are `columns` (YAML lines). */
function withColumns(...columns: string[]): string {
  return `${HEAD}tables:\n  users:\n    count: 10\n    columns:\n${columns.map((c) => `      ${c}\n`).join("")}`;
}

function column(yaml: string): ColumnSpec {
  const [table] = parseSeedFile(withColumns(`c: ${yaml}`)).tables;
  const [spec] = table?.columns ?? [];
  if (!spec) throw new Error("no column");
  return spec;
}

const value = (yaml: string): ValueSpec => column(yaml).value;

describe("parseSeedFile", () => {
  describe("the fixtures", () => {
    it.each(["shop.yaml", "shop-extra-column.yaml", "bench.yaml"])("reads %s", (name) => {
      const seed = parseSeedFile(fixture(name), name);
      expect(seed.version).toBe(1);
      expect(seed.generator).toBe(GENERATOR_VERSION);
    });

    it("shop.yaml uses every kind of column, so the golden test covers them all", () => {
      const seed = parseSeedFile(fixture("shop.yaml"));
      const kinds = new Set<string>();
      const visit = (spec: ValueSpec) => {
        kinds.add(spec.kind);
        if (spec.kind === "json") for (const field of spec.fields) visit(field.value);
      };
      for (const table of seed.tables) for (const c of table.columns) visit(c.value);
      expect([...kinds].sort()).toEqual(
        [
          "date",
          "date-after",
          "faker",
          "json",
          "number",
          "one-of",
          "parent",
          "ref",
          "sequence",
          "uuid",
          "value",
        ].sort(),
      );
    });

    it("reads shop.yaml's header, tables in file order and a per-parent count", () => {
      const seed = parseSeedFile(fixture("shop.yaml"));
      expect(seed).toMatchObject({
        seed: 20261126,
        locales: ["en"],
        referenceDate: new Date("2026-01-01T00:00:00Z"),
      });
      expect(seed.tables.map((t) => t.name)).toEqual(["users", "products", "orders", "order_items"]);
      expect(seed.tables[2]?.count).toEqual({ per: "users", min: 0, max: 5 });
      expect(seed.tables[0]?.columns.find((c) => c.name === "email")).toEqual({
        name: "email",
        nullRate: 0,
        unique: true,
        value: { kind: "faker", method: "internet.email" },
      });
    });

    it("bench.yaml asks for exactly 100,000 users and 5 orders each", () => {
      const [users, orders] = parseSeedFile(fixture("bench.yaml")).tables;
      expect(users?.count).toBe(100_000);
      expect(orders?.count).toEqual({ per: "users", min: 5, max: 5 });
    });

    it("shop-extra-column.yaml is shop.yaml with one column more and nothing else changed", () => {
      const shop = parseSeedFile(fixture("shop.yaml"));
      const extra = parseSeedFile(fixture("shop-extra-column.yaml"));
      const users = extra.tables[0];
      if (!users) throw new Error("no users");
      const added = users.columns.filter((c) => !shop.tables[0]?.columns.some((s) => s.name === c.name));
      expect(added.map((c) => c.name)).toEqual(["nickname"]);
      const without: SeedFile = {
        ...extra,
        tables: extra.tables.map((t) => ({ ...t, columns: t.columns.filter((c) => c.name !== "nickname") })),
      };
      expect(without).toEqual(shop);
    });
  });

  describe("defaults", () => {
    it("locales are [en]; a column has no NULLs and is not unique", () => {
      const seed = parseSeedFile(withColumns("id: { uuid: {} }"));
      expect(seed.locales).toEqual(["en"]);
      expect(seed.tables[0]?.columns[0]).toEqual({ name: "id", nullRate: 0, unique: false, value: { kind: "uuid" } });
    });

    it("a sequence starts at 1 and steps by 1; empty options may be left out", () => {
      expect(value("{ sequence: {} }")).toEqual({ kind: "sequence", start: 1, step: 1 });
      expect(value("{ sequence: }")).toEqual({ kind: "sequence", start: 1, step: 1 });
      expect(value("{ uuid: }")).toEqual({ kind: "uuid" });
    });

    it("a number has 0 decimals; a date is a timestamp", () => {
      expect(value("{ number: { min: 1, max: 9 } }")).toEqual({ kind: "number", min: 1, max: 9, decimals: 0 });
      expect(value("{ date: { from: 2020-01-01, to: 2021-01-01 } }")).toMatchObject({ format: "timestamp" });
    });
  });

  describe("every kind of column", () => {
    it("faker", () => {
      expect(value("{ faker: person.fullName }")).toEqual({ kind: "faker", method: "person.fullName" });
    });

    it("one-of with weights keeps each value's YAML type", () => {
      expect(value("{ one-of: { free: 70, 1: 20, true: 5, null: 5 } }")).toEqual({
        kind: "one-of",
        choices: [
          { value: "free", weight: 70 },
          { value: 1, weight: 20 },
          { value: true, weight: 5 },
          { value: null, weight: 5 },
        ],
      });
    });

    it("one-of as a list has equal weights", () => {
      expect(value("{ one-of: [light, dark, 3] }")).toEqual({
        kind: "one-of",
        choices: [
          { value: "light", weight: 1 },
          { value: "dark", weight: 1 },
          { value: 3, weight: 1 },
        ],
      });
    });

    it("enum is one-of with equal weights", () => {
      expect(value("{ enum: [active, suspended] }")).toEqual(value("{ one-of: [active, suspended] }"));
    });

    it("number", () => {
      expect(value("{ number: { min: -5, max: 5.5, decimals: 2 } }")).toEqual({
        kind: "number",
        min: -5,
        max: 5.5,
        decimals: 2,
      });
    });

    it("date with spans from the reference date (a year is 365 days) and ISO dates", () => {
      expect(value("{ date: { from: -2y, to: 0d } }")).toEqual({
        kind: "date",
        from: new Date("2024-01-02T00:00:00Z"),
        to: new Date("2026-01-01T00:00:00Z"),
        format: "timestamp",
      });
      expect(value("{ date: { from: -90s, to: 0 } }")).toMatchObject({ from: new Date("2025-12-31T23:58:30Z") });
      expect(value("{ date: { from: 1950-01-01, to: '2005-12-31T12:00:00+02:00', format: date } }")).toEqual({
        kind: "date",
        from: new Date("1950-01-01T00:00:00Z"),
        to: new Date("2005-12-31T10:00:00Z"),
        format: "date",
      });
    });

    it("date after another date column of the row", () => {
      const [, after] =
        parseSeedFile(
          withColumns("placed: { date: { from: -1y, to: 0d } }", "shipped: { date: { after: placed, within: 7d } }"),
        ).tables[0]?.columns ?? [];
      expect(after?.value).toEqual({
        kind: "date-after",
        column: "placed",
        withinMs: 7 * 86_400_000,
        format: "timestamp",
      });
    });

    it("sequence", () => {
      expect(value("{ sequence: { start: 1000, step: -10 } }")).toEqual({ kind: "sequence", start: 1000, step: -10 });
    });

    it("json, nested, with NULL rates of its own", () => {
      expect(
        value(
          "{ json: { theme: { one-of: [light] }, n: { json: { on: { value: true }, x: { uuid: {} } } }, z: { value: 1, null-rate: 0.5 } } }",
        ),
      ).toEqual({
        kind: "json",
        fields: [
          { name: "theme", nullRate: 0, value: { kind: "one-of", choices: [{ value: "light", weight: 1 }] } },
          {
            name: "n",
            nullRate: 0,
            value: {
              kind: "json",
              fields: [
                { name: "on", nullRate: 0, value: { kind: "value", value: true } },
                { name: "x", nullRate: 0, value: { kind: "uuid" } },
              ],
            },
          },
          { name: "z", nullRate: 0.5, value: { kind: "value", value: 1 } },
        ],
      });
    });

    it("ref and parent", () => {
      expect(value("{ ref: orders.id }")).toEqual({ kind: "ref", table: "orders", column: "id" });
      expect(value("{ parent: id }")).toEqual({ kind: "parent", column: "id" });
    });

    it("value, including null", () => {
      expect(value("{ value: null }")).toEqual({ kind: "value", value: null });
      expect(value("{ value: 'x' }")).toEqual({ kind: "value", value: "x" });
    });

    it("null-rate and unique", () => {
      expect(column("{ faker: internet.email, unique: true, null-rate: 0.25 }")).toMatchObject({
        nullRate: 0.25,
        unique: true,
      });
    });

    it("every faker method the generator has", () => {
      for (const method of FAKER_METHODS) expect(value(`{ faker: ${method} }`)).toEqual({ kind: "faker", method });
    });
  });

  describe("bad seed files name the path, the value and the fix", () => {
    interface Bad {
      name: string;
      yaml: string;
      /** The start of `what`: the path as messages write it. */
      what: string;
      got?: string;
      fix: string | RegExp;
    }
    const bad: Bad[] = [
      {
        name: "a misspelt top-level key",
        yaml: `${HEAD}seeds: 1\n`,
        what: "s.yaml has an unknown key",
        got: "seeds",
        fix: /^Did you mean "seed"\? The keys here are "version", "seed"/,
      },
      {
        name: "a misspelt column option",
        yaml: withColumns("email: { faker: internet.email, nul-rate: 0.1 }"),
        what: '"tables.users.columns.email" in s.yaml has an unknown key "nul-rate"',
        got: "nul-rate",
        fix: /^Did you mean "null-rate"\?/,
      },
      {
        name: "a misspelt table key",
        yaml: `${HEAD}tables:\n  users:\n    rows: 10\n    columns: { id: { uuid: {} } }\n`,
        what: '"tables.users" in s.yaml has an unknown key "rows"',
        got: "rows",
        fix: 'The keys here are "count", "columns".',
      },
      {
        name: "a misspelt key of a number",
        yaml: withColumns("n: { number: { min: 0, maximum: 5 } }"),
        what: '"tables.users.columns.n.number" in s.yaml has an unknown key "maximum"',
        got: "maximum",
        fix: /^Did you mean "max"\?/,
      },
      {
        name: "an unknown faker method",
        yaml: withColumns("email: { faker: internet.emial }"),
        what: '"tables.users.columns.email.faker" in s.yaml is not a faker method the generator supports',
        got: "internet.emial",
        fix: /^Did you mean "internet.email"\? Write one of the faker methods listed in the README/,
      },
      {
        name: "a newer generator",
        yaml: HEAD.replace("generator: 1", "generator: 2"),
        what: '"generator" in s.yaml is newer than this suite\'s generator (1)',
        got: "2",
        fix: "Use a release of seed-mock-data that has generator 2, or write generator: 1 (other data).",
      },
      {
        name: "generator 0",
        yaml: HEAD.replace("generator: 1", "generator: 0"),
        what: '"generator" in s.yaml is not a generator this suite has',
        got: "0",
        fix: "Write generator: 1.",
      },
      {
        name: "no generator",
        yaml: HEAD.replace("generator: 1\n", ""),
        what: 's.yaml has no "generator"',
        fix: "Add generator: 1 to pin how values are made.",
      },
      {
        name: "another format version",
        yaml: HEAD.replace("version: 1", "version: 2"),
        what: '"version" in s.yaml is not a seed file format this suite reads',
        got: "2",
        fix: "Write version: 1.",
      },
      {
        name: "a seed that is not a whole number",
        yaml: HEAD.replace("seed: 7", "seed: 1.5"),
        what: '"seed" in s.yaml is not a whole number',
        got: "1.5",
        fix: "Write a whole number, like seed: 1.",
      },
      {
        name: "a seed YAML cannot hold exactly",
        yaml: HEAD.replace("seed: 7", "seed: 123456789012345678901"),
        what: '"seed" in s.yaml is not a whole number',
        fix: "Write a whole number, like seed: 1.",
      },
      {
        name: "no reference date",
        yaml: HEAD.replace(/reference-date.*\n/, ""),
        what: 's.yaml has no "reference-date"',
        fix: /^Add reference-date, the "now" of relative dates/,
      },
      {
        name: "a reference date without a zone",
        yaml: HEAD.replace("2026-01-01T00:00:00Z", "2026-01-01T00:00:00"),
        what: '"reference-date" in s.yaml is not a date',
        got: "2026-01-01T00:00:00",
        fix: 'Write a date like "2024-01-31", or a time with its zone like "2024-01-31T12:00:00Z".',
      },
      {
        name: "a reference date not on the calendar",
        yaml: HEAD.replace("2026-01-01T00:00:00Z", "2026-02-30"),
        what: '"reference-date" in s.yaml is not a date on the calendar',
        got: "2026-02-30",
        fix: /^Write a date like/,
      },
      {
        name: "an unknown locale",
        yaml: `${HEAD}locales: [en, dee]\n`,
        what: '"locales[1]" in s.yaml is not one of faker\'s locales',
        got: "dee",
        fix: /^Did you mean "de"\?/,
      },
      {
        name: "a locale twice",
        yaml: `${HEAD}locales: [en, en]\n`,
        what: '"locales" in s.yaml lists "en" twice',
        got: '["en","en"]',
        fix: "List each locale once.",
      },
      {
        name: "no tables",
        yaml: HEAD,
        what: 's.yaml has no "tables"',
        fix: /^Write the tables as a mapping/,
      },
      {
        name: "a table name PostgreSQL would need quoted",
        yaml: `${HEAD}tables:\n  order-items:\n    count: 1\n    columns: { id: { uuid: {} } }\n`,
        what: '"tables.order-items" in s.yaml has a table name "order-items" PostgreSQL cannot take unquoted',
        fix: /^Start a name with a letter or _/,
      },
      {
        name: "a table without count",
        yaml: `${HEAD}tables:\n  users:\n    columns: { id: { uuid: {} } }\n`,
        what: '"tables.users" in s.yaml has no "count"',
        fix: /^Write count: 1000 for a number of rows/,
      },
      {
        name: "a negative count",
        yaml: withColumns("id: { uuid: {} }").replace("count: 10", "count: -1"),
        what: '"tables.users.count" in s.yaml is out of range',
        got: "-1",
        fix: /^Write count: 1000/,
      },
      {
        name: "a per-parent count with min above max",
        yaml: withColumns("id: { uuid: {} }").replace("count: 10", "count: { per: orgs, min: 5, max: 2 }"),
        what: '"tables.users.count" in s.yaml has min above max',
        got: '{"per":"orgs","min":5,"max":2}',
        fix: /count: \{per: users, min: 0, max: 10\}/,
      },
      {
        name: "a per-parent count without max",
        yaml: withColumns("id: { uuid: {} }").replace("count: 10", "count: { per: orgs, min: 5 }"),
        what: '"tables.users.count" in s.yaml has no "max"',
        fix: /^Write count: 1000/,
      },
      {
        name: "a column without a kind",
        yaml: withColumns("email: { unique: true }"),
        what: '"tables.users.columns.email" in s.yaml says not how its values are made',
        got: '{"unique":true}',
        fix: /^Give exactly one of "faker", "one-of", "enum"/,
      },
      {
        name: "a column with two kinds",
        yaml: withColumns("email: { faker: internet.email, value: x }"),
        what: '"tables.users.columns.email" in s.yaml has 2 kinds of value',
        fix: /^Give exactly one of/,
      },
      {
        name: "a column that is not a mapping",
        yaml: withColumns("email: internet.email"),
        what: '"tables.users.columns.email" in s.yaml is not a mapping',
        got: "internet.email",
        fix: /like \{faker: person.firstName\}/,
      },
      {
        name: "a null rate above 1",
        yaml: withColumns("x: { uuid: {}, null-rate: 10 }"),
        what: '"tables.users.columns.x.null-rate" in s.yaml is out of range',
        got: "10",
        fix: "Write the share of NULLs from 0 to 1, like 0.1 for 10%.",
      },
      {
        name: "unique as text",
        yaml: withColumns("x: { uuid: {}, unique: 'yes' }"),
        what: '"tables.users.columns.x.unique" in s.yaml is not true or false',
        got: "yes",
        fix: "Write unique: true, or leave it out.",
      },
      {
        name: "a weight of 0",
        yaml: withColumns("plan: { one-of: { free: 70, pro: 0 } }"),
        what: '"tables.users.columns.plan.one-of.pro" in s.yaml is not above 0',
        got: "0",
        fix: /^Give each value a weight above 0/,
      },
      {
        name: "a weight that is not a number",
        yaml: withColumns("plan: { one-of: { free: lots } }"),
        what: '"tables.users.columns.plan.one-of.free" in s.yaml is not a number',
        got: "lots",
        fix: /^Give each value a weight above 0/,
      },
      {
        name: "a one-of value listed twice",
        yaml: withColumns("plan: { one-of: [free, pro, free] }"),
        what: '"tables.users.columns.plan.one-of" in s.yaml lists "free" twice',
        fix: "List each value once; for more of one, give weights.",
      },
      {
        name: "a one-of that is one value",
        yaml: withColumns("plan: { one-of: free }"),
        what: '"tables.users.columns.plan.one-of" in s.yaml is not a list or weights',
        got: "free",
        fix: /^Write a list like \[light, dark\]/,
      },
      {
        name: "an empty enum",
        yaml: withColumns("status: { enum: [] }"),
        what: '"tables.users.columns.status.enum" in s.yaml is not a list of items',
        got: "[]",
        fix: "Write the enum type's labels as a list, like [active, suspended].",
      },
      {
        name: "an enum label that is not text",
        yaml: withColumns("status: { enum: [active, 3] }"),
        what: '"tables.users.columns.status.enum[1]" in s.yaml is not text',
        got: "3",
        fix: "Write the enum type's labels as a list, like [active, suspended].",
      },
      {
        name: "a number with min above max",
        yaml: withColumns("n: { number: { min: 9, max: 1 } }"),
        what: '"tables.users.columns.n.number" in s.yaml has min above max',
        fix: /^Write number: \{min: 0, max: 100, decimals: 2\}/,
      },
      {
        name: "a number without max",
        yaml: withColumns("n: { number: { min: 9 } }"),
        what: '"tables.users.columns.n.number" in s.yaml has no "max"',
        fix: /^Write number:/,
      },
      {
        name: "too many decimals",
        yaml: withColumns("n: { number: { min: 0, max: 1, decimals: 11 } }"),
        what: '"tables.users.columns.n.number.decimals" in s.yaml is out of range',
        got: "11",
        fix: /decimals is from 0 to 10/,
      },
      {
        name: "a date that is neither a date nor a span",
        yaml: withColumns("d: { date: { from: yesterday, to: 0d } }"),
        what: '"tables.users.columns.d.date.from" in s.yaml is not a date or a span',
        got: "yesterday",
        fix: /or a span from reference-date like "-2y", "-30d" or "0d"\.$/,
      },
      {
        name: "a date span without a unit",
        yaml: withColumns("d: { date: { from: -30, to: 0d } }"),
        what: '"tables.users.columns.d.date.from" in s.yaml is not a date or a span',
        got: "-30",
        fix: /^Write a date like/,
      },
      {
        name: "a date range that ends before it starts",
        yaml: withColumns("d: { date: { from: 0d, to: -1y } }"),
        what: '"tables.users.columns.d.date" in s.yaml starts after it ends (2026-01-01T00:00:00.000Z > 2025-01-01T00:00:00.000Z)',
        fix: /^Write date: \{from: -2y, to: 0d\}/,
      },
      {
        name: "a date beyond year 9999",
        yaml: withColumns("d: { date: { from: 0d, to: 10000y } }"),
        what: '"tables.users.columns.d.date.to" in s.yaml is outside the years 1 to 9999',
        got: "10000y",
        fix: "Write a date between 0001-01-01 and 9999-12-31.",
      },
      {
        name: "a date format that does not exist",
        yaml: withColumns("d: { date: { from: 0d, to: 0d, format: datetime } }"),
        what: '"tables.users.columns.d.date.format" in s.yaml is not one of the allowed values',
        got: "datetime",
        fix: "Write format: timestamp, or format: date.",
      },
      {
        name: "a date after with from",
        yaml: withColumns("p: { date: { from: 0d, to: 0d } }", "s: { date: { after: p, within: 1d, from: 0d } }"),
        what: '"tables.users.columns.s.date" in s.yaml has both after and from',
        fix: /^Write date: \{after: placed_at, within: 7d\}/,
      },
      {
        name: "a date after without within",
        yaml: withColumns("p: { date: { from: 0d, to: 0d } }", "s: { date: { after: p } }"),
        what: '"tables.users.columns.s.date" in s.yaml has no "within"',
        fix: /^Write date: \{after: placed_at, within: 7d\}/,
      },
      {
        name: "a negative within",
        yaml: withColumns("p: { date: { from: 0d, to: 0d } }", "s: { date: { after: p, within: -1d } }"),
        what: '"tables.users.columns.s.date.within" in s.yaml is not a valid duration',
        got: "-1d",
        fix: /^Write a number followed by s, m, h, d or y \(365 days\)/,
      },
      {
        name: "a within of 0",
        yaml: withColumns("p: { date: { from: 0d, to: 0d } }", "s: { date: { after: p, within: 0d } }"),
        what: '"tables.users.columns.s.date.within" in s.yaml is not above 0',
        got: "0d",
        fix: /^Write date: \{after: placed_at, within: 7d\}/,
      },
      {
        name: "a sequence with step 0",
        yaml: withColumns("id: { sequence: { step: 0 } }"),
        what: '"tables.users.columns.id.sequence.step" in s.yaml is 0, which repeats one value',
        got: "0",
        fix: /step is not 0/,
      },
      {
        name: "options on a uuid",
        yaml: withColumns("id: { uuid: { version: 7 } }"),
        what: '"tables.users.columns.id.uuid" in s.yaml has an unknown key "version"',
        got: "version",
        fix: "Write uuid: {}.",
      },
      {
        name: "a ref without its column",
        yaml: withColumns("o: { ref: orders }"),
        what: '"tables.users.columns.o.ref" in s.yaml is not table.column',
        got: "orders",
        fix: "Write the table and column the value points to, like ref: orders.id.",
      },
      {
        name: "a ref inside json",
        yaml: withColumns("j: { json: { o: { ref: orders.id } } }"),
        what: '"tables.users.columns.j.json.o" in s.yaml has an unknown key "ref"',
        got: "ref",
        fix: /^The keys here are "null-rate", "faker"/,
      },
      {
        name: "unique inside json",
        yaml: withColumns("j: { json: { o: { uuid: {}, unique: true } } }"),
        what: '"tables.users.columns.j.json.o" in s.yaml has an unknown key "unique"',
        got: "unique",
        fix: /^The keys here are/,
      },
      {
        name: "a date after inside json",
        yaml: withColumns("j: { json: { o: { date: { after: x, within: 1d } } } }"),
        what: '"tables.users.columns.j.json.o.date" in s.yaml follows another column inside json',
        fix: "Use {from, to} inside json.",
      },
      {
        name: "an object as a constant value",
        yaml: withColumns("v: { value: { a: 1 } }"),
        what: '"tables.users.columns.v.value" in s.yaml is not a single value',
        got: '{"a":1}',
        fix: "Write one value, like value: null or value: 0; for objects use json.",
      },
      {
        name: "a parent column PostgreSQL would need quoted",
        yaml: withColumns("u: { parent: 'user id' }"),
        what: '"tables.users.columns.u.parent" in s.yaml is not a column name',
        got: "user id",
        fix: "Write the parent table's column, like parent: id.",
      },
      {
        name: "a table without columns",
        yaml: withColumns().replace("columns:\n", "columns: {}\n"),
        what: '"tables.users.columns" in s.yaml has no columns',
        fix: /^Write the columns as a mapping/,
      },
    ];

    it.each(bad)("$name", ({ yaml, what, got, fix }) => {
      const error = deployErrorFrom(() => parseSeedFile(yaml, "s.yaml"));
      expect(error.what).toContain(what);
      expect(error.what.startsWith(what)).toBe(true);
      if (got !== undefined) expect(error.why).toBe(`Got "${got}".`);
      if (typeof fix === "string") expect(error.fix).toBe(fix);
      else expect(error.fix).toMatch(fix);
    });

    it("names a file that is not YAML, with the line", () => {
      const error = deployErrorFrom(() => parseSeedFile(`${HEAD}tables: [\n`, "s.yaml"));
      expect(error.what).toBe("s.yaml is not valid YAML.");
      expect(error.why).toMatch(/line \d+/);
    });

    it("refuses a key written twice rather than keeping one of them", () => {
      const error = deployErrorFrom(() => parseSeedFile(`${HEAD}seed: 8\n`, "s.yaml"));
      expect(error.what).toBe("s.yaml is not valid YAML.");
      expect(error.why).toMatch(/unique/i);
    });

    it('calls the file "the seed file" when not told its name', () => {
      expect(deployErrorFrom(() => parseSeedFile("version: 1\n")).what).toBe('the seed file has no "reference-date".');
    });
  });
});
