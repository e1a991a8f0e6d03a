import { StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import { DeployError } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { planRollout } from "../src/rollout/plan.ts";
import type { RolloutPlan } from "../src/rollout/types.ts";
import {
  ARM_AMI,
  BAD_AMI,
  FAILED_AMI,
  MISSING_AMI,
  NEW_AMI,
  OLD_AMI,
  OLD_USER_DATA,
  type RolloutSim,
  rolloutRequest,
  rolloutWorld,
  useRolloutSim,
} from "./rollout-sim.ts";

async function refusal(sim: RolloutSim, request = rolloutRequest()): Promise<DeployError> {
  const error = await planRollout(sim.context(), request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeployError);
  return error as DeployError;
}

describe("planRollout", () => {
  const t = useRolloutSim();
  it("reads the group, template, image and refreshes, and changes nothing", async () => {
    t.sim.world.calls.reset();
    const plan = await planRollout(t.context(), rolloutRequest({ userData: "#!/bin/sh\necho new\n" }));
    expect(t.sim.world.calls.mutating()).toEqual([]);
    expect(Object.keys(t.sim.world.calls.counts()).sort()).toEqual([
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeInstanceRefreshes",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
    ]);
    expect(plan).toMatchObject<Partial<RolloutPlan>>({
      launchTemplate: { id: expect.stringMatching(/^lt-/), name: "web", currentVersion: "1" },
      currentImageId: OLD_AMI,
      newImageId: NEW_AMI,
      instancesToReplace: 4,
      // Min healthy 50 % of 4: two at a time.
      batches: [2, 2],
      // Two batches of launch (90 s) plus warmup (60 s).
      estimatedMs: 300_000,
      defaultTimeoutMs: 600_000 + 600_000,
    });
    expect(plan.group.instances).toHaveLength(4);
    expect(plan.runningRefresh).toBeUndefined();
    const [image, userData] = plan.changes;
    expect(image).toEqual({ field: "ImageId", from: OLD_AMI, to: NEW_AMI });
    expect(userData?.field).toBe("UserData");
    expect(userData?.from).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(userData?.to).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(JSON.stringify(plan.changes)).not.toContain("echo");
  });

  it("lists no user-data change when the rendered user data is what the group has", async () => {
    const plan = await planRollout(t.context(), rolloutRequest({ userData: OLD_USER_DATA }));
    expect(plan.changes.map((c) => c.field)).toEqual(["ImageId"]);
  });

  it("refuses a group that does not exist, naming it and the region", async () => {
    const error = await refusal(t, rolloutRequest({ groupName: "nope" }));
    expect(error.what).toBe("Auto Scaling group nope does not exist in eu-west-1.");
  });
});

describe("planRollout on a group on a launch configuration", () => {
  const t = useRolloutSim(() => rolloutWorld({ launchConfiguration: true }));

  it("refuses it, with how to move to a launch template", async () => {
    const error = await refusal(t);
    expect(error.what).toContain("uses the launch configuration web-lc, not a launch template");
    expect(error.fix).toMatch(/Migrate the group to a launch template/);
  });
});

describe("planRollout on a group on $Latest", () => {
  const t = useRolloutSim(() => rolloutWorld({ groupVersion: "$Latest" }));

  it("refuses AutoRollback, naming the number $Latest stands for", async () => {
    const error = await refusal(t);
    expect(error.what).toContain("uses its launch template's $Latest version");
    expect(error.fix).toContain("$Latest is version 1 now");
    expect(error.input).toBe("auto-rollback");
  });

  it("plans without AutoRollback, from the number the version resolves to", async () => {
    const request = rolloutRequest();
    request.preferences.autoRollback = false;
    const plan = await planRollout(t.context(), request);
    expect(plan.launchTemplate.currentVersion).toBe("1");
    expect(plan.group.launchTemplate?.version).toBe("$Latest");
  });
});

describe("planRollout on a group whose image is an SSM parameter", () => {
  const t = useRolloutSim(() => rolloutWorld({ templateImageId: "resolve:ssm:/shop/ami", instances: 0 }));

  it("refuses AutoRollback to it", async () => {
    const error = await refusal(t);
    expect(error.what).toContain("takes its image id from an SSM parameter (resolve:ssm:/shop/ami)");
  });
});

describe("planRollout's image check", () => {
  const t = useRolloutSim();
  it("refuses a missing AMI after giving AWS time to show it, naming the AMI and region", async () => {
    const start = t.sim.world.clock.now();
    const error = await refusal(t, rolloutRequest({ imageId: MISSING_AMI }));
    expect(error.what).toBe(`AMI ${MISSING_AMI} does not exist in eu-west-1.`);
    expect(error.fix).toMatch(/bake-ami copies it/);
    // It retried NotFound (eventual consistency) before giving up.
    expect(t.sim.world.calls.count("ec2:DescribeImages")).toBeGreaterThan(1);
    expect(t.sim.world.clock.now() - start).toBeGreaterThanOrEqual(30_000);
  });

  it("refuses an AMI that is not available, with its state", async () => {
    const error = await refusal(t, rolloutRequest({ imageId: FAILED_AMI }));
    expect(error.what).toBe(`AMI ${FAILED_AMI} in eu-west-1 is failed, not available.`);
  });

  it("refuses an SSM parameter as the image id without asking AWS", async () => {
    t.sim.world.calls.reset();
    const error = await refusal(t, rolloutRequest({ imageId: "resolve:ssm:/shop/ami" }));
    expect(error.what).toBe('"resolve:ssm:/shop/ami" is not an AMI id.');
    expect(t.sim.world.calls.count("ec2:DescribeImages")).toBe(0);
  });

  it("refuses an AMI the group's instance type cannot run, before any change, for either strategy", async () => {
    for (const strategy of ["rolling", "blue-green"] as const) {
      const error = await refusal(t, rolloutRequest({ imageId: ARM_AMI, strategy }));
      expect(error).toMatchObject({
        what: `AMI ${ARM_AMI} is arm64, and t3.micro (the instance type of web's launch template) runs x86_64.`,
        input: "ami-id",
        code: "ArchitectureMismatch",
      });
      expect(error.fix).toMatch(/Use an AMI built for x86_64, or an instance type that runs arm64/);
    }
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("accepts an AMI whose instances will fail: that is for the rollout to find out", async () => {
    const plan = await planRollout(t.context(), rolloutRequest({ imageId: BAD_AMI }));
    expect(plan.newImageId).toBe(BAD_AMI);
  });
});

describe("planRollout's look at refreshes already running", () => {
  const t = useRolloutSim();
  it("reports one this run did not start", async () => {
    const { InstanceRefreshId } = await t
      .clients()
      .autoScaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: "web" }));
    const plan = await planRollout(t.context(), rolloutRequest());
    expect(plan.runningRefresh).toEqual({ id: InstanceRefreshId, status: "Pending", startedByThisRun: false });
  });
});
