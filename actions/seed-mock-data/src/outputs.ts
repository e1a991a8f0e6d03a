import { setOutput } from "@deploy/core";
import type { SeedResult } from "@deploy/mock-data";

/**
 * The worker script beside the bundle (dist/worker/index.js, next to dist/main/index.js);
 * from source (tests), undefined: the generator starts its own source worker. The path is
 * built at run time so that the bundler does not try to resolve it as an asset.
 */
export function workerEntry(moduleUrl: string): URL | undefined {
  if (!moduleUrl.endsWith("/dist/main/index.js")) return undefined;
  return new URL(["..", "worker", "index.js"].join("/"), moduleUrl);
}

/** rows (JSON, table to count, in load order), data-hash, duration-seconds, rows-per-second. */
export function seedOutputs(result: SeedResult): Record<string, string> {
  return {
    rows: JSON.stringify(Object.fromEntries(result.tables.map((t) => [t.name, t.rows]))),
    "data-hash": result.dataHash,
    "duration-seconds": (result.durationMs / 1000).toFixed(3),
    "rows-per-second": String(Math.round(result.rowsPerSecond)),
  };
}

export function setSeedOutputs(result: SeedResult): void {
  for (const [name, value] of Object.entries(seedOutputs(result))) setOutput(name, value);
}
