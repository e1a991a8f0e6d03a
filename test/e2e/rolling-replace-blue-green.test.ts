// End-to-end: the bundled rolling-replace action with strategy blue-green. Either way,
// exactly one group serves the target group afterwards.
import { trafficTargets } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import {
  AMI,
  errors,
  GROUP,
  group,
  REGION,
  rollout,
  sim,
  simulatorPerTest,
  TARGET_GROUP,
  TEMPLATE,
} from "./rolling-replace-support.ts";

simulatorPerTest();

const groups = () =>
  [...sim.world.region(REGION).autoscaling.groups.values()].filter((g) => !g.deleting).map((g) => g.name);

describe("rolling-replace (blue-green)", () => {
  it("puts a new group on the new version into service and takes the old one out", async () => {
    const run = await rollout(sim, { strategy: "blue-green" });

    expect(run.main.outcome).toBe("success");
    const green = run.outputs["auto-scaling-group"] as string;
    expect(green).not.toBe(GROUP);
    expect(run.outputs).toMatchObject({ status: "Successful", "launch-template-version": "2" });
    expect(Object.keys(trafficTargets(sim.world, REGION, TARGET_GROUP))).toEqual([green]);
    expect(group(sim, green)).toMatchObject({ healthy: 4, versions: { [`${TEMPLATE}:2`]: 4 } });
    // The old group is kept, out of traffic, so that a rollback is a re-attach.
    expect(groups().sort()).toEqual([GROUP, green].sort());
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:1`]: 4 });
  });

  it("deletes a new group that does not become healthy and leaves the old one serving", async () => {
    const run = await rollout(sim, { strategy: "blue-green", "ami-id": AMI.bad });

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toMatch(/launch template version 1/);
    expect(Object.keys(trafficTargets(sim.world, REGION, TARGET_GROUP))).toEqual([GROUP]);
    expect(groups()).toEqual([GROUP]);
    expect(group(sim)).toMatchObject({ healthy: 4, versions: { [`${TEMPLATE}:1`]: 4 } });
  });

  it("cancelled while the new group comes up: the post step deletes it and the old one serves", async () => {
    const run = await rollout(
      sim,
      { strategy: "blue-green", "on-cancel": "rollback" },
      { cancel: { whenLog: /Waiting for group \S+ to be in service/ } },
    );

    expect(run.main.outcome).toBe("cancelled");
    expect(JSON.parse(run.state.rollout ?? "null")).toMatchObject({ strategy: "blue-green", blueGroupName: GROUP });
    expect(run.post?.outcome).toBe("success");
    expect(Object.keys(trafficTargets(sim.world, REGION, TARGET_GROUP))).toEqual([GROUP]);
    expect(groups()).toEqual([GROUP]);
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:1`]: 4 });
  });
});
