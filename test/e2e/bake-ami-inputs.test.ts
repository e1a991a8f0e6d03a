// End-to-end: bad inputs fail the bundled step before any call that changes anything,
// naming the input. inputs.test.ts runs the whole table against the parser; this runs
// one of each kind of check through the bundle.
import { rmSync } from "node:fs";
import type { Simulator } from "@deploy/sim";
import { runAction } from "@deploy/test/harness";
import { afterAll, beforeAll, describe, it } from "vitest";
import { BAD_INPUTS } from "../../actions/bake-ami/test/bad-inputs.ts";
import { ACTION, errors, newWorkspace, simulator } from "./bake-ami-support.ts";

const THROUGH_THE_BUNDLE = [
  "missing base-ami",
  "name filter without an owner",
  "recipe file missing",
  "recipe outside the repository",
  "a role ARN for the instance profile",
  "a secret in recipe-env",
  "image by tag",
  "release that is not JSON",
  "six security groups",
  "ami-name with an unknown placeholder",
  "force-rebake with an ami-name without the date",
  "a tag in the suite's namespace",
  "an account id of 5 digits",
  "one region's key ARN for several regions",
  "an encrypted AMI shared without a customer managed key",
  "timeout below 5 minutes",
  "no region at all",
];

let sim: Simulator;
let workspace: string;
beforeAll(async () => {
  sim = await simulator();
  workspace = newWorkspace();
});
afterAll(async () => {
  await sim.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe("bake-ami with bad inputs", () => {
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
    // The step failed before its first AWS call: the post step has nothing to sweep and asks nothing.
    expect(run.post?.outcome).toBe("success");
    expect(sim.world.calls.records).toEqual([]);
  });
});
