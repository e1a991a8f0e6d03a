import {
  type AutoScalingGroup,
  CancelInstanceRefreshCommand,
  CreateAutoScalingGroupCommand,
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
  ResumeProcessesCommand,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
  type StartInstanceRefreshCommandInput,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { groupSummary } from "../src/services/autoscaling/index.ts";
import type { LaunchTemplate } from "../src/services/ec2/state.ts";
import {
  converge,
  createGroup,
  describeGroup,
  describeRefresh,
  followRefresh,
  protectFromScaleIn,
  putLaunchTemplate,
  region,
} from "./autoscaling-fixtures.ts";
import { putImage } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

/** A template whose versions 1 and 2 are good and version 3 launches instances that fail health checks. */
function webTemplate(): LaunchTemplate {
  const bad = putImage(t.world);
  t.world.faults.unhealthyImages.add(bad);
  return putLaunchTemplate(t.world, "web", [putImage(t.world), putImage(t.world), bad]);
}

async function start(input: Partial<StartInstanceRefreshCommandInput> = {}): Promise<string> {
  const { InstanceRefreshId } = await t.autoscaling.send(
    new StartInstanceRefreshCommand({ AutoScalingGroupName: "web", ...input }),
  );
  return InstanceRefreshId as string;
}

const toVersion = (Version: string) => ({ LaunchTemplate: { LaunchTemplateName: "web", Version } });

const healthyInService = (group: AutoScalingGroup) =>
  (group.Instances ?? []).filter((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy").length;

const alive = (group: AutoScalingGroup) => (group.Instances ?? []).filter((i) => i.LifecycleState !== "Terminating");

async function readyGroup(input: { DesiredCapacity?: number; HealthCheckGracePeriod?: number } = {}) {
  const template = webTemplate();
  await createGroup(t, template, { DesiredCapacity: 4, MaxSize: 200, HealthCheckGracePeriod: 60, ...input });
  await converge(t, "web");
  return template;
}

describe("an instance refresh that succeeds", () => {
  it("pauses at a checkpoint with its reason, then ends Successful with the group on the new version", async () => {
    const template = await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: {
        MinHealthyPercentage: 50,
        InstanceWarmup: 60,
        CheckpointPercentages: [50, 100],
        CheckpointDelay: 600,
      },
    });
    const checkpointed: { at: number; refresh: InstanceRefresh; group: AutoScalingGroup }[] = [];
    const seen = await followRefresh(t, "web", id, {
      observe: (refresh, group) => {
        expect(healthyInService(group)).toBeGreaterThanOrEqual(2);
        if (refresh.StatusReason?.startsWith("Checkpoint"))
          checkpointed.push({ at: t.world.clock.now(), refresh, group });
      },
    });
    expect(seen[0]).toMatchObject({ Status: "Pending", PercentageComplete: 0, InstancesToUpdate: 4 });
    expect(seen.map((r) => r.Status)).toContain("InProgress");

    expect(checkpointed.length).toBeGreaterThan(0);
    const pause = checkpointed[0] as (typeof checkpointed)[number];
    expect(pause.refresh).toMatchObject({ Status: "InProgress", PercentageComplete: 50, InstancesToUpdate: 2 });
    expect(pause.refresh.StatusReason).toContain("Checkpoint 50% reached");
    expect(pause.group.Instances?.map((i) => `${i.LifecycleState}:${i.LaunchTemplate?.Version}`).sort()).toEqual([
      "InService:1",
      "InService:1",
      "InService:2",
      "InService:2",
    ]);
    const paused = (checkpointed.at(-1)?.at as number) - pause.at;
    expect(paused).toBeGreaterThanOrEqual(600_000 - 15_000);
    expect(paused).toBeLessThanOrEqual(600_000);

    const done = seen.at(-1) as InstanceRefresh;
    expect(done).toMatchObject({
      InstanceRefreshId: id,
      AutoScalingGroupName: "web",
      Status: "Successful",
      PercentageComplete: 100,
      InstancesToUpdate: 0,
      ProgressDetails: {
        LivePoolProgress: { PercentageComplete: 100, InstancesToUpdate: 0 },
        WarmPoolProgress: { PercentageComplete: 100, InstancesToUpdate: 0 },
      },
      Preferences: {
        MinHealthyPercentage: 50,
        InstanceWarmup: 60,
        CheckpointPercentages: [50, 100],
        CheckpointDelay: 600,
        SkipMatching: false,
        AutoRollback: false,
        ScaleInProtectedInstances: "Wait",
        StandbyInstances: "Wait",
      },
      DesiredConfiguration: {
        LaunchTemplate: { LaunchTemplateId: template.id, LaunchTemplateName: "web", Version: "2" },
      },
      Strategy: "Rolling",
    });
    expect(done.StatusReason).toBeUndefined();
    expect(done.RollbackDetails).toBeUndefined();
    expect((done.EndTime as Date).getTime()).toBeGreaterThan((done.StartTime as Date).getTime() + 600_000);
    expect((await describeGroup(t, "web")).LaunchTemplate).toEqual({
      LaunchTemplateId: template.id,
      LaunchTemplateName: "web",
      Version: "2",
    });
    expect(groupSummary(t.world, REGION, "web")).toMatchObject({ versions: { "web:2": 4 }, healthy: 4, inService: 4 });
  });

  it("bakes for BakeTime before it is Successful, and changes the group's version only then", async () => {
    await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: {
        MinHealthyPercentage: 50,
        InstanceWarmup: 30,
        BakeTime: 900,
        AlarmSpecification: { Alarms: ["web-5xx"] },
      },
    });
    const baking: { at: number; version?: string }[] = [];
    const seen = await followRefresh(t, "web", id, {
      observe: (refresh, group) => {
        if (refresh.Status === "Baking") {
          expect(refresh).toMatchObject({ PercentageComplete: 100, InstancesToUpdate: 0 });
          expect(refresh.StatusReason).toContain("bake time");
          baking.push({ at: t.world.clock.now(), version: group.LaunchTemplate?.Version });
        }
      },
    });
    expect(baking.length).toBeGreaterThan(1);
    expect(baking.every((b) => b.version === "1")).toBe(true);
    const done = seen.at(-1) as InstanceRefresh;
    expect(done.Status).toBe("Successful");
    expect((done.EndTime as Date).getTime() - (baking[0]?.at as number)).toBeGreaterThan(900_000 - 15_000);
    expect(done.Preferences).toMatchObject({ BakeTime: 900, AlarmSpecification: { Alarms: ["web-5xx"] } });
    expect((await describeGroup(t, "web")).LaunchTemplate?.Version).toBe("2");
  });

  it("launches first with MaxHealthyPercentage above 100, never dropping below the minimum healthy", async () => {
    await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 150, InstanceWarmup: 30 },
    });
    let largest = 0;
    const seen = await followRefresh(t, "web", id, {
      stepMs: 5_000,
      observe: (_refresh, group) => {
        expect(healthyInService(group)).toBeGreaterThanOrEqual(4);
        expect(alive(group).length).toBeLessThanOrEqual(6);
        largest = Math.max(largest, alive(group).length);
      },
    });
    expect(seen.at(-1)?.Status).toBe("Successful");
    expect(seen.at(-1)?.Preferences?.MaxHealthyPercentage).toBe(150);
    expect(largest).toBe(6);
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:2": 4 });
  });

  it("replaces (100 - MinHealthyPercentage)% of the group at a time by default", async () => {
    await readyGroup({ DesiredCapacity: 10 });
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: { MinHealthyPercentage: 80, InstanceWarmup: 30 },
    });
    let mostInFlight = 0;
    const seen = await followRefresh(t, "web", id, {
      stepMs: 5_000,
      observe: (_refresh, group) => {
        expect(healthyInService(group)).toBeGreaterThanOrEqual(8);
        mostInFlight = Math.max(
          mostInFlight,
          (group.Instances ?? []).filter((i) => i.LifecycleState === "Pending").length,
        );
      },
    });
    expect(seen.at(-1)?.Status).toBe("Successful");
    expect(mostInFlight).toBe(2);
  });

  it("skips instances already on the desired configuration with SkipMatching", async () => {
    const template = await readyGroup({ DesiredCapacity: 2 });
    await t.autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "web",
        LaunchTemplate: { LaunchTemplateId: template.id, Version: "2" },
        DesiredCapacity: 4,
      }),
    );
    const onTwo = (await converge(t, "web")).Instances?.filter((i) => i.LaunchTemplate?.Version === "2").map(
      (i) => i.InstanceId,
    );
    const id = await start({ DesiredConfiguration: toVersion("2"), Preferences: { SkipMatching: true } });
    expect(await describeRefresh(t, "web", id)).toMatchObject({ InstancesToUpdate: 2, PercentageComplete: 0 });
    expect((await followRefresh(t, "web", id)).at(-1)?.Status).toBe("Successful");
    const after = await describeGroup(t, "web");
    expect(after.Instances?.map((i) => i.LaunchTemplate?.Version)).toEqual(["2", "2", "2", "2"]);
    expect(after.Instances?.map((i) => i.InstanceId)).toEqual(expect.arrayContaining(onTwo ?? []));
  });

  it("without a desired configuration, replaces every instance with the group's own", async () => {
    await readyGroup({ DesiredCapacity: 2 });
    const before = (await describeGroup(t, "web")).Instances?.map((i) => i.InstanceId);
    const id = await start({ Preferences: { MinHealthyPercentage: 50 } });
    const done = (await followRefresh(t, "web", id)).at(-1);
    expect(done?.Status).toBe("Successful");
    expect(done?.DesiredConfiguration).toBeUndefined();
    const after = await describeGroup(t, "web");
    expect(after.LaunchTemplate?.Version).toBe("1");
    expect(after.Instances?.map((i) => i.InstanceId)).not.toEqual(expect.arrayContaining(before ?? []));
  });
});

describe("an instance refresh onto a bad image", () => {
  it("rolls back with AutoRollback and ends RollbackSuccessful with the group on its old version", async () => {
    const template = await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("3"),
      Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 60, AutoRollback: true },
    });
    const seen = await followRefresh(t, "web", id);
    const statuses = seen.map((r) => r.Status);
    expect(statuses).toContain("InProgress");
    expect(statuses).toContain("RollbackInProgress");
    const rolling = seen.find((r) => r.Status === "RollbackInProgress") as InstanceRefresh;
    expect(rolling.RollbackDetails).toMatchObject({
      RollbackReason: expect.stringContaining("Rollback started automatically because the instance refresh failed"),
      RollbackStartTime: expect.any(Date),
      PercentageCompleteOnRollback: 0,
      InstancesToUpdateOnRollback: 4,
      ProgressDetailsOnRollback: { LivePoolProgress: { PercentageComplete: 0, InstancesToUpdate: 4 } },
    });
    const done = seen.at(-1) as InstanceRefresh;
    expect(done).toMatchObject({ Status: "RollbackSuccessful", PercentageComplete: 0, EndTime: expect.any(Date) });

    expect((await describeGroup(t, "web")).LaunchTemplate).toEqual({
      LaunchTemplateId: template.id,
      LaunchTemplateName: "web",
      Version: "1",
    });
    expect(groupSummary(t.world, REGION, "web")).toMatchObject({
      versions: { "web:1": 4 },
      inService: 4,
      healthy: 4,
      unhealthy: 0,
    });
  });

  it("ends Failed without AutoRollback, leaving the group's configuration alone", async () => {
    const template = await readyGroup();
    const bad = template.versions[2]?.data.ImageId as string;
    t.world.faults.unhealthyImages.delete(bad);
    (region(t.world).ec2.images.get(bad) as { unhealthy: boolean }).unhealthy = true;
    const id = await start({ DesiredConfiguration: toVersion("3"), Preferences: { MinHealthyPercentage: 50 } });
    const done = (await followRefresh(t, "web", id)).at(-1) as InstanceRefresh;
    expect(done.Status).toBe("Failed");
    expect(done.StatusReason).toMatch(
      /^The instance refresh failed: \d+ instances launched with the desired configuration/,
    );
    expect(done.RollbackDetails).toBeUndefined();
    expect((await describeGroup(t, "web")).LaunchTemplate?.Version).toBe("1");
    // The instances that failed are replaced from the group's own configuration.
    await converge(t, "web");
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:1": 4 });
  });
});

describe("cancel and rollback", () => {
  it("cancels: Cancelling until in-flight replacements finish, then Cancelled, replaced instances kept", async () => {
    await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: { MinHealthyPercentage: 75, InstanceWarmup: 60 },
    });
    await followRefresh(t, "web", id, {
      observe: (refresh) => {
        if ((refresh.PercentageComplete ?? 0) >= 25) throw new Error("stop");
      },
    }).catch((e: Error) => expect(e.message).toBe("stop"));
    const cancelled = await t.autoscaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: "web" }));
    expect(cancelled.InstanceRefreshId).toBe(id);
    expect(await describeRefresh(t, "web", id)).toMatchObject({ Status: "Cancelling" });
    const done = (await followRefresh(t, "web", id)).at(-1) as InstanceRefresh;
    expect(done).toMatchObject({ Status: "Cancelled", EndTime: expect.any(Date) });
    await converge(t, "web");
    await t.world.clock.sleep(3_600_000);
    const summary = groupSummary(t.world, REGION, "web");
    expect(summary.launchTemplate?.version).toBe("1");
    expect(summary.versions["web:2"]).toBeGreaterThanOrEqual(1);
    expect(summary.versions["web:1"]).toBeGreaterThanOrEqual(1);
    await expect(
      t.autoscaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: "web" })),
    ).rejects.toMatchObject({
      name: "ActiveInstanceRefreshNotFoundFault",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("rolls back on request: RollbackInProgress, then RollbackSuccessful with every instance on the old version", async () => {
    await readyGroup();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 60, CheckpointPercentages: [50, 100] },
    });
    await followRefresh(t, "web", id, {
      observe: (refresh) => {
        if (refresh.StatusReason?.startsWith("Checkpoint")) throw new Error("at checkpoint");
      },
    }).catch((e: Error) => expect(e.message).toBe("at checkpoint"));
    const { InstanceRefreshId } = await t.autoscaling.send(
      new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "web" }),
    );
    expect(InstanceRefreshId).toBe(id);
    const percentages: number[] = [];
    const seen = await followRefresh(t, "web", id, { observe: (r) => percentages.push(r.PercentageComplete ?? -1) });
    expect(seen[0]).toMatchObject({
      Status: "RollbackInProgress",
      RollbackDetails: {
        RollbackReason: "Rollback started by a user request.",
        PercentageCompleteOnRollback: 50,
        InstancesToUpdateOnRollback: 2,
      },
    });
    expect(percentages[0]).toBe(50);
    expect(percentages.at(-1)).toBe(0);
    expect([...percentages].sort((a, b) => b - a)).toEqual(percentages);
    expect(seen.at(-1)?.Status).toBe("RollbackSuccessful");
    expect(groupSummary(t.world, REGION, "web")).toMatchObject({
      versions: { "web:1": 4 },
      launchTemplate: { version: "1" },
    });
    await expect(
      t.autoscaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "web" })),
    ).rejects.toMatchObject({
      name: "ActiveInstanceRefreshNotFoundFault",
    });
  });

  it("cannot roll back a refresh without a desired configuration", async () => {
    await readyGroup();
    await start();
    await expect(
      t.autoscaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "web" })),
    ).rejects.toMatchObject({
      name: "IrreversibleInstanceRefreshFault",
      message: expect.stringContaining("no desired configuration"),
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe("StartInstanceRefresh refuses", () => {
  it("a second refresh while one is active, with InstanceRefreshInProgress", async () => {
    await readyGroup();
    await start({ DesiredConfiguration: toVersion("2") });
    await expect(start({ DesiredConfiguration: toVersion("2") })).rejects.toMatchObject({
      name: "InstanceRefreshInProgressFault",
      message: "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("AutoRollback without a desired configuration", async () => {
    await readyGroup();
    await expect(start({ Preferences: { AutoRollback: true } })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("no desired configuration"),
    });
  });

  it("AutoRollback onto $Latest or $Default", async () => {
    await readyGroup();
    for (const version of ["$Latest", "$Default"]) {
      await expect(
        start({ DesiredConfiguration: toVersion(version), Preferences: { AutoRollback: true } }),
      ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining(version) });
    }
  });

  it("AutoRollback when the group itself uses $Latest", async () => {
    const template = await readyGroup();
    await t.autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "web",
        LaunchTemplate: { LaunchTemplateId: template.id, Version: "$Latest" },
      }),
    );
    await expect(
      start({ DesiredConfiguration: toVersion("2"), Preferences: { AutoRollback: true } }),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("$Latest") });
  });

  it("AutoRollback when the group uses a launch configuration", async () => {
    webTemplate();
    await t.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "web",
        LaunchConfigurationName: "legacy",
        MinSize: 0,
        MaxSize: 2,
        AvailabilityZones: ["eu-west-1a"],
      }),
    );
    await expect(
      start({ DesiredConfiguration: toVersion("2"), Preferences: { AutoRollback: true } }),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("launch configuration") });
  });

  it.each([
    [{ MinHealthyPercentage: 101 }, "minHealthyPercentage"],
    [{ MinHealthyPercentage: 90, MaxHealthyPercentage: 250 }, "maxHealthyPercentage"],
    [{ MaxHealthyPercentage: 150 }, "You must specify MinHealthyPercentage"],
    [{ MinHealthyPercentage: 50, MaxHealthyPercentage: 160 }, "cannot be greater than 100"],
    [{ CheckpointPercentages: [50, 20, 100] }, "ascending"],
    [{ CheckpointDelay: 60 }, "CheckpointPercentages"],
    [{ ScaleInProtectedInstances: "Sometimes" }, "ScaleInProtectedInstances"],
  ] as const)("preferences %j", async (preferences, message) => {
    await readyGroup();
    await expect(
      start({ Preferences: preferences as StartInstanceRefreshCommandInput["Preferences"] }),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining(message),
    });
    expect(region(t.world).autoscaling.groups.get("web")?.refreshes).toEqual([]);
  });
});

describe("DescribeInstanceRefreshes", () => {
  it("lists newest first, filters by id, and pages", async () => {
    await readyGroup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await start({ DesiredConfiguration: toVersion("2") }));
      await t.autoscaling.send(
        new CancelInstanceRefreshCommand({ AutoScalingGroupName: "web", WaitForTransitioningInstances: false }),
      );
      expect((await describeRefresh(t, "web", ids[i] as string)).Status).toBe("Cancelled");
    }
    const all = await t.autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web" }));
    expect(all.InstanceRefreshes?.map((r) => r.InstanceRefreshId)).toEqual([...ids].reverse());
    expect(all.NextToken).toBeUndefined();
    const first = await t.autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web", MaxRecords: 2 }),
    );
    const second = await t.autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web", MaxRecords: 2, NextToken: first.NextToken }),
    );
    expect(
      [...(first.InstanceRefreshes ?? []), ...(second.InstanceRefreshes ?? [])].map((r) => r.InstanceRefreshId),
    ).toEqual([...ids].reverse());
    expect(second.NextToken).toBeUndefined();
    const one = await t.autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web", InstanceRefreshIds: [ids[1] as string] }),
    );
    expect(one.InstanceRefreshes?.map((r) => r.InstanceRefreshId)).toEqual([ids[1]]);
  });
});

describe("instances protected from scale in and suspended refreshes", () => {
  /** A converged group of two whose first instance is protected from scale in; returns that instance's id. */
  async function readyPairWithOneProtected(): Promise<string> {
    await readyGroup({ DesiredCapacity: 2 });
    const [kept] = (await describeGroup(t, "web")).Instances ?? [];
    await protectFromScaleIn(t, "web", kept?.InstanceId as string);
    return kept?.InstanceId as string;
  }

  it("waits an hour for protection to be removed (Wait), then fails", async () => {
    const kept = await readyPairWithOneProtected();
    const id = await start({ DesiredConfiguration: toVersion("2"), Preferences: { MinHealthyPercentage: 50 } });
    const seen = await followRefresh(t, "web", id, { stepMs: 60_000 });
    expect(
      seen.some((r) =>
        r.StatusReason?.includes(`scale-in protection to be removed from instances, for example ${kept}`),
      ),
    ).toBe(true);
    expect(seen.at(-1)).toMatchObject({
      Status: "Failed",
      StatusReason: expect.stringContaining("protected from scale in"),
    });
    expect((await describeGroup(t, "web")).Instances?.map((i) => i.InstanceId)).toContain(kept);
  });

  it("leaves protected instances alone with Ignore", async () => {
    await readyPairWithOneProtected();
    const id = await start({
      DesiredConfiguration: toVersion("2"),
      Preferences: { MinHealthyPercentage: 50, ScaleInProtectedInstances: "Ignore" },
    });
    expect(await describeRefresh(t, "web", id)).toMatchObject({ InstancesToUpdate: 1 });
    expect((await followRefresh(t, "web", id)).at(-1)?.Status).toBe("Successful");
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:1": 1, "web:2": 1 });
  });

  it("makes no progress while the InstanceRefresh process is suspended", async () => {
    await readyGroup();
    await t.autoscaling.send(
      new SuspendProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["InstanceRefresh"] }),
    );
    const id = await start({ DesiredConfiguration: toVersion("2") });
    await t.world.clock.sleep(3_600_000);
    expect(await describeRefresh(t, "web", id)).toMatchObject({ Status: "Pending", PercentageComplete: 0 });
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:1": 4 });
    await t.autoscaling.send(
      new ResumeProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["InstanceRefresh"] }),
    );
    expect((await followRefresh(t, "web", id)).at(-1)?.Status).toBe("Successful");
  });
});

describe("virtual time", () => {
  // Its real time is measured by test/bench/sim-virtual-time.bench.ts, not asserted here.
  it("refreshes 100 instances with 5-minute warmups in virtual time", async () => {
    await readyGroup({ DesiredCapacity: 100, HealthCheckGracePeriod: 300 });
    const virtualStart = t.world.clock.now();
    const id = await start({ DesiredConfiguration: toVersion("2"), Preferences: { InstanceWarmup: 300 } });
    const done = (await followRefresh(t, "web", id, { stepMs: 60_000 })).at(-1);
    expect(done?.Status).toBe("Successful");
    // Ten batches of ten (MinHealthyPercentage 90), each waiting out a 5-minute warmup.
    expect(t.world.clock.now() - virtualStart).toBeGreaterThan(10 * 300_000);
    expect(groupSummary(t.world, REGION, "web")).toMatchObject({ versions: { "web:2": 100 }, healthy: 100 });
  });
});
