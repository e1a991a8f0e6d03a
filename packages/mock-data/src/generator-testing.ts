// Helpers for the generator's tests: a seed file from YAML text, and a table's rows as text.
import { readFileSync } from "node:fs";
import { type GenerateOptions, generateRows } from "./generate.ts";
import { planSeed, type SeedPlan } from "./plan.ts";
import { parseSeedFile } from "./seed-file.ts";

/** The plan of a seed file whose tables are given as YAML (the header is filled in). */
export function planOf(tablesYaml: string, header = "seed: 7"): SeedPlan {
  const text = `version: 1\ngenerator: 1\nreference-date: 2026-01-01T00:00:00Z\n${header}\ntables:\n${indent(tablesYaml)}`;
  return planSeed(parseSeedFile(text, "test seed"));
}

/** The plan of a fixture under test/fixtures/seed. */
export function fixturePlan(name: string): SeedPlan {
  const file = new URL(`../../../test/fixtures/seed/${name}`, import.meta.url);
  return planSeed(parseSeedFile(readFileSync(file, "utf8"), name));
}

/** All rows of a table, decoded to text. */
export async function rowsText(plan: SeedPlan, table: string, options: Partial<GenerateOptions> = {}) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of generateRows(plan, table, { format: "copy", ...options })) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** COPY text rows split into cells (no test value holds an escaped tab). */
export async function copyRows(plan: SeedPlan, table: string, options: Partial<GenerateOptions> = {}) {
  const text = await rowsText(plan, table, { ...options, format: "copy" });
  return text
    .split("\n")
    .slice(0, -1)
    .map((line) => line.split("\t"));
}

function indent(text: string): string {
  return text
    .trim()
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
