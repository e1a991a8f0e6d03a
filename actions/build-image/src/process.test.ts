import { memoryLogger } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { runTool, systemTools, TAIL_LINES } from "./process.ts";

const sh = (script: string) => ({ command: "sh", args: ["-c", script] });

describe("runTool", () => {
  it("streams the output verbatim after the command line", async () => {
    const logger = memoryLogger();
    await runTool("The build", sh("echo one; echo '::error::two' >&2"), {
      logger,
      signal: new AbortController().signal,
    });
    expect(logger.lines[0]).toBe("$ sh -c 'echo one; echo '\\''::error::two'\\'' >&2'");
    expect(logger.lines.slice(1).join("\n").split("\n").sort()).toEqual(["::error::two", "one"]);
  });

  it("fails with the last lines of the output", async () => {
    const logger = memoryLogger();
    const error = await runTool("The build", sh("for i in $(seq 1 100); do echo line $i; done; exit 3"), {
      logger,
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ what: "The build failed: sh exited with code 3.", code: "BuildFailed" });
    const lines = (error as { why: string }).why.split("\n").slice(1);
    expect(lines).toHaveLength(TAIL_LINES);
    expect(lines[0]).toBe(`line ${100 - TAIL_LINES + 1}`);
    expect(lines.at(-1)).toBe("line 100");
  });

  it("keeps a last line without a newline", async () => {
    const error = await runTool("The build", sh("printf 'no newline'; exit 1"), {
      logger: memoryLogger(),
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect((error as { why: string }).why).toBe("The last lines of its output:\nno newline");
  });

  it("interrupts the builder when the step is cancelled", async () => {
    const controller = new AbortController();
    const logger = memoryLogger();
    const running = runTool(
      "The build",
      sh("trap 'echo interrupted; exit 130' INT; echo started; while :; do sleep 0.05; done"),
      {
        logger,
        signal: controller.signal,
      },
    );
    while (!logger.lines.includes("started")) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error("cancelled");
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(logger.lines).toContain("interrupted");
  });

  it("says which program could not start", async () => {
    const error = await runTool(
      "The build",
      { command: "no-such-builder", args: [] },
      {
        logger: memoryLogger(),
        signal: new AbortController().signal,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BuilderMissing", what: "The build could not start no-such-builder." });
  });
});

describe("systemTools", () => {
  it("finds programs on the PATH and runs them", async () => {
    const tools = systemTools({ PATH: process.env.PATH });
    expect(tools.onPath("sh")).toBe(true);
    expect(tools.onPath("no-such-builder")).toBe(false);
    expect(systemTools({ PATH: "" }).onPath("sh")).toBe(false);
    expect(await tools.answers("sh", ["-c", "exit 0"])).toBe(true);
    expect(await tools.answers("sh", ["-c", "exit 1"])).toBe(false);
    expect(await tools.answers("no-such-builder", [])).toBe(false);
  });
});
