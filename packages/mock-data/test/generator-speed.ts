// The generator's speed, run by hand (not in CI): node scripts/node24.mjs packages/mock-data/test/generator-speed.ts [workers...]
// Generates the benchmark seed (test/fixtures/seed/bench.yaml: 100,000 users of 7 columns, 500,000 orders of 7)
// as COPY text, discarding the bytes, and prints rows per second of wall time and of this process's CPU time
// (wall time alone misleads on a shared 2-core machine), and peak RSS. The end-to-end benchmark against
// PostgreSQL is test/bench/seed-mock-data.bench.ts.
import { generateRows } from "../src/generate.ts";
import { fixturePlan } from "../src/generator-testing.ts";

const workerCounts = process.argv.slice(2).map(Number);
const plan = fixturePlan("bench.yaml");
let peakRss = 0;

for (const workers of workerCounts.length > 0 ? workerCounts : [1, 2]) {
  for (let round = 1; round <= 3; round++) {
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    let rows = 0;
    let bytes = 0;
    for (const table of plan.tables) {
      for await (const chunk of generateRows(plan, table.name, { format: "copy", workers })) {
        bytes += chunk.byteLength;
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }
      rows += table.rows;
    }
    const wall = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `workers ${workers} round ${round}: ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB, ` +
        `${Math.round(rows / wall)} rows/s wall, ${Math.round(rows / cpuSeconds)} rows/s per CPU second ` +
        `(all threads), peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
  }
}
