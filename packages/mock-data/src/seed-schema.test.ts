import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAKER_METHODS } from "./faker-data.ts";
import { COLUMN_KINDS } from "./seed-columns.ts";
import { IDENTIFIER } from "./seed-fields.ts";
import { parseSeedFile, SEED_FILE_KEYS } from "./seed-file.ts";

// seed.schema.json is for editors; the parser is what runs. Both list the keys of every level,
// so a key added to one and not the other fails here instead of in a user's editor.

interface Schema {
  pattern?: string;
  properties?: Record<string, Schema & { description?: string }>;
  oneOf?: Schema[];
  required?: string[];
  enum?: unknown[];
  $defs?: Record<string, Schema>;
  $ref?: string;
  description?: string;
}

const schema = JSON.parse(readFileSync(new URL("../seed.schema.json", import.meta.url), "utf8")) as Schema;
const defs = schema.$defs ?? {};
const def = (name: string): Schema => defs[name] ?? {};

/** The property names of a schema, or of all its oneOf variants together. */
function keysOf(node: Schema): string[] {
  const variants = [node, ...(node.oneOf ?? [])];
  return [...new Set(variants.flatMap((variant) => Object.keys(variant.properties ?? {})))];
}

const schemaKeys: Record<keyof typeof SEED_FILE_KEYS, Schema> = {
  file: schema,
  table: def("table"),
  count: def("count"),
  column: def("column"),
  jsonField: def("jsonField"),
  number: def("number"),
  date: def("date"),
  sequence: def("sequence"),
};

describe("seed.schema.json", () => {
  it("is JSON Schema draft 2020-12", () => {
    expect((schema as { $schema?: string }).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it.each(Object.entries(schemaKeys))("lists the same %s keys as the parser", (level, node) => {
    expect(keysOf(node).sort()).toEqual([...SEED_FILE_KEYS[level as keyof typeof SEED_FILE_KEYS]].sort());
  });

  it("asks a column for exactly one kind, the parser's kinds", () => {
    const required = (def("column").oneOf ?? []).map((variant) => variant.required?.join());
    expect(required.sort()).toEqual([...COLUMN_KINDS].sort());
  });

  it("offers the generator's faker methods", () => {
    expect(def("faker").enum).toEqual([...FAKER_METHODS]);
  });

  it("describes every key, for the editor's hover", () => {
    const undescribed: string[] = [];
    const visit = (name: string, node: Schema) => {
      for (const variant of [node, ...(node.oneOf ?? [])]) {
        for (const [key, property] of Object.entries(variant.properties ?? {})) {
          const target = property.$ref ? def(property.$ref.replace("#/$defs/", "")) : property;
          if (!property.description && !target.description) undescribed.push(`${name}.${key}`);
        }
      }
    };
    visit("file", schema);
    for (const [name, node] of Object.entries(defs)) visit(name, node);
    expect(undescribed).toEqual([]);
  });

  it("writes names as the parser takes them", () => {
    expect(def("identifier").pattern).toBe(IDENTIFIER.source);
  });

  // The schema's span pattern is the editor's copy of core's duration syntax: the same spans pass both.
  it.each(["-2y", "0d", "0", "-0", "90s", "1y 30d", "1d12h", "2h"])("takes the span %j, as the parser does", (span) => {
    expect(new RegExp(def("span").pattern ?? "").test(span)).toBe(true);
    expect(() => dateFrom(span)).not.toThrow();
  });

  it.each(["2 years", "-", "5w", "30d2y", "- 5m", "1.5y", "5"])("refuses the span %j, as the parser does", (span) => {
    expect(new RegExp(def("span").pattern ?? "").test(span)).toBe(false);
    expect(() => dateFrom(span)).toThrow();
  });

  it.each(["shop.yaml", "shop-extra-column.yaml", "bench.yaml"])(
    "is what the fixture %s names for its editor",
    (name) => {
      const url = new URL(`../../../test/fixtures/seed/${name}`, import.meta.url);
      const [, path = ""] = /\$schema=(\S+)/.exec(readFileSync(url, "utf8")) ?? [];
      expect(new URL(path, url).href).toBe(new URL("../seed.schema.json", import.meta.url).href);
    },
  );
});

function dateFrom(span: string): unknown {
  const file = `version: 1\nseed: 1\ngenerator: 1\nreference-date: 2026-01-01\ntables: {t: {count: 1, columns: {d: {date: {from: "${span}", to: 3000-01-01}}}}}\n`;
  return parseSeedFile(file);
}

describe("README.md", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("documents every key the parser accepts", () => {
    const keys = new Set(Object.values(SEED_FILE_KEYS).flat());
    expect([...keys].filter((key) => !readme.includes(`\`${key}\``))).toEqual([]);
  });

  it("lists every faker method the generator has", () => {
    expect(FAKER_METHODS.filter((method) => !readme.includes(`\`${method}\``))).toEqual([]);
  });

  it("shows shop.yaml, the fixture the tests load, as its complete example", () => {
    const shop = readFileSync(new URL("../../../test/fixtures/seed/shop.yaml", import.meta.url), "utf8");
    expect(readme).toContain(shop.slice(shop.indexOf("version: 1")));
  });
});
