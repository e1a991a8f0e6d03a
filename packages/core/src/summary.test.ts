import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setSecret } from "./secrets.ts";
import { link, summary } from "./summary.ts";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("summary", () => {
  it("writes headings and paragraphs as blocks separated by blank lines", () => {
    const markdown = summary().heading("Rolling replace").heading("Details", 3).paragraph("Done **fast**.").toString();
    expect(markdown).toBe("## Rolling replace\n\n### Details\n\nDone **fast**.\n");
  });

  it("writes a table, escaping pipes and newlines in cells", () => {
    const markdown = summary()
      .table(
        ["Region", "AMI"],
        [
          ["eu-west-1", "ami-1"],
          ["a|b", "line 1\nline 2"],
          ["count", 3],
        ],
      )
      .toString();
    expect(markdown).toBe(
      "| Region | AMI |\n| --- | --- |\n| eu-west-1 | ami-1 |\n| a\\|b | line 1<br>line 2 |\n| count | 3 |\n",
    );
  });

  it("writes bulleted and numbered lists", () => {
    expect(summary().list(["a", "b"]).list(["first", "second"], true).toString()).toBe(
      "- a\n- b\n\n1. first\n2. second\n",
    );
  });

  it("writes a collapsed section whose body renders as markdown", () => {
    const body = summary().list(["i-1", "i-2"]);
    expect(summary().details("Instances <2>", body).toString()).toBe(
      "<details><summary>Instances &lt;2&gt;</summary>\n\n- i-1\n- i-2\n\n</details>\n",
    );
    expect(summary().details("Log", "plain").toString()).toBe(
      "<details><summary>Log</summary>\n\nplain\n\n</details>\n",
    );
  });

  it("fences code with more backticks than the code contains", () => {
    expect(summary().code('{"a": 1}\n', "json").toString()).toBe('```json\n{"a": 1}\n```\n');
    expect(summary().code("use ```ts here").toString()).toBe("````\nuse ```ts here\n````\n");
  });

  it("writes a mermaid block", () => {
    expect(summary().mermaid("graph LR\n  stage --> production").toString()).toBe(
      "```mermaid\ngraph LR\n  stage --> production\n```\n",
    );
  });

  it("writes each phase's duration and outcome", () => {
    const markdown = summary()
      .phases([
        { name: "Bake", ms: 754_000, outcome: "succeeded" },
        { name: "Roll out", ms: 90_000, outcome: "failed" },
      ])
      .toString();
    expect(markdown).toBe(
      "| Phase | Duration | Outcome |\n| --- | --- | --- |\n| Bake | 12m 34s | succeeded |\n| Roll out | 1m 30s | failed |\n",
    );
  });

  it("appends to GITHUB_STEP_SUMMARY with secrets redacted", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    setSecret("summary-secret-3");
    const path = join(mkdtempSync(join(tmpdir(), "core-summary-")), "summary.md");
    writeFileSync(path, "# Earlier step\n");
    vi.stubEnv("GITHUB_STEP_SUMMARY", path);
    await summary().paragraph("url: summary-secret-3").write();
    await summary().paragraph("second").write();
    expect(readFileSync(path, "utf8")).toBe("# Earlier step\nurl: ***\n\nsecond\n\n");
  });

  it("writes nowhere without GITHUB_STEP_SUMMARY", async () => {
    vi.stubEnv("GITHUB_STEP_SUMMARY", "");
    await expect(summary().paragraph("x").write()).resolves.toBeUndefined();
  });
});

describe("link", () => {
  it("writes a markdown link", () => {
    expect(link("run 4242", "https://github.com/acme/shop/actions/runs/4242")).toBe(
      "[run 4242](https://github.com/acme/shop/actions/runs/4242)",
    );
  });

  it("escapes brackets in the text and spaces and parentheses in the target", () => {
    expect(link("[stage]", "https://x/a b(c)")).toBe("[\\[stage\\]](https://x/a%20b%28c%29)");
  });
});
