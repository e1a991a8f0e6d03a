// End-to-end: AWS did the work, then the answer was lost (a 500 after the fact, a dropped
// connection). The SDK retries; each step must still end in a correct, reported state with
// no duplicate resource. One test per mutating call covered so far (issue 12 lists the rest;
// those that orphan resources today are issue 13's).
import { describe, expect, it } from "vitest";
import { bakeAmi, sim as bakeSim, images, instances, leftovers, simulatorPerTest } from "./bake-ami-support.ts";
import { group, refreshStatuses, rollout, simulator, TEMPLATE } from "./rolling-replace-support.ts";

type LostAnswer = "error-after" | "drop-after";
const LOST: LostAnswer[] = ["error-after", "drop-after"];

describe("rolling-replace when an answer is lost", () => {
  it.for(LOST)("StartInstanceRefresh (%s): finds the refresh it started, one refresh, rolled out", async (kind) => {
    const sim = await simulator();
    try {
      sim.world.faults.add({ operation: "autoscaling:StartInstanceRefresh", kind, count: 1 });
      const run = await rollout(sim);

      expect(run.main.outcome).toBe("success");
      expect(sim.world.calls.count("autoscaling:StartInstanceRefresh")).toBe(2);
      expect(refreshStatuses(sim)).toEqual(["Successful"]);
      expect(group(sim).versions).toEqual({ [`${TEMPLATE}:2`]: 4 });
    } finally {
      await sim.close();
    }
  });
});

describe("bake-ami when an answer is lost", () => {
  simulatorPerTest();

  it.for(LOST)("CreateImage (%s): adopts the image it made by its bake key, one AMI, no builder left", async (kind) => {
    bakeSim.world.faults.add({ operation: "ec2:CreateImage", kind, count: 1 });
    const run = await bakeAmi();

    expect(run.main.outcome).toBe("success");
    expect(bakeSim.world.calls.count("ec2:CreateImage")).toBe(2);
    const made = images().filter((i) => i.state !== "deregistered");
    expect(made.map((i) => i.id)).toEqual([run.outputs["ami-id"]]);
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
  });

  it.for(LOST)("TerminateInstances (%s): the builder is gone, asked again harmlessly", async (kind) => {
    bakeSim.world.faults.add({ operation: "ec2:TerminateInstances", kind, count: 1 });
    const run = await bakeAmi();

    expect(run.main.outcome).toBe("success");
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
    expect(instances().filter((i) => i.tagMap["deploy:role"] === "builder")).toHaveLength(1);
  });
});
