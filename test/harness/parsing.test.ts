// The runner's formats, as the harness reads them.
import { describe, expect, it } from "vitest";
import { CommandProcessor } from "./commands.ts";
import { contextValues, defaultEvent, defaultGitHubContext } from "./context.ts";
import {
  escapeData,
  escapeProperty,
  evaluateCondition,
  parseCommand,
  parseKeyValueFile,
  parsePathFile,
  renderLog,
} from "./index.ts";

describe("workflow commands", () => {
  it("parses properties and unescapes data and properties", () => {
    expect(parseCommand(`  ::error file=a%3Ab.ts,line=3,title=x%2Cy::two%0Alines 100%25`)).toEqual({
      name: "error",
      properties: { file: "a:b.ts", line: "3", title: "x,y" },
      message: "two\nlines 100%",
    });
    expect(parseCommand("::unknown::x")).toBeUndefined();
    expect(parseCommand("text ::error::x")).toBeUndefined();
    const value = "a%b\r\n:c,d";
    expect(parseCommand(`::add-mask::${escapeData(value)}`)?.message).toBe(value);
    expect(parseCommand(`::notice title=${escapeProperty(value)}::m`)?.properties.title).toBe(value);
  });

  it("ignores commands between ::stop-commands:: and its token", () => {
    const processor = new CommandProcessor();
    const lines = ["::stop-commands::tok", "::error::not one", "::tok::", "::error::one"].map((t) =>
      processor.line("stdout", t, 0),
    );
    expect(lines.map((l) => l.command?.name)).toEqual(["stop-commands", undefined, undefined, "error"]);
  });

  it("renders the log as the runner shows it, masking only after ::add-mask::", () => {
    const processor = new CommandProcessor();
    const log = ["early pw1", "::add-mask::pw1", "::group::g", "late pw1", "::endgroup::", "::debug::d"].map((t) =>
      processor.line("stdout", t, 0),
    );
    expect(log[3]?.group).toBe("g");
    expect(renderLog([{ step: "main", log }], [], false)).toBe("early pw1\n##[group]g\nlate ***\n##[endgroup]");
    expect(renderLog([{ step: "main", log }], ["early"], true)).toContain("*** pw1\n::add-mask::***");
  });
});

describe("file commands", () => {
  it("reads NAME=value lines and heredocs", () => {
    const text = "a=1\nb<<EOF\nx\n\ny=z\nEOF\nc<<D\nD\nd=\n";
    expect(parseKeyValueFile(text)).toEqual({ a: "1", b: "x\n\ny=z", c: "", d: "" });
  });

  it("fails like the runner on a missing delimiter or a bad line", () => {
    expect(() => parseKeyValueFile("b<<EOF\nx\n")).toThrow(/delimiter not found 'EOF'/);
    expect(() => parseKeyValueFile("novalue\n")).toThrow(/invalid line/);
  });

  it("orders GITHUB_PATH entries last added first", () => {
    expect(parsePathFile("/a\n/b\n/a\n")).toEqual(["/a", "/b"]);
  });
});

describe("post-if conditions", () => {
  const values = { "runner.os": "Linux", "github.ref": "refs/heads/main" };
  it.each([
    ["always()", "cancelled", true],
    ["success()", "failure", false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    ["${{ failure() }}", "failure", true],
    ["cancelled() || failure()", "success", false],
    ["!success()", "cancelled", true],
    ["runner.os == 'LINUX'", "success", true],
    ["runner.os == 'Linux'", "failure", false],
    ["always() && github.ref != 'refs/heads/main'", "success", false],
    ["(failure() || cancelled()) && runner.os == 'Linux'", "cancelled", true],
  ] as const)("%s when %s -> %s", (expression, status, expected) => {
    expect(evaluateCondition(expression, { status, values })).toBe(expected);
  });

  it("rejects what it does not implement", () => {
    expect(() => evaluateCondition("hashFiles('x')", { status: "success", values })).toThrow(/not supported/);
  });
});

describe("expression values", () => {
  const dirs = {
    actionDir: "/a",
    workspace: "/w",
    temp: "/t",
    toolCache: "/c",
    home: "/h",
    eventPath: "/e.json",
  };

  it("takes github.event.repository.name from the event payload, as the runner does", () => {
    const values = contextValues(defaultGitHubContext, dirs, defaultEvent(defaultGitHubContext));
    expect(values["github.event.repository.name"]).toBe(defaultGitHubContext.repository.split("/")[1]);
    expect(contextValues(defaultGitHubContext, dirs, {})["github.event.repository.name"]).toBeUndefined();
  });
});
