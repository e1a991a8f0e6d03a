#!/usr/bin/env node
// Runs the benchmarks under test/bench (all, or those whose names contain the arguments),
// each in its own Node 24 process so one cannot warm the other up. Each prints its ratios
// against a baseline run in the same process and exits non-zero when it misses its target.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { node24 } from "./node24.mjs";

const filters = process.argv.slice(2);
const benches = readdirSync(new URL("../test/bench", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (benches.length === 0) {
  console.error(`bench: no benchmark in test/bench matches ${filters.join(" ") || "*"}`);
  process.exit(1);
}
const failed = [];
for (const bench of benches) {
  console.log(`\n==> ${bench}`);
  const result = spawnSync(node24(), [`test/bench/${bench}`], { stdio: "inherit" });
  if (result.status !== 0) failed.push(bench);
}
if (failed.length > 0) {
  console.error(`\nbench: missed target: ${failed.join(", ")}`);
  process.exit(1);
}
