#!/usr/bin/env node
// Writes each action's inputs and outputs tables into its README.md from its action.yml,
// between `<!-- action-docs:inputs -->` and `<!-- /action-docs:inputs -->` (and the same
// for outputs), so that the README cannot drift from what the action takes.
//
//   pnpm run docs           regenerate every actions/*/README.md (and the test fixtures')
//   pnpm run docs --check   change nothing; exit 1 naming each action whose README is stale
//
// `run` is needed: pnpm's own `pnpm docs` opens a package's homepage.
//
// test/docs/action-docs.test.ts runs the check with the end-to-end tests.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ActionMetadata, readActionMetadata } from "../test/harness/action-metadata.ts";

export const ACTION_FOLDERS = ["actions", "test/fixtures/actions"];
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

type Section = "inputs" | "outputs";
const SECTIONS: Section[] = ["inputs", "outputs"];

export function markers(section: Section): { start: string; end: string } {
  return { start: `<!-- action-docs:${section} -->`, end: `<!-- /action-docs:${section} -->` };
}

/** Every action under ACTION_FOLDERS (a folder with an action.yml), relative to `root`, sorted. */
export function actionDirs(root = ROOT): string[] {
  return ACTION_FOLDERS.flatMap((folder) => {
    const dir = path.join(root, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => existsSync(path.join(dir, name, "action.yml")))
      .map((name) => `${folder}/${name}`);
  }).sort();
}

/** A table cell: one line, pipes escaped (GitHub unescapes `\|` inside code spans too). */
function cell(text: string): string {
  return text
    .replace(/\s*\r?\n\s*/g, " ")
    .trim()
    .replaceAll("|", "\\|");
}

function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const padding = fence === "``" ? " " : "";
  return `${fence}${padding}${text.replace(/\r?\n/g, "\\n")}${padding}${fence}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function inputsTable(metadata: ActionMetadata): string {
  const inputs = Object.entries(metadata.inputs);
  if (inputs.length === 0) return "This action has no inputs.";
  return table(
    ["input", "required", "default", "description"],
    inputs.map(([name, input]) => [
      code(name),
      input.required ? "yes" : "no",
      input.default === undefined || input.default === "" ? "" : cell(code(input.default)),
      cell(input.description ?? ""),
    ]),
  );
}

export function outputsTable(metadata: ActionMetadata): string {
  const outputs = Object.entries(metadata.outputs);
  if (outputs.length === 0) return "This action has no outputs.";
  return table(
    ["output", "description"],
    outputs.map(([name, output]) => [code(name), cell(output.description ?? "")]),
  );
}

/**
 * `readme` with the text between each pair of markers replaced by the table generated from
 * `metadata`; the rest is kept as written. `file` names the README in errors.
 */
export function renderReadme(readme: string, metadata: ActionMetadata, file: string): string {
  let result = readme;
  for (const section of SECTIONS) {
    const { start, end } = markers(section);
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    const once = from >= 0 && result.indexOf(start, from + 1) < 0 && to > from && result.indexOf(end, to + 1) < 0;
    if (!once) {
      throw new Error(
        `${file} needs the ${section} table's markers, once each and in this order: ${start} then ${end} (on lines of their own, where the table goes).`,
      );
    }
    const generated = section === "inputs" ? inputsTable(metadata) : outputsTable(metadata);
    result = `${result.slice(0, from + start.length)}\n${generated}\n${result.slice(to)}`;
  }
  return result;
}

/** The rules every action's metadata follows, as problems found (none when it follows them). */
function metadataProblems(dir: string, metadata: ActionMetadata): string[] {
  return [
    ...Object.entries(metadata.inputs)
      .filter(([, input]) => !input.description?.trim())
      .map(([name]) => `${dir}/action.yml: input "${name}" has no description.`),
    ...Object.entries(metadata.outputs)
      .filter(([, output]) => !output.description?.trim())
      .map(([name]) => `${dir}/action.yml: output "${name}" has no description.`),
  ];
}

/** What is wrong with one action, and its README as it should be when only the tables are stale. */
function inspectAction(dir: string, root: string): { problems: string[]; update?: { file: string; text: string } } {
  let metadata: ActionMetadata;
  try {
    metadata = readActionMetadata(path.join(root, dir));
  } catch (error) {
    // readActionMetadata names the file by its absolute path; the problem names it as the repository does.
    return { problems: [(error as Error).message.replaceAll(`${path.join(root, dir)}/`, `${dir}/`)] };
  }
  const problems = metadataProblems(dir, metadata);
  const file = path.join(root, dir, "README.md");
  if (!existsSync(file)) {
    return {
      problems: [
        ...problems,
        `${dir}/README.md is missing: write one with the table markers, then run \`pnpm run docs\`.`,
      ],
    };
  }
  const current = readFileSync(file, "utf8");
  try {
    const text = renderReadme(current, metadata, `${dir}/README.md`);
    return text === current ? { problems } : { problems, update: { file, text } };
  } catch (error) {
    return { problems: [...problems, (error as Error).message] };
  }
}

function stale(dir: string): string {
  return `${dir}/README.md is out of date with its action.yml: run \`pnpm run docs\` and commit the README.`;
}

/** What is wrong with one action's docs, each problem naming the action; empty when nothing is. */
export function checkAction(dir: string, root = ROOT): string[] {
  const { problems, update } = inspectAction(dir, root);
  return update ? [...problems, stale(dir)] : problems;
}

/**
 * Regenerates every action's README (`write`) or only looks (`check`). Returns the READMEs
 * it changed (or would change) and the problems regenerating cannot fix.
 */
export function actionDocs(mode: "write" | "check", root = ROOT): { changed: string[]; problems: string[] } {
  const changed: string[] = [];
  const problems: string[] = [];
  for (const dir of actionDirs(root)) {
    const inspected = inspectAction(dir, root);
    problems.push(...inspected.problems);
    if (!inspected.update) continue;
    changed.push(dir);
    if (mode === "write") writeFileSync(inspected.update.file, inspected.update.text);
  }
  return { changed, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const rootAt = args.indexOf("--root");
  const root = rootAt >= 0 ? path.resolve(args[rootAt + 1] ?? ".") : ROOT;
  const { changed, problems } = actionDocs(check ? "check" : "write", root);
  for (const problem of problems) console.error(`docs: ${problem}`);
  for (const dir of changed) {
    if (check) console.error(`docs: ${stale(dir)}`);
    else console.log(`docs: wrote ${dir}/README.md`);
  }
  const failed = problems.length > 0 || (check && changed.length > 0);
  if (!failed && changed.length === 0)
    console.log(`docs: every action README is up to date (${actionDirs(root).length} checked).`);
  process.exit(failed ? 1 : 0);
}
