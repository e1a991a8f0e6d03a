// The rehearsal as a user runs it (`pnpm demo:run`), in a child process: it succeeds, and
// its closing comparison shows stage and production on the same commit, image and AMI.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { node24 } from "../../scripts/node24.mjs";
import { renderMarkdown } from "../src/markdown.ts";
import { COMMIT, REGION, ROOT } from "../src/rehearsal.ts";

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node24(), [path.join(ROOT, "demo/src/main.ts")], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

/** A row of the closing table: its stage and production cells and the verdict. */
function comparison(output: string, label: string): string[] | undefined {
  const closing = output.slice(output.lastIndexOf("What each environment runs now"));
  const line = closing.split("\n").find((l) => l.trim().startsWith(`${label} `));
  return line
    ?.trim()
    .slice(label.length)
    .trim()
    .split(/\s{2,}/);
}

describe("pnpm demo:run", () => {
  it("rehearses stage then production, which end on the same commit, image and AMI", async () => {
    const { code, output } = await runDemo();

    expect(code, `the demo's output ends:\n${output.slice(-4000)}`).toBe(0);
    expect(output).not.toMatch(/demo failed/);
    expect(comparison(output, "release commit")).toEqual([COMMIT, COMMIT, "same"]);
    const ami = comparison(output, `AMI (${REGION})`);
    expect(ami?.[0]).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(ami).toEqual([ami?.[0], ami?.[0], "same"]);
    expect(comparison(output, "image")?.[2]).toBe("same");
    expect(comparison(output, "instances")).toEqual(["2 of 2 in service run it", "4 of 4 in service run it"]);
    // Production only promoted: its run built and baked nothing, and seeded nothing.
    const production = output.slice(output.indexOf("production: workflows-examples/production.yml"));
    expect(production).toMatch(/deploy \/ build: skipped/);
    expect(production).not.toMatch(/▶ (build|seed) \//);
    expect(output).toMatch(/Seed target: (PostgreSQL|NDJSON files)/);
    expect(output).toMatch(/Rehearsal done in/);
  });
});

describe("job summaries in the terminal", () => {
  it("underlines headings, aligns tables, writes links as text and drops markup", () => {
    const markdown = [
      "## Bake AMI: `ami-1` ✅",
      "Baked **ami-1** from [the recipe](https://example.com/r).",
      "",
      "| | |",
      "|---|---|",
      "| Bake key | `sha256:ab` |",
      "| Result | baked |",
      "",
      '<table><tr><th>Region</th><th>AMI</th></tr><tr><td>eu-west-1</td><td><a href="https://c">ami-1</a></td></tr></table>',
      "```mermaid",
      "gantt",
      "  title Rollout",
      "```",
    ].join("\n");
    expect(renderMarkdown(markdown, "| ").split("\n")).toEqual([
      "| Bake AMI: ami-1 ✅",
      "| -----------------",
      "| Baked ami-1 from the recipe (https://example.com/r).",
      "|",
      "| Bake key  sha256:ab",
      "| Result    baked",
      "|",
      "| Region     AMI",
      "| ---------  -----------------",
      "| eu-west-1  ami-1 (https://c)",
      "|",
      "| [chart: Rollout, drawn on GitHub]",
    ]);
  });
});
