import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { CancelledError } from "./cancellation.ts";
import { DeployError } from "./errors.ts";
import { actionsLogger, failureMessage, setOutput } from "./runner.ts";
import { setSecret } from "./secrets.ts";
import { deployErrorFrom } from "./testing.ts";

let stdout: MockInstance<typeof process.stdout.write>;
const written = () => stdout.mock.calls.map(([chunk]) => String(chunk)).join("");

/** A file command file as the runner provides one, read back as name → value. */
function fileCommand(variable: "GITHUB_OUTPUT" | "GITHUB_STATE") {
  const path = join(mkdtempSync(join(tmpdir(), "core-runner-")), variable);
  writeFileSync(path, "");
  vi.stubEnv(variable, path);
  return () => {
    const values: Record<string, string> = {};
    for (const [, name = "", , value = ""] of readFileSync(path, "utf8").matchAll(/^(.+)<<(.+)\n([\s\S]*?)\n\2$/gm)) {
      values[name] = value;
    }
    return values;
  };
}

beforeEach(() => {
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe("setOutput", () => {
  it("writes strings as they are and anything else as JSON", () => {
    const outputs = fileCommand("GITHUB_OUTPUT");
    setOutput("ami-id", "ami-0a1b2c3d4e5f60718");
    setOutput("release", { schema: 1, amis: { "eu-west-1": "ami-1" } });
    setOutput("count", 3);
    expect(outputs()).toEqual({
      "ami-id": "ami-0a1b2c3d4e5f60718",
      release: '{"schema":1,"amis":{"eu-west-1":"ami-1"}}',
      count: "3",
    });
  });

  it("refuses a value that contains a masked secret", () => {
    const outputs = fileCommand("GITHUB_OUTPUT");
    setSecret("db-password-xyz");
    expect(deployErrorFrom(() => setOutput("url", { url: "postgres://app:db-password-xyz@db/app" }))).toMatchObject({
      what: 'Output "url" would contain a secret.',
      why: "Outputs are passed on to later steps and jobs in plain text.",
      fix: "Pass the secret to where it is needed through the environment's secrets, not an output.",
      code: "SecretInOutput",
    });
    expect(outputs()).toEqual({});
  });
});

describe("actionsLogger", () => {
  it("writes each level as the runner expects, redacting secrets", async () => {
    vi.stubEnv("RUNNER_DEBUG", "1");
    setSecret("logger-secret-7");
    const logger = actionsLogger();
    logger.info("connecting with logger-secret-7");
    logger.debug("detail logger-secret-7");
    logger.warning("careful logger-secret-7");
    logger.error("broken logger-secret-7");
    const value = await logger.group("Bake logger-secret-7", async () => {
      logger.info("inside");
      return 42;
    });
    expect(value).toBe(42);
    const out = written();
    expect(out).not.toMatch(/connecting with logger-secret-7|detail logger|careful logger|broken logger|Bake logger/);
    expect(out).toContain("connecting with ***\n");
    expect(out).toContain("::debug::detail ***\n");
    expect(out).toContain("::warning::careful ***\n");
    expect(out).toContain("::error::broken ***\n");
    expect(out).toContain("::group::Bake ***\ninside\n::endgroup::\n");
  });
});

describe("actionsLogger.verbatim", () => {
  it("pauses workflow commands around outside text with a token the text cannot know", () => {
    setSecret("verbatim-secret-3");
    const logger = actionsLogger();
    logger.verbatim("::error::from a recipe\n::add-mask::x verbatim-secret-3");
    logger.verbatim("again");
    const lines = written().split("\n");
    const start = lines.findIndex((l) => l.startsWith("::stop-commands::"));
    const token = lines[start]?.slice("::stop-commands::".length) ?? "";
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.slice(start, start + 4)).toEqual([
      `::stop-commands::${token}`,
      "::error::from a recipe",
      "::add-mask::x ***",
      `::${token}::`,
    ]);
    const second = lines.findIndex((l, i) => i > start && l.startsWith("::stop-commands::"));
    expect(lines[second]).not.toBe(`::stop-commands::${token}`);
  });
});

describe("failureMessage", () => {
  it("puts what, why and fix of a DeployError on their own lines", () => {
    const error = new DeployError({ what: "What.", why: "Why.", fix: "Fix." });
    expect(failureMessage(error)).toBe("What.\nWhy.\nFix.");
    expect(failureMessage(new DeployError({ what: "Only what." }))).toBe("Only what.");
  });

  it("marks anything else as unexpected", () => {
    expect(failureMessage(new TypeError("x is undefined"))).toBe("Unexpected error: x is undefined");
    expect(failureMessage("a string")).toBe("Unexpected error: a string");
  });

  it("redacts secrets", () => {
    setSecret("failure-secret-8");
    expect(failureMessage(new Error("bad failure-secret-8"))).toBe("Unexpected error: bad ***");
  });
});
