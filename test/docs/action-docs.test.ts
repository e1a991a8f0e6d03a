// Every action's README carries its inputs and outputs tables as generated from its
// action.yml by `pnpm run docs` (scripts/action-docs.ts); this is the check that keeps them so.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  actionDirs,
  actionDocs,
  checkAction,
  inputsTable,
  markers,
  outputsTable,
  renderReadme,
} from "../../scripts/action-docs.ts";
import { readActionMetadata } from "../harness/action-metadata.ts";

describe("every action's README", () => {
  it("covers the fixture, and every action once it has an action.yml", () => {
    expect(actionDirs()).toContain("test/fixtures/actions/echo");
  });

  it.each(actionDirs())(
    "%s: exists, runs on node24, describes every input, and has the tables of its action.yml",
    (dir) => {
      expect(checkAction(dir)).toEqual([]);
    },
  );
});

const README = (inputs = "", outputs = "") =>
  `# A\n\nIntro.\n\n${markers("inputs").start}\n${inputs}${markers("inputs").end}\n\nBetween.\n\n${markers("outputs").start}\n${outputs}${markers("outputs").end}\n\nEnd.\n`;

const ACTION_YML = `name: a
description: An action.
inputs:
  plain:
    description: A plain input.
    required: true
  folded:
    description: |
      Spans
        several lines, with a | pipe
      and more.
    default: "a|b"
  multi:
    description: A list.
    default: |
      one
      two
  ticked:
    description: Has a backtick default.
    default: "\`x\`"
outputs:
  result:
    description: >
      The result,
      folded by YAML.
runs:
  using: node24
  main: dist/main/index.js
`;

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

/** A repository root with the given files, for the generator to work on. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "action-docs-"));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("the generated tables", () => {
  it("list the echo fixture's inputs with required and defaults as written, and its outputs", () => {
    const echo = readActionMetadata("test/fixtures/actions/echo");
    const inputs = inputsTable(echo).split("\n");

    expect(inputs.slice(0, 3)).toEqual([
      "| input | required | default | description |",
      "| --- | --- | --- | --- |",
      "| `who` | yes |  | Who to greet. |",
    ]);
    expect(inputs).toContain(
      `| \`repository\` | no | \`\${{ github.repository }}\` | Unused; its default is an expression, which the runner evaluates. |`,
    );
    expect(inputs).toHaveLength(2 + Object.keys(echo.inputs).length);
    expect(outputsTable(echo)).toBe(
      [
        "| output | description |",
        "| --- | --- |",
        "| `message` | The greeting. |",
        "| `lines` | A multi-line value. |",
      ].join("\n"),
    );
  });

  it("fold descriptions to one line and escape pipes, so each row stays one row", () => {
    const root = tree({ "actions/a/action.yml": ACTION_YML });
    const metadata = readActionMetadata(path.join(root, "actions/a"));

    expect(inputsTable(metadata).split("\n").slice(2)).toEqual([
      "| `plain` | yes |  | A plain input. |",
      "| `folded` | no | `a\\|b` | Spans several lines, with a \\| pipe and more. |",
      "| `multi` | no | `one\\ntwo\\n` | A list. |",
      "| `ticked` | no | `` `x` `` | Has a backtick default. |",
    ]);
    expect(outputsTable(metadata).split("\n")[2]).toBe("| `result` | The result, folded by YAML. |");
  });

  it("say so when there are no inputs or outputs", () => {
    const metadata = { ...readActionMetadata("test/fixtures/actions/echo"), inputs: {}, outputs: {} };

    expect(inputsTable(metadata)).toBe("This action has no inputs.");
    expect(outputsTable(metadata)).toBe("This action has no outputs.");
  });
});

describe("renderReadme", () => {
  const metadata = readActionMetadata("test/fixtures/actions/echo");

  it("replaces only what lies between the markers, and a second run changes nothing", () => {
    const once = renderReadme(README("stale table\n"), metadata, "README.md");

    expect(once).toBe(README(`${inputsTable(metadata)}\n`, `${outputsTable(metadata)}\n`));
    expect(renderReadme(once, metadata, "README.md")).toBe(once);
  });

  it.each([
    ["missing", README().replace(markers("outputs").start, ""), /needs the outputs table's markers/],
    ["in the wrong order", `${markers("inputs").end}\n${markers("inputs").start}\n${README()}`, /needs the inputs/],
    ["repeated", `${README()}${markers("outputs").start}`, /needs the outputs/],
  ])("refuses markers that are %s, naming the README", (_, readme, message) => {
    expect(() => renderReadme(readme, metadata, "actions/a/README.md")).toThrow(message);
    expect(() => renderReadme(readme, metadata, "actions/a/README.md")).toThrow(/^actions\/a\/README\.md needs/);
  });
});

describe("checkAction and pnpm run docs", () => {
  it("names the action and says to run pnpm run docs when its README is out of date, which fixes it", () => {
    const root = tree({
      "actions/a/action.yml": ACTION_YML,
      "actions/a/README.md": README("| old | table |\n"),
      "test/fixtures/actions/b/action.yml": ACTION_YML,
      "test/fixtures/actions/b/README.md": README(),
      "actions/not-an-action/package.json": "{}",
    });

    expect(actionDirs(root)).toEqual(["actions/a", "test/fixtures/actions/b"]);
    expect(checkAction("actions/a", root)).toEqual([
      "actions/a/README.md is out of date with its action.yml: run `pnpm run docs` and commit the README.",
    ]);
    expect(actionDocs("check", root)).toEqual({ changed: ["actions/a", "test/fixtures/actions/b"], problems: [] });
    expect(readFileSync(path.join(root, "actions/a/README.md"), "utf8")).toBe(README("| old | table |\n"));

    expect(actionDocs("write", root)).toEqual({ changed: ["actions/a", "test/fixtures/actions/b"], problems: [] });
    expect(checkAction("actions/a", root)).toEqual([]);
    expect(readFileSync(path.join(root, "actions/a/README.md"), "utf8")).toMatch(/^# A\n\nIntro\.\n\n.*\n\| input \|/);
    expect(actionDocs("write", root)).toEqual({ changed: [], problems: [] });
  });

  it("reports an action that does not run on node24, an input or output without a description, and a missing README", () => {
    const root = tree({
      "actions/old/action.yml": ACTION_YML.replace("using: node24", "using: node20"),
      "actions/old/README.md": README(),
      "actions/vague/action.yml": ACTION_YML.replace("    description: A list.\n", "").replace(
        /description: >\n.*\n.*\n/,
        "description: ''\n",
      ),
    });

    expect(checkAction("actions/old", root)).toEqual([
      "actions/old/action.yml: runs.using is 'node20'; the suite's actions run on 'node24'",
    ]);
    expect(checkAction("actions/vague", root)).toEqual([
      'actions/vague/action.yml: input "multi" has no description.',
      'actions/vague/action.yml: output "result" has no description.',
      "actions/vague/README.md is missing: write one with the table markers, then run `pnpm run docs`.",
    ]);
  });

  it("runs as pnpm run docs --check: exit 1 naming the stale README, and 0 once written", () => {
    const root = tree({ "actions/a/action.yml": ACTION_YML, "actions/a/README.md": README() });
    const docs = (...args: string[]) =>
      spawnSync(process.execPath, ["scripts/action-docs.ts", ...args, "--root", root], { encoding: "utf8" });

    const stale = docs("--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("docs: actions/a/README.md is out of date with its action.yml: run `pnpm run docs`");

    expect(docs().stdout).toBe("docs: wrote actions/a/README.md\n");
    const fresh = docs("--check");
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toBe("docs: every action README is up to date (1 checked).\n");
  });
});
