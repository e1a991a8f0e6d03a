#!/usr/bin/env node
// Entry of the README's two commands on a machine that has only Node and npm:
//   npm test      -> node scripts/bootstrap.mjs check -> pnpm check
//   npm run demo  -> node scripts/bootstrap.mjs demo  -> pnpm demo:run (demo/src/main.ts)
// It finds pnpm at the version package.json pins (a global one, else through npx),
// installs the dependencies when node_modules is missing or older than the lockfile,
// then runs the pnpm script. Plain JavaScript: it must run on the Node that is there.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// `demo` is taken by this entry itself, so the rehearsal is `demo:run`.
const TARGETS = { check: "check", demo: "demo:run" };

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

const command = process.argv[2];
const target = TARGETS[command];
if (!target) {
  console.error(`usage: node scripts/bootstrap.mjs <${Object.keys(TARGETS).join("|")}>`);
  process.exit(2);
}

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const version = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? "")?.[1];
if (!version) {
  console.error(`bootstrap: package.json's packageManager must be pnpm@X.Y.Z, not '${pkg.packageManager}'`);
  process.exit(1);
}
if (!pkg.scripts?.[target]) {
  console.error(`bootstrap: package.json has no '${target}' script`);
  process.exit(1);
}

const found = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
const globalVersion = found.status === 0 ? found.stdout.trim() : undefined;
const pnpm = globalVersion === version ? ["pnpm"] : ["npx", "--yes", `pnpm@${version}`];
if (pnpm[0] === "npx") {
  console.log(
    `bootstrap: pnpm ${version} is not on PATH (found: ${globalVersion ?? "none"}); using npx pnpm@${version}`,
  );
}

function run(args) {
  const [file, ...rest] = [...pnpm, ...args];
  const result = spawnSync(file, rest, { stdio: "inherit" });
  if (result.error) {
    console.error(`bootstrap: cannot run ${file}: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}

// pnpm copies the lockfile it installed into node_modules/.pnpm/lock.yaml; the project's
// pnpm-lock.yaml may carry an extra leading document (pnpm's own pin), so compare the last.
function installReason() {
  if (!existsSync("node_modules/.modules.yaml") || !existsSync("node_modules/.pnpm/lock.yaml")) {
    return "node_modules is missing";
  }
  const lock = readFileSync("pnpm-lock.yaml", "utf8");
  const project = lock.slice(lock.lastIndexOf("\n---\n") + 1).replace(/^---\n/, "");
  const installed = readFileSync("node_modules/.pnpm/lock.yaml", "utf8");
  return project === installed ? undefined : "pnpm-lock.yaml changed since the last install";
}

const reason = installReason();
if (reason) {
  console.log(`bootstrap: ${reason}; pnpm install --frozen-lockfile`);
  const status = run(["install", "--frozen-lockfile"]);
  if (status !== 0) process.exit(status);
}
process.exit(run([target]));
