#!/usr/bin/env node
// Bundles the action in the current directory (each action's `bundle` script runs this).
// One ncc build per entry: src/index.ts -> dist/main/index.js and, when the action has a
// cleanup step, src/post.ts -> dist/post/index.js (and src/worker.ts -> dist/worker/index.js). Builds go to a scratch folder that
// replaces dist/ only when every entry built, so a removed entry or asset cannot linger
// and a failed build leaves the committed dist/ alone. ncc only transpiles (types are
// `pnpm typecheck`'s job) and runs on Node 24, the runtime the actions declare, so the
// output does not depend on the Node that started the build.
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { node24 } from "./node24.mjs";

const entries = [
  { source: "src/index.ts", out: "main" },
  { source: "src/post.ts", out: "post" },
  // A step that spreads CPU work over worker threads starts them from dist/worker/index.js.
  { source: "src/worker.ts", out: "worker" },
];
const scratch = ".dist-build";

if (!existsSync(entries[0].source)) {
  console.error(`bundle: ${process.cwd()} has no ${entries[0].source}`);
  process.exit(1);
}

const ncc = createRequire(import.meta.url).resolve("@vercel/ncc/dist/ncc/cli.js");
rmSync(scratch, { recursive: true, force: true });
for (const { source, out } of entries) {
  if (!existsSync(source)) continue;
  const args = [
    ncc,
    "build",
    source,
    "--out",
    path.join(scratch, out),
    "--license",
    "licenses.txt",
    "--target",
    "es2023",
    "--transpile-only",
    "--quiet",
  ];
  const result = spawnSync(node24(), args, { stdio: "inherit" });
  if (result.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    console.error(`bundle: ncc failed for ${path.resolve(source)}; dist/ left as it was`);
    process.exit(result.status ?? 1);
  }
}
rmSync("dist", { recursive: true, force: true });
renameSync(scratch, "dist");
