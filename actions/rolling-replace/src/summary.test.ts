import type { RolloutPlan, RolloutResult } from "@deploy/aws";
import { describe, expect, it } from "vitest";
import { abandonedDeploymentState, rolloutFailed } from "./result.ts";
import { planLines, timelineChart } from "./summary.ts";

const RESULT: RolloutResult = {
  status: "RollbackSuccessful",
  autoScalingGroup: "shop-stage",
  instanceRefreshId: "ir-1",
  launchTemplateId: "lt-1",
  launchTemplateVersion: "4",
  previousLaunchTemplateVersion: "3",
  activeLaunchTemplateVersion: "3",
  timeline: [
    { at: 1_000, event: "Instance refresh ir-1 started" },
    { at: 61_000, event: "Checkpoint 50%: waiting; #2 of 3" },
    { at: 121_000, event: "RollbackSuccessful" },
  ],
  statusReason: "3 instances failed their health checks",
};

describe("timelineChart", () => {
  it("draws each event until the next, the last as a milestone, in Mermaid's gantt syntax", () => {
    expect(timelineChart(RESULT.timeline, "Rollout: ami-1", true).split("\n")).toEqual([
      "gantt",
      "  title Rollout ami-1",
      "  dateFormat x",
      "  axisFormat %H:%M:%S",
      "  section Rollout",
      "  Instance refresh ir-1 started :done, e0, 1000, 61000",
      "  Checkpoint 50% waiting 2 of 3 :done, e1, 61000, 121000",
      "  RollbackSuccessful :crit, milestone, e2, 121000, 121000",
    ]);
  });
});

describe("planLines", () => {
  it("says what a running refresh means for this run", () => {
    const plan = {
      group: { name: "shop-stage", desiredCapacity: 4, minSize: 2, maxSize: 8 },
      launchTemplate: { id: "lt-1", name: "shop", currentVersion: "3" },
      currentImageId: "ami-old",
      newImageId: "ami-new",
      changes: [{ field: "ImageId", from: "ami-old", to: "ami-new" }],
      instancesToReplace: 4,
      batches: [2, 2],
      estimatedMs: 240_000,
      defaultTimeoutMs: 1_080_000,
      runningRefresh: { id: "ir-0", status: "InProgress", startedByThisRun: true },
    } as unknown as RolloutPlan;
    const request = { strategy: "rolling", ifRefreshRunning: "fail" } as const;
    expect(planLines(plan, request as never)).toEqual([
      "Group: shop-stage, 4 instances desired (2 to 8)",
      "Launch template: shop (lt-1), version 3 now",
      "Image: ami-old -> ami-new",
      "Change: ImageId: ami-old -> ami-new",
      "Rollout: an instance refresh of shop-stage",
      "Instances to replace: 4, in batches of 2, 2",
      "Estimated duration: 4m; timeout 18m",
      "Running refresh: ir-0 (InProgress); this run started it: attaching to it",
    ]);
  });
});

describe("results", () => {
  it("fails a rolled-back rollout naming the version the group is on", () => {
    const error = rolloutFailed(RESULT);
    expect(error.what).toBe(
      "The rollout to shop-stage failed and was rolled back (RollbackSuccessful): the group is on launch template version 3.",
    );
    expect(error.why).toBe(RESULT.statusReason);
    expect(error.fix).toContain("launch template version 4");
  });

  it("ends an abandoned deployment by what the post step found", () => {
    expect(abandonedDeploymentState("left-running")).toBe("inactive");
    expect(abandonedDeploymentState("succeeded")).toBe("success");
    expect(abandonedDeploymentState("rolled-back")).toBe("failure");
    expect(abandonedDeploymentState(undefined)).toBe("failure");
  });
});
