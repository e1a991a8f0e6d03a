// What the end-to-end tests of every action share: reading a step's errors, counting the
// AWS calls that change something, and running an action's bad inputs through its bundle.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BadInput } from "@deploy/core/testing";
import type { Simulator } from "@deploy/sim";
import { type ActionRun, runAction } from "@deploy/test/harness";
import { afterAll, beforeAll, describe, it } from "vitest";

/** The step's error as the log shows it (`::error::` lines), for asserting on messages. */
export function errors(run: ActionRun): string {
  return run.main.annotations
    .filter((a) => a.level === "error")
    .map((a) => a.message)
    .join("\n");
}

/** Mutating AWS calls so far (GitHub's are counted apart). */
export function awsMutations(sim: Simulator): string[] {
  return sim.world.calls
    .mutating()
    .map((call) => call.operation)
    .filter((operation) => !operation.startsWith("github:"));
}

/**
 * Runs the cases of an action's bad-input table named in `names` through its bundle, one
 * of each kind of check (the action's unit tests run the whole table against its parser):
 * each fails the step naming the input (and the value), before any AWS call, and leaves
 * its post step nothing to do.
 */
export function describeBadInputs(options: {
  action: string;
  cases: BadInput[];
  names: string[];
  simulator: () => Promise<Simulator>;
  writeWorkspace: (dir: string) => void;
}): void {
  const { action, names } = options;
  let sim: Simulator;
  let workspace: string;
  beforeAll(async () => {
    sim = await options.simulator();
    workspace = mkdtempSync(path.join(os.tmpdir(), `${path.basename(action)}-bad-inputs-`));
    options.writeWorkspace(workspace);
  });
  afterAll(async () => {
    await sim.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  describe(`${path.basename(action)} with bad inputs`, () => {
    const cases = options.cases.filter((c) => names.includes(c.name));

    it("runs every case named", ({ expect }) => {
      expect(cases.map((c) => c.name)).toEqual(names);
    });

    it.for(cases)("$name: fails naming $input before any AWS call", async ({ values, input, got, env }, { expect }) => {
      sim.world.calls.reset();
      const run = await runAction(action, { inputs: values, env: { ...sim.env(), ...env }, workspace });

      expect(run.main.outcome).toBe("failure");
      const message = errors(run);
      expect(message).toContain(`"${input}"`);
      if (got !== undefined) expect(message).toContain(got);
      expect(run.post?.outcome ?? "success").toBe("success");
      expect(sim.world.calls.records).toEqual([]);
    });
  });
}
