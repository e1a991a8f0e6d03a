// The README's complete seed file is the fixture the end-to-end tests load (comments aside),
// so it parses, plans, and cannot fall behind the format.
import { readFileSync } from "node:fs";
import { parseSeedFile, planSeed } from "@deploy/mock-data";
import { expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");

it("the README's example seed file is test/fixtures/seed/shop.yaml", () => {
  const readme = read("actions/seed-mock-data/README.md");
  const block = /<!-- seed-file-example[^>]*-->\n```yaml\n([\s\S]*?)```\n<!-- \/seed-file-example -->/.exec(
    readme,
  )?.[1];
  expect(block, "the seed-file-example block").toBeDefined();
  const example = parseSeedFile(block as string, "README.md");
  expect(example).toEqual(parseSeedFile(read("test/fixtures/seed/shop.yaml"), "README.md"));
  expect(planSeed(example).tables.map((t) => t.name)).toContain("order_items");
});
