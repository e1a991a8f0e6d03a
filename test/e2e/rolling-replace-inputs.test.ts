// End-to-end: bad inputs fail the bundled step before any call that changes anything,
// naming the input. inputs.test.ts runs the whole table against the parser; this runs
// one of each kind of check through the bundle.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Simulator } from "@deploy/sim";
import { runAction } from "@deploy/test/harness";
import { afterAll, beforeAll, describe, it } from "vitest";
import { BAD_INPUTS, writeWorkspace } from "../../actions/rolling-replace/test/bad-inputs.ts";
import { ACTION, errors, simulator } from "./rolling-replace-support.ts";

const THROUGH_THE_BUNDLE = [
  "missing group",
  "neither ami-id nor release",
  "both ami-id and release",
  "malformed ami-id",
  "release that is not JSON",
  "release without an AMI for the region",
  "no region at all",
  "min healthy above 100",
  "max healthy more than 100 above min healthy",
  "warmup that is not a duration",
  "checkpoints not ascending",
  "unknown if-refresh-running",
  "user-data file missing",
  "a secret-looking var",
  "environment without github-token",
  "blue-green with checkpoints",
];

let sim: Simulator;
let workspace: string;
beforeAll(async () => {
  sim = await simulator();
  workspace = mkdtempSync(path.join(os.tmpdir(), "rolling-replace-e2e-"));
  writeWorkspace(workspace);
});
afterAll(async () => {
  await sim.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe("rolling-replace with bad inputs", () => {
  const cases = BAD_INPUTS.filter((c) => THROUGH_THE_BUNDLE.includes(c.name));

  it("runs every case named here", ({ expect }) => {
    expect(cases.map((c) => c.name)).toEqual(THROUGH_THE_BUNDLE);
  });

  it.for(cases)("$name: fails naming $input before any change", async ({ values, input, got, env }, { expect }) => {
    sim.world.calls.reset();
    const run = await runAction(ACTION, { inputs: values, env: { ...sim.env(), ...env }, workspace });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain(`"${input}"`);
    if (got !== undefined) expect(message).toContain(got);
    expect(sim.world.calls.mutating()).toEqual([]);
    expect(run.post?.outcome).toBe("success");
  });
});
