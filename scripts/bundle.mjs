#!/usr/bin/env node
// Bundles the action in the current directory (each action's `bundle` script runs this).
// One ncc build per entry: src/index.ts -> dist/main/index.js and, when the action has a
// cleanup step, src/post.ts -> dist/post/index.js. dist/ is wiped first so a removed entry
// or asset cannot linger. ncc runs on Node 24, the runtime the actions declare, so the
// output does not depend on the Node that started the build.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { node24 } from "./node24.mjs";

const entries = [
  { source: "src/index.ts", out: "dist/main" },
  { source: "src/post.ts", out: "dist/post" },
];

if (!existsSync(entries[0].source)) {
  console.error(`bundle: ${process.cwd()} has no ${entries[0].source}`);
  process.exit(1);
}

const ncc = createRequire(import.meta.url).resolve("@vercel/ncc/dist/ncc/cli.js");
rmSync("dist", { recursive: true, force: true });
for (const { source, out } of entries) {
  if (!existsSync(source)) continue;
  const args = [ncc, "build", source, "--out", out, "--license", "licenses.txt", "--target", "es2023", "--quiet"];
  const result = spawnSync(node24(), args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bundle: ncc failed for ${source}`);
    process.exit(result.status ?? 1);
  }
}
