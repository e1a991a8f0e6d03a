import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CancelledError, cancellationSignal, isCancellation } from "./cancellation.ts";
import { DeployError } from "./errors.ts";

describe("cancellationSignal", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("aborts on %s with a CancelledError naming the signal", (name) => {
    const source = new EventEmitter();
    const signal = cancellationSignal(source);
    expect(signal.aborted).toBe(false);
    source.emit(name);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledError);
    expect(signal.reason).toBeInstanceOf(DeployError);
    expect(signal.reason).toMatchObject({
      what: "The step was cancelled.",
      why: `The runner sent ${name}.`,
      fix: "Nothing to fix if the run was cancelled on purpose; the post step cleans up what this step started. Otherwise, check the job's timeout-minutes.",
      code: "Cancelled",
      name: "CancelledError",
    });
  });

  it("installs once per process, however often it is called", () => {
    const source = new EventEmitter();
    expect(cancellationSignal(source)).toBe(cancellationSignal(source));
    expect(source.listenerCount("SIGINT")).toBe(1);
    expect(source.listenerCount("SIGTERM")).toBe(1);
  });

  it("lets the next signal through once aborted, so the runner's SIGTERM still ends the process", () => {
    const source = new EventEmitter();
    const signal = cancellationSignal(source);
    source.emit("SIGINT");
    expect(source.listenerCount("SIGINT")).toBe(0);
    expect(source.listenerCount("SIGTERM")).toBe(0);
    expect(signal.reason.why).toBe("The runner sent SIGINT.");
  });

  it("does not keep the process alive", async () => {
    const { spawnSync } = await import("node:child_process");
    const script = `
      import { cancellationSignal } from ${JSON.stringify(new URL("./cancellation.ts", import.meta.url).href)};
      cancellationSignal();
      console.log("installed");`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      timeout: 10_000,
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe("installed\n");
    expect(child.status).toBe(0);
  });

  it("aborts a real process on SIGINT instead of letting it die", async () => {
    const { spawn } = await import("node:child_process");
    const script = `
      import { cancellationSignal } from ${JSON.stringify(new URL("./cancellation.ts", import.meta.url).href)};
      const signal = cancellationSignal();
      signal.addEventListener("abort", () => { console.log(signal.reason.why); process.exit(0); });
      setInterval(() => {}, 1000);
      console.log("ready");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout === "ready\n") child.kill("SIGINT");
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(stdout).toBe("ready\nThe runner sent SIGINT.\n");
    expect(code).toBe(0);
  });
});

describe("isCancellation", () => {
  it("is true for a CancelledError and for an AbortError from code given the signal", () => {
    expect(isCancellation(new CancelledError("SIGTERM"))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    expect(isCancellation(controller.signal.reason)).toBe(true);
    expect(isCancellation(Object.assign(new Error("Request aborted"), { name: "AbortError" }))).toBe(true);
  });

  it("is false for other errors and non-errors", () => {
    expect(isCancellation(new DeployError({ what: "Timed out." }))).toBe(false);
    expect(isCancellation(new Error("boom"))).toBe(false);
    expect(isCancellation("AbortError")).toBe(false);
    expect(isCancellation(undefined)).toBe(false);
  });
});
