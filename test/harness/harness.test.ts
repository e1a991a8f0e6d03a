// End-to-end tests of the harness against the echo fixture's committed bundle.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { assertSecretNotLeaked, runAction } from "./index.ts";

const ECHO = "test/fixtures/actions/echo";
const SECRET = "s3cr3t-Value_42";

describe("runAction", () => {
  it("runs main with inputs and action.yml defaults, then post with the state main saved", async () => {
    const run = await runAction(ECHO, { inputs: { who: "world", secret: SECRET } });

    expect(run.main).toMatchObject({ outcome: "success", exitCode: 0, signal: null, signalsSent: [] });
    expect(run.main.env).toMatchObject({ INPUT_WHO: "world", INPUT_GREETING: "hello", "INPUT_WAIT-MS": "0" });
    expect(run.outputs).toEqual({ message: "hello, world!", lines: "first\nsecond" });
    expect(run.state).toEqual({ started: "true", who: "world" });
    expect(run.main.exportedEnv).toEqual({ ECHO_EXPORTED: "world" });

    expect(run.postIf).toEqual({ expression: "always()", status: "success", ran: true });
    expect(run.post?.outcome).toBe("success");
    expect(run.post?.env).toMatchObject({ STATE_started: "true", STATE_who: "world", ECHO_EXPORTED: "world" });
    const postState = { started: "true", who: "world", interrupted: "", exported: "world" };
    expect(run.post?.log.map((l) => l.text)).toContain(`post state=${JSON.stringify(postState)}`);

    expect(run.summary).toBe(`<h2>echo</h2>\nhello, world!\n\npost saw ${JSON.stringify(postState)}\n`);
    expect(run.status).toBe("success");
  });

  it("sets the runner's environment, with overrides and extra variables", async () => {
    const run = await runAction(ECHO, {
      inputs: { who: "env" },
      github: { repository: "acme/api", ref: "refs/tags/v1.2.3", eventName: "workflow_dispatch" },
      env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_REGION: "eu-west-1", GITHUB_RUN_ID: "99", CI: undefined },
      keepFiles: true,
    });
    try {
      const env = run.main.env;
      expect(env).toMatchObject({
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: "acme/api",
        GITHUB_REPOSITORY_OWNER: "acme",
        GITHUB_REF: "refs/tags/v1.2.3",
        GITHUB_REF_NAME: "v1.2.3",
        GITHUB_REF_TYPE: "tag",
        GITHUB_EVENT_NAME: "workflow_dispatch",
        GITHUB_RUN_ID: "99",
        INPUT_REPOSITORY: "acme/api",
        RUNNER_OS: "Linux",
        AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
        AWS_REGION: "eu-west-1",
      });
      expect(env.CI).toBeUndefined();
      expect(env.HOME?.startsWith(run.tempDir)).toBe(true);
      for (const name of ["GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"]) {
        expect(env[name]?.startsWith(run.tempDir), name).toBe(true);
        expect(run.post?.env[name]).not.toBe(env[name]);
      }
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? "", "utf8"));
      expect(event).toMatchObject({ ref: "refs/tags/v1.2.3", repository: { full_name: "acme/api" }, inputs: {} });
    } finally {
      rmSync(run.tempDir, { recursive: true, force: true });
    }
  });

  it("parses groups, annotations and debug lines from the log", async () => {
    const run = await runAction(ECHO, { inputs: { who: "log", greeting: "hi" } });
    const greeting = run.main.log.find((l) => l.text === "greeting=hi who=log");
    expect(greeting?.group).toBe("inputs");
    expect(run.main.log.find((l) => l.command?.name === "debug")?.command?.message).toBe("wait-ms=0");
    expect(run.main.annotations).toEqual([
      { level: "notice", message: "hi, log!", title: "echo", file: "action.yml", line: 1 },
    ]);
    const shown = run.maskedLog("main").split("\n");
    expect(shown).toEqual(expect.arrayContaining(["##[group]inputs", "##[endgroup]", "##[notice]hi, log!"]));
    expect(shown.some((l) => l.includes("wait-ms"))).toBe(false);
    expect(run.maskedLog().includes("post state=")).toBe(true);
    await expect(runAction(ECHO, { inputs: { who: "x", "no-such-input": "1" } })).rejects.toThrow(/no-such-input/);
  });

  it("masks a secret the action registered with setSecret, and catches a leak", async () => {
    const run = await runAction(ECHO, { inputs: { who: "masked", secret: SECRET } });
    // The action logged it; only the runner's masking hides it.
    expect(run.main.stdout).toContain(`secret=${SECRET}`);
    expect(run.main.masks).toEqual([SECRET]);
    expect(run.maskedLog()).toContain("secret=***");
    expect(run.maskedLog()).not.toContain(SECRET);
    assertSecretNotLeaked(run, SECRET);

    // `who` is not masked: it reaches the log, an output, the state and the summary.
    const leaky = "leaky-value-7";
    const leak = await runAction(ECHO, { inputs: { who: leaky } });
    expect(() => assertSecretNotLeaked(leak, leaky)).toThrow(/main stdout[\s\S]*output 'message'[\s\S]*summary/);
    expect(leak.maskedLog()).toContain(leaky);
    // Values the workflow took from `secrets` are masked from the start.
    const fromSecrets = await runAction(ECHO, { inputs: { who: leaky }, secrets: [leaky] });
    expect(fromSecrets.maskedLog()).not.toContain(leaky);
  });

  it("cancels with SIGINT when a log line appears; post runs with the state saved on the way out", async () => {
    const run = await runAction(ECHO, {
      inputs: { who: "cancel", "wait-ms": 60_000 },
      cancel: { whenLog: /^waiting/ },
    });

    expect(run.main).toMatchObject({ outcome: "cancelled", cancelled: true, exitCode: 130, signal: null });
    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(["SIGINT"]);
    expect(run.main.durationMs).toBeLessThan(7_500);
    expect(run.main.annotations).toContainEqual({ level: "error", message: "interrupted by SIGINT" });
    expect(run.state).toMatchObject({ started: "true", interrupted: "SIGINT" });
    expect(run.postIf).toMatchObject({ status: "cancelled", ran: true });
    expect(run.post?.env.STATE_interrupted).toBe("SIGINT");
    expect(run.post?.log.map((l) => l.text).join("\n")).toContain('"interrupted":"SIGINT"');
    expect(run.status).toBe("cancelled");
  });

  it("sends SIGTERM then SIGKILL to a step that ignores SIGINT", async () => {
    const run = await runAction(ECHO, {
      inputs: { who: "stubborn", "wait-ms": 60_000, "ignore-signals": true },
      cancel: { whenLog: "waiting" },
      signals: { sigtermAfterMs: 300, sigkillAfterMs: 300 },
    });

    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(["SIGINT", "SIGTERM", "SIGKILL"]);
    const [sigint, sigterm, sigkill] = run.main.signalsSent.map((s) => s.atMs) as [number, number, number];
    expect(sigterm - sigint).toBeGreaterThanOrEqual(290);
    expect(sigkill - sigterm).toBeGreaterThanOrEqual(290);
    expect(run.main).toMatchObject({ outcome: "cancelled", exitCode: null, signal: "SIGKILL" });
    expect(run.main.log.map((l) => l.text)).toEqual(expect.arrayContaining(["ignoring SIGINT", "ignoring SIGTERM"]));
    expect(run.state.interrupted).toBe("SIGTERM");
    expect(run.post?.outcome).toBe("success");
  });

  it("cancels after a delay, or when a callback says so", async () => {
    const afterDelay = await runAction(ECHO, { inputs: { who: "late", "wait-ms": 60_000 }, cancel: { afterMs: 500 } });
    expect(afterDelay.main.outcome).toBe("cancelled");
    expect(afterDelay.main.signalsSent[0]?.atMs).toBeGreaterThanOrEqual(500);
    expect(afterDelay.post?.outcome).toBe("success");

    // As a test would wait for the simulator to reach some state: polled, no log line.
    let waiting = false;
    const byCallback = await runAction(ECHO, {
      inputs: { who: "callback", "wait-ms": 60_000 },
      onLine: (line) => {
        if (line.text.startsWith("waiting")) waiting = true;
      },
      cancel: { when: (line) => line === undefined && waiting, pollMs: 20 },
    });
    expect(byCallback.main.outcome).toBe("cancelled");
    expect(byCallback.state.interrupted).toBe("SIGINT");
  });

  it("stops a step that runs past its timeout and fails it", async () => {
    const run = await runAction(ECHO, { inputs: { who: "slow", "wait-ms": 60_000 }, timeoutMs: 1_000 });
    expect(run.main).toMatchObject({ outcome: "failure", timedOut: true, cancelled: false });
    expect(run.main.signalsSent[0]).toMatchObject({ signal: "SIGINT" });
    expect(run.main.signalsSent[0]?.atMs).toBeGreaterThanOrEqual(1_000);
    expect(run.postIf).toMatchObject({ status: "failure", ran: true });
    expect(run.status).toBe("failure");
  });
});

describe("post-if", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  // A copy of the echo action whose action.yml declares `postIf`, sharing its dist/.
  function echoWithPostIf(postIf: string): string {
    const echo = fileURLToPath(new URL(`../../${ECHO}`, import.meta.url));
    const dir = mkdtempSync(path.join(os.tmpdir(), "deploy-post-if-"));
    dirs.push(dir);
    const yml = readFileSync(path.join(echo, "action.yml"), "utf8").replace(
      "  post: dist/post/index.js\n",
      `  post: dist/post/index.js\n  post-if: ${JSON.stringify(postIf)}\n`,
    );
    writeFileSync(path.join(dir, "action.yml"), yml);
    symlinkSync(path.join(echo, "dist"), path.join(dir, "dist"));
    return dir;
  }

  it.each([
    { postIf: "success()", main: "success", ran: true },
    { postIf: "success()", main: "failure", ran: false },
    { postIf: "failure()", main: "success", ran: false },
    { postIf: "failure()", main: "failure", ran: true },
    { postIf: "cancelled()", main: "failure", ran: false },
    { postIf: "cancelled()", main: "cancelled", ran: true },
    { postIf: "always()", main: "cancelled", ran: true },
    { postIf: "runner.os == 'linux'", main: "success", ran: true },
    { postIf: "runner.os == 'linux'", main: "failure", ran: false },
    { postIf: "!cancelled() && github.event_name == 'push'", main: "failure", ran: true },
  ] as const)("post-if: $postIf after main $main -> ran $ran", async ({ postIf, main, ran }) => {
    const run = await runAction(echoWithPostIf(postIf), {
      inputs: { who: "post-if", fail: main === "failure", "wait-ms": main === "cancelled" ? 60_000 : 0 },
      ...(main === "cancelled" ? { cancel: { whenLog: "waiting" } } : {}),
    });
    expect(run.main.outcome).toBe(main);
    expect(run.postIf).toEqual({ expression: postIf, status: main, ran });
    expect(run.post === undefined).toBe(!ran);
  });
});
