#!/usr/bin/env node
// Fails when the committed bundles are not what the sources build: rebuilds every
// action's dist/ (`pnpm bundle`), then asks git whether anything under a dist/ changed,
// appeared or disappeared.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const ACTION_FOLDERS = ["actions", "test/fixtures/actions"];

function fail(message) {
  console.error(`bundle:check: ${message}`);
  process.exit(1);
}

function git(...args) {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) fail(`git ${args.join(" ")} failed: ${result.stderr || result.error}`);
  return result.stdout;
}

// Every action must be bundled, or `pnpm bundle` would skip it silently.
const unbundled = [];
for (const folder of ACTION_FOLDERS) {
  const dir = path.join(root, folder);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const action = path.join(folder, name);
    if (!existsSync(path.join(root, action, "action.yml"))) continue;
    const pkg = path.join(root, action, "package.json");
    const scripts = existsSync(pkg) ? JSON.parse(readFileSync(pkg, "utf8")).scripts : undefined;
    if (!scripts?.bundle) unbundled.push(action);
  }
}
if (unbundled.length > 0) fail(`no "bundle" script in the package.json of: ${unbundled.join(", ")}`);

git("rev-parse", "--is-inside-work-tree");
console.log("bundle:check: rebuilding every action's dist/ ...");
const build = spawnSync("pnpm", ["bundle"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
if (build.status !== 0) fail(`pnpm bundle failed (exit ${build.status ?? build.error})`);

const changed = git("status", "--porcelain=v1", "--untracked-files=all", "--", ":(glob)**/dist/**")
  .split("\n")
  .filter((line) => line !== "");
if (changed.length > 0) {
  console.error(
    [
      "bundle:check: the committed bundles differ from what the sources build.",
      "These files under dist/ changed (M), appeared (??) or disappeared (D) after `pnpm bundle`:",
      ...changed.map((line) => `  ${line}`),
      "Run `pnpm bundle` and commit the dist/ folders with the source change.",
    ].join("\n"),
  );
  process.exit(1);
}
console.log("bundle:check: every dist/ is up to date.");
