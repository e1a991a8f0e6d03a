// End-to-end: AWS as it is on a bad day. New instances and images answer NotFound for a
// while after they are made, and a fifth of the calls are throttled: the bake ends the
// same as on a good day.
import type { Simulator } from "@deploy/sim";
import { afterEach, describe, expect, it } from "vitest";
import {
  bakeAmi,
  images,
  leftovers,
  outputsOf,
  REGION,
  sim,
  simulator,
  simulatorPerTest,
  world,
} from "./bake-ami-support.ts";

/** A minute of eventual consistency (300 real ms): the first looks at a new builder or AMI miss it. */
const CONSISTENCY_MS = 60_000;
const INPUTS = { regions: "us-east-1", "share-with-accounts": "210987654321" };

simulatorPerTest(() => world({ timings: { consistencyMs: CONSISTENCY_MS } }));

let calm: Simulator | undefined;
afterEach(async () => {
  await calm?.close();
  calm = undefined;
});

describe("bake-ami on a bad day", () => {
  it("with eventual consistency and 20% of calls throttled, bakes the same AMI as on a calm day", async () => {
    calm = await simulator(world());
    const baseline = await bakeAmi(INPUTS, {}, calm);
    expect(baseline.main.outcome).toBe("success");

    for (const service of ["ec2", "ssm"]) {
      sim.world.faults.add({ operation: `${service}:*`, kind: "throttle", rate: 0.2 });
    }
    const run = await bakeAmi(INPUTS);

    const failed = sim.world.calls.records.filter((c) => c.error !== undefined);
    expect(failed.some((c) => /Throttl|RequestLimitExceeded/.test(c.error ?? ""))).toBe(true);
    expect(failed.some((c) => /NotFound/.test(c.error ?? ""))).toBe(true);

    expect(run.main.outcome).toBe("success");
    const out = outputsOf(run);
    const calmOut = outputsOf(baseline);
    expect(out.bakeKey).toBe(calmOut.bakeKey);
    expect(out.reused).toBe("false");
    expect(Object.keys(out.amis)).toEqual(Object.keys(calmOut.amis));
    for (const region of [REGION, "us-east-1"]) {
      expect(
        images(region).map((i) => [i.id, i.state, i.launchPermissions]),
        region,
      ).toEqual([[out.amis[region], "available", ["210987654321"]]]);
      expect(leftovers(region), region).toEqual({ instances: [], pendingImages: [] });
    }
    // One builder and one image, however often a call had to be retried.
    const made = (operation: string) =>
      sim.world.calls.records.filter((c) => c.operation === operation && c.error === undefined).length;
    expect([made("ec2:RunInstances"), made("ec2:CreateImage"), made("ec2:CopyImage")]).toEqual([1, 1, 1]);
    expect(run.post?.summary).toBe("");
  });
});
