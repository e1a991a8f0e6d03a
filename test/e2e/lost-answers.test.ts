// End-to-end: AWS did the work, then the answer was lost (a 500 after the fact, a dropped
// connection). The SDK retries; each step must still end in a correct, reported state with
// no duplicate resource. One test per mutating call covered so far (issue 12 lists the rest;
// those that orphan resources today are issue 13's).
import { describe, expect, it } from "vitest";
import { bakeAmi, sim as bakeSim, images, instances, leftovers, simulatorPerTest } from "./bake-ami-support.ts";
import { group, REGION, refreshStatuses, rollout, simulator, TEMPLATE } from "./rolling-replace-support.ts";

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

  it.for(LOST)(
    "CreateLaunchTemplateVersion (%s): the SDK's retry gets the same version back, not a second one",
    async (kind) => {
      const sim = await simulator();
      try {
        sim.world.faults.add({ operation: "ec2:CreateLaunchTemplateVersion", kind, count: 1 });
        const run = await rollout(sim);

        expect(run.main.outcome).toBe("success");
        expect(sim.world.calls.count("ec2:CreateLaunchTemplateVersion")).toBe(2);
        expect(run.outputs["launch-template-version"]).toBe("2");
        const template = [...sim.world.region(REGION).ec2.launchTemplates.values()].find((lt) => lt.name === TEMPLATE);
        expect(template?.versions.length).toBe(2);
        expect(group(sim).versions).toEqual({ [`${TEMPLATE}:2`]: 4 });
      } finally {
        await sim.close();
      }
    },
  );
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

  it.for(LOST)(
    "RunInstances (%s): the SDK's retry with the same client token gets the same builder, one builder",
    async (kind) => {
      bakeSim.world.faults.add({ operation: "ec2:RunInstances", kind, count: 1 });
      const run = await bakeAmi();

      expect(run.main.outcome).toBe("success");
      expect(bakeSim.world.calls.count("ec2:RunInstances")).toBe(2);
      expect(instances().filter((i) => i.tagMap["deploy:role"] === "builder")).toHaveLength(1);
      expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
    },
  );

  it.for(LOST)("CopyImage (%s): the SDK's retry gets the same copy, one AMI in the other region", async (kind) => {
    bakeSim.world.faults.add({ operation: "ec2:CopyImage", kind, count: 1 });
    const run = await bakeAmi({ regions: "us-east-1" });

    expect(run.main.outcome).toBe("success");
    expect(bakeSim.world.calls.count("ec2:CopyImage")).toBe(2);
    const copies = images("us-east-1").filter((i) => i.state !== "deregistered");
    expect(copies.map((i) => i.id)).toEqual([JSON.parse(run.outputs.amis ?? "{}")["us-east-1"]]);
    expect(leftovers("us-east-1")).toEqual({ instances: [], pendingImages: [] });
  });

  it.for(LOST)("TerminateInstances (%s): the builder is gone, asked again harmlessly", async (kind) => {
    bakeSim.world.faults.add({ operation: "ec2:TerminateInstances", kind, count: 1 });
    const run = await bakeAmi();

    expect(run.main.outcome).toBe("success");
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
    expect(instances().filter((i) => i.tagMap["deploy:role"] === "builder")).toHaveLength(1);
  });
});
