import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInputs } from "@deploy/core";
import type { SeedResult } from "@deploy/mock-data";
import { afterAll, describe, expect, it } from "vitest";
import { BASE, DATABASE_URL, ENCODED_PASSWORD, FILES, PASSWORD, SMALL_SEED } from "../test/bad-inputs.ts";
import { DEFAULTS, readSettings, type Settings } from "./inputs.ts";
import { seedOutputs, workerEntry } from "./outputs.ts";
import { guardChecks, seedSummary } from "./summary.ts";

const workspace = mkdtempSync(path.join(os.tmpdir(), "seed-mock-data-summary-"));
mkdirSync(path.join(workspace, "seed"));
writeFileSync(path.join(workspace, "seed", "small.yaml"), SMALL_SEED);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function settings(values: Record<string, string>): Settings {
  return readSettings(
    createInputs(
      (name) => ({ ...DEFAULTS, ...values })[name],
      () => {},
    ),
    { GITHUB_WORKSPACE: workspace },
    () => {},
  );
}

const RESULT: SeedResult = {
  tables: [
    { name: "users", rows: 20, hash: "a".repeat(64), durationMs: 40 },
    { name: "orders", rows: 31, hash: "b".repeat(64), durationMs: 60 },
  ],
  dataHash: "c".repeat(64),
  rows: 51,
  durationMs: 1250,
  rowsPerSecond: 40.8,
  sink: "postgres://127.0.0.1:5432/shop_stage",
  markerCreated: false,
  checks: ["environment", "denied-environments", "allowed-environments", "denied-hosts", "marker"],
};

describe("seedSummary", () => {
  it("has a row per table, the target without credentials, the hashes and the guard's checks", () => {
    const text = seedSummary(
      settings({ ...BASE, reset: "truncate", "denied-hosts": "*.prod.example.com" }),
      RESULT,
    ).toString();
    expect(text).toContain("## Seed mock data: stage ✅");
    expect(text).toContain(
      "Wrote 51 rows to `postgres://127.0.0.1:5432/shop_stage`, its seed tables truncated first, from `seed/small.yaml` (seed 42, generator 1) in 1s: 41 rows/s.",
    );
    expect(text).toContain(`| users | 20 | 40ms | 500 | \`${"a".repeat(64)}\` |`);
    expect(text).toContain(`| orders | 31 | 60ms | 517 | \`${"b".repeat(64)}\` |`);
    expect(text).toContain(`Data hash: \`${"c".repeat(64)}\``);
    expect(text).toContain("- An environment was given: **stage**.");
    expect(text).toContain("- It is not a denied environment (production, prod, prd, live).");
    expect(text).toContain("- It is an allowed environment (stage, staging, test, dev, qa, preview).");
    expect(text).toContain(
      "- Host `127.0.0.1` and database `shop_stage` match no denied-hosts pattern (`*.prod.example.com`).",
    );
    expect(text).toContain("- The database's marker names **stage**.");
    for (const secret of [PASSWORD, ENCODED_PASSWORD, DATABASE_URL, "app:"]) expect(text).not.toContain(secret);
  });

  it("says when this run created the marker", () => {
    const checks = guardChecks(settings({ ...BASE, "create-marker": "true" }), { ...RESULT, markerCreated: true });
    expect(checks.at(-1)).toBe("The database had no marker; this run marked it for **stage** (create-marker).");
  });

  it("names the files and lists only the environment checks for the files sink", () => {
    const files = settings({ ...FILES, "output-format": "csv" });
    const result = { ...RESULT, sink: path.join(workspace, "out"), checks: RESULT.checks.slice(0, 3) };
    const text = seedSummary(files, result).toString();
    expect(text).toContain(`to CSV files in \`${path.join(workspace, "out")}\``);
    expect(guardChecks(files, result)).toHaveLength(3);
    expect(text).not.toContain("denied-hosts");
  });
});

describe("outputs", () => {
  it("are the rows as JSON, the data hash, seconds and whole rows per second", () => {
    expect(seedOutputs(RESULT)).toEqual({
      rows: '{"users":20,"orders":31}',
      "data-hash": "c".repeat(64),
      "duration-seconds": "1.250",
      "rows-per-second": "41",
    });
  });

  it("start the bundle's worker beside it, and the generator's own from source", () => {
    expect(
      workerEntry("file:///home/runner/work/_actions/acme/deploy/v1/actions/seed-mock-data/dist/main/index.js")?.href,
    ).toBe("file:///home/runner/work/_actions/acme/deploy/v1/actions/seed-mock-data/dist/worker/index.js");
    expect(workerEntry(import.meta.url)).toBeUndefined();
  });
});
