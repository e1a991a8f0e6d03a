import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { type Action, defineAction, slot } from "./action.ts";
import { CancelledError } from "./cancellation.ts";
import type { Context } from "./context.ts";
import { DeployError } from "./errors.ts";
import { setSecret } from "./secrets.ts";
import { summary } from "./summary.ts";

let stdout: MockInstance<typeof process.stdout.write>;
const written = () => stdout.mock.calls.map(([chunk]) => String(chunk)).join("");

/** A file command file as the runner provides one, read back as name → value. */
function fileCommand(variable: "GITHUB_STATE" | "GITHUB_STEP_SUMMARY") {
  const path = join(mkdtempSync(join(tmpdir(), "core-action-")), variable);
  writeFileSync(path, "");
  vi.stubEnv(variable, path);
  return {
    path,
    values() {
      const values: Record<string, string> = {};
      for (const [, name = "", , value = ""] of readFileSync(path, "utf8").matchAll(/^(.+)<<(.+)\n([\s\S]*?)\n\2$/gm)) {
        values[name] = value;
      }
      return values;
    },
  };
}

/** The runner hands what main saved to the post step as STATE_<name>. */
function handOver(state: ReturnType<typeof fileCommand>): void {
  for (const [name, value] of Object.entries(state.values())) vi.stubEnv(`STATE_${name}`, value);
  process.exitCode = undefined;
}

interface Rollout {
  group: string;
  refresh: string;
}

const rollout = defineAction({ state: { rollout: slot<Rollout>(), settled: slot<string>() } });
type RolloutAction = typeof rollout extends Action<infer S, infer C> ? Action<S, C> : never;

/** A post step that records how it was called. */
function recordingPost(action: RolloutAction) {
  const calls: { phase: string; state: unknown }[] = [];
  return { calls, post: action.post(async ({ phase, state }) => void calls.push({ phase, state })) };
}

beforeEach(() => {
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.stubEnv("GITHUB_REPOSITORY", "acme/shop");
  vi.stubEnv("GITHUB_RUN_ID", "4242");
  vi.stubEnv("GITHUB_SHA", "3f9c1d2e4b5a69788a7b6c5d4e3f2a1b0c9d8e7f");
  vi.stubEnv("DEPLOY_CLOCK_SPEED", "");
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe("defineAction: the main step", () => {
  it("hands the story one context: the run, a clock, the cancellation signal, a logger", async () => {
    let seen: Context | undefined;
    await defineAction({ state: {} }).main(async ({ ctx }) => {
      seen = ctx;
    })();
    expect(seen?.run).toMatchObject({ repository: "acme/shop", runId: "4242", runAttempt: "1" });
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
    expect(seen?.signal.aborted).toBe(false);
    expect(Math.abs((seen?.clock.now() ?? 0) - Date.now())).toBeLessThan(1000);
    expect(process.exitCode).toBeUndefined();
  });

  it("runs the step on the clock DEPLOY_CLOCK_SPEED asks for", async () => {
    vi.stubEnv("DEPLOY_CLOCK_SPEED", "3600");
    vi.stubEnv("DEPLOY_CLOCK_ORIGIN", String(Date.now() - 1000));
    let elapsed = 0;
    await defineAction({ state: {} }).main(async (step) => {
      await step.ctx.clock.sleep(60_000);
      elapsed = step.elapsedMs();
    })();
    // A simulated minute passed, in a fiftieth of a real second or so.
    expect(elapsed).toBeGreaterThanOrEqual(60_000);
    expect(elapsed).toBeLessThan(20 * 60_000);
  });

  it("lets the story build its own context from the kernel's", async () => {
    let region: string | undefined;
    await defineAction({ state: {}, context: (ctx) => ({ ...ctx, region: "eu-west-1" }) }).main(async ({ ctx }) => {
      region = ctx.region;
    })();
    expect(region).toBe("eu-west-1");
  });

  it("saves typed state as JSON and the phases in order, ending reported", async () => {
    const state = fileCommand("GITHUB_STATE");
    await rollout.main(async (step) => {
      step.reach("changing");
      step.save("rollout", { group: "shop", refresh: "ir-1" });
      step.reach("settled");
      step.reach("changing"); // a phase already passed is kept
    })();
    expect(state.values()).toEqual({
      "deploy-phase": "reported",
      rollout: '{"group":"shop","refresh":"ir-1"}',
    });
    expect(readFileSync(state.path, "utf8").match(/^deploy-phase<</gm)).toHaveLength(3);
  });

  it("fails the step with the error's what, why and fix, and the stack in the debug log", async () => {
    await defineAction({ state: {} }).main(async () => {
      throw new DeployError({ what: "What.", why: "Why.", fix: "Fix." });
    })();
    expect(process.exitCode).toBe(1);
    const out = written();
    expect(out).toContain("::error::What.%0AWhy.%0AFix.\n");
    expect(out).toMatch(/::debug::DeployError: What\. Why\. Fix\.%0A\s+at /);
  });

  it("reports a cancellation like any other failure", async () => {
    await defineAction({ state: {} }).main(async () => {
      throw new CancelledError("SIGINT");
    })();
    expect(process.exitCode).toBe(1);
    expect(written()).toContain("::error::The step was cancelled.%0AThe runner sent SIGINT.%0A");
  });

  it("fails before the story when the runner's variables are missing", async () => {
    vi.stubEnv("GITHUB_RUN_ID", "");
    let ran = false;
    await defineAction({ state: {} }).main(async () => {
      ran = true;
    })();
    expect(ran).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(written()).toContain("::error::The environment variable GITHUB_RUN_ID is not set.");
  });

  it("writes the failure's summary registered last, and still fails with the step's own error", async () => {
    const file = fileCommand("GITHUB_STEP_SUMMARY");
    await defineAction({ state: {} }).main(async (step) => {
      step.onFailure(() => summary().paragraph("first"));
      step.onFailure((error) => summary().paragraph(`refused: ${(error as DeployError).what}`));
      throw new DeployError({ what: "No stage deployment." });
    })();
    expect(readFileSync(file.path, "utf8")).toBe("refused: No stage deployment.\n\n");
    expect(process.exitCode).toBe(1);
    expect(written()).toContain("::error::No stage deployment.");
  });

  it("keeps the step's error when the failure's summary cannot be written", async () => {
    await defineAction({ state: {} }).main(async (step) => {
      step.onFailure(() => {
        throw new Error("summary broke");
      });
      throw new DeployError({ what: "The real failure." });
    })();
    expect(written()).toContain(
      "::warning::The failure's job summary could not be written: Unexpected error: summary broke",
    );
    expect(written()).toContain("::error::The real failure.");
  });
});

describe("defineAction: the post step", () => {
  it("is not run when the main step changed nothing, or reported everything", async () => {
    for (const story of [async () => {}, async () => Promise.reject(new Error("bad input"))]) {
      const state = fileCommand("GITHUB_STATE");
      await rollout.main(story)();
      handOver(state);
      const { calls, post } = recordingPost(rollout);
      await post();
      expect(calls).toEqual([]);
    }
  });

  it("learns that main stopped while changing, with the typed state it saved", async () => {
    const state = fileCommand("GITHUB_STATE");
    await rollout.main(async (step) => {
      step.reach("changing");
      step.save("rollout", { group: "shop", refresh: "ir-1" });
      throw new CancelledError("SIGINT");
    })();
    handOver(state);
    const { calls, post } = recordingPost(rollout);
    await post();
    expect(calls).toEqual([{ phase: "changing", state: { rollout: { group: "shop", refresh: "ir-1" } } }]);
  });

  it("learns that main failed after the change settled, so that it only completes the reporting", async () => {
    const state = fileCommand("GITHUB_STATE");
    await rollout.main(async (step) => {
      step.reach("changing");
      step.save("rollout", { group: "shop", refresh: "ir-1" });
      step.save("settled", "success");
      step.reach("settled");
      throw new DeployError({ what: "GitHub answered 500." });
    })();
    handOver(state);
    const { calls, post } = recordingPost(rollout);
    await post();
    expect(calls).toEqual([
      { phase: "settled", state: { rollout: { group: "shop", refresh: "ir-1" }, settled: "success" } },
    ]);
  });

  it("fails clearly on state that is not JSON, redacting secrets", async () => {
    setSecret("state-secret-9");
    vi.stubEnv("STATE_deploy-phase", "changing");
    vi.stubEnv("STATE_rollout", "not json state-secret-9");
    const { calls, post } = recordingPost(rollout);
    await post();
    expect(calls).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(written()).toContain(`::error::The main step's state "rollout" is not JSON.%0AGot "not json ***"`);
  });

  it("refuses a phase it does not know", async () => {
    vi.stubEnv("STATE_deploy-phase", "halfway");
    const { calls, post } = recordingPost(rollout);
    await post();
    expect(calls).toEqual([]);
    expect(written()).toContain(
      `::error::The main step's state "deploy-phase" is not one of changing, settled, reported.`,
    );
  });

  it("refuses a state key that is the kernel's own", () => {
    expect(() => defineAction({ state: { "deploy-phase": slot<string>() } })).toThrow(/kernel's own/);
  });
});
