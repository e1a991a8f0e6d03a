import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { memoryLogger } from "@deploy/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHUNK_ROWS } from "./chunks.ts";
import { generateRows } from "./generate.ts";
import { DEFAULT_ALLOWED_ENVIRONMENTS, DEFAULT_DENIED_ENVIRONMENTS } from "./guard.ts";
import { dataHash, tableHasher } from "./hash.ts";
import { planSeed } from "./plan.ts";
import { parseSeedFile } from "./seed-file.ts";
import { seedWith } from "./seed-run.ts";

const plan = planSeed(
  parseSeedFile(`
version: 1
seed: 1
generator: 1
locales: [en]
reference-date: 2026-01-01T00:00:00Z
tables:
  events:
    count: 10000
    columns:
      id: { sequence: {} }
`),
);

describe("seedWith", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "seed-run-"));
  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs rows so far per table every 30 seconds while it writes", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const logger = memoryLogger();
    let chunks = 0;
    const result = await seedWith(
      {
        plan,
        sink: { kind: "files", directory: dir, format: "ndjson" },
        guard: {
          environment: "test",
          allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
          deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
          deniedHosts: [],
          createMarker: false,
        },
      },
      { logger, signal: new AbortController().signal },
      {
        async *rows(p, table, options) {
          for await (const chunk of generateRows(p, table, options)) {
            // The chunk before this one has been written: 30 s "pass" here.
            if (++chunks === 3) vi.advanceTimersByTime(30_000);
            yield chunk;
          }
        },
        hasher: tableHasher,
        dataHash,
      },
    );
    const progress = logger.lines.filter((line) => line.startsWith("Seeding:"));
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(new RegExp(`^Seeding: events ${2 * CHUNK_ROWS}/10000 rows \\(\\d+ rows/s\\)\\.$`));
    expect(result.rows).toBe(10_000);
    expect(logger.lines.at(-1)).toMatch(/^events: 10000 rows in .*, sha256 [0-9a-f]{64}\.$/);
  });
});
