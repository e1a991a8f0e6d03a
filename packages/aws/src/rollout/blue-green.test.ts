import { type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CancelledError } from "@deploy/core";
import { groupSummary, trafficTargets } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import {
  BAD_AMI,
  NEW_AMI,
  REGION,
  type RolloutSim,
  rolloutRequest,
  rolloutWorld,
  useRolloutSim,
} from "../../test/rollout-sim.ts";
import { TAG } from "../tags.ts";
import { executeBlueGreen, finishAbandonedBlueGreen, greenHealth, type SavedBlueGreen } from "./blue-green.ts";
import { RETIRED_PROCESSES, readFamily } from "./family.ts";
import { planRollout } from "./plan.ts";
import type { GroupInfo, RolloutContext, RolloutProgress, RolloutRequest, RolloutResult } from "./types.ts";

const TARGET_GROUP = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/web/0a1b2c3d4e5f6071`;
/** Long enough that an instance of a bad image is InService, and Healthy, well before its health check fails it. */
const GRACE_SECONDS = 120;
/** The SDK backs off in real time after each throttled call (half a second and up), and a rollout makes some twenty calls. */
const THROTTLED_TIMEOUT_MS = 30_000;

/** The rollout world's group `web` behind a target group, with a grace period and tags to copy. */
function world() {
  const file = rolloutWorld();
  const [group] = file.regions?.[REGION]?.autoScalingGroups ?? [];
  Object.assign(group ?? {}, {
    targetGroupARNs: [TARGET_GROUP],
    healthCheckGracePeriod: GRACE_SECONDS,
    tags: { env: "stage", team: "shop" },
  });
  return file;
}

const request = (overrides: Partial<RolloutRequest> = {}) =>
  rolloutRequest({ strategy: "blue-green", timeoutMs: 30 * 60_000, ...overrides });

interface Run {
  result: RolloutResult;
  saved: SavedBlueGreen[];
  progress: RolloutProgress[];
}

/** Plans and executes, as the action does, recording what the rollout reports. */
async function rollOut(t: RolloutSim, overrides: Partial<RolloutRequest> = {}, ctx: Partial<RolloutContext> = {}) {
  const run: Omit<Run, "result"> = { saved: [], progress: [] };
  const context = t.context({
    onStarted: (saved) => run.saved.push(saved as SavedBlueGreen),
    onProgress: (progress) => run.progress.push(progress),
    ...ctx,
  });
  const req = request(overrides);
  const result = await executeBlueGreen(context, req, await planRollout(context, req));
  return { ...run, result };
}

async function groups(t: RolloutSim): Promise<Map<string, AutoScalingGroup>> {
  const answer = await t.clients().autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
  return new Map((answer.AutoScalingGroups ?? []).map((g) => [g.AutoScalingGroupName ?? "", g]));
}

/** Which groups the target group sends traffic to, and how many instances each: the one assertion every case ends with. */
const serving = (t: RolloutSim) =>
  Object.fromEntries(
    Object.entries(trafficTargets(t.sim.world, REGION, TARGET_GROUP)).map(([name, ids]) => [name, ids.length]),
  );

const suspended = (group: AutoScalingGroup | undefined) =>
  (group?.SuspendedProcesses ?? []).map((p) => p.ProcessName).sort();

const tags = (group: AutoScalingGroup | undefined) =>
  Object.fromEntries((group?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));

describe("executeBlueGreen", () => {
  const t = useRolloutSim(world);

  it.each([0, 0.2])(
    "with %s of calls throttled: green serves on the new version, blue is detached and suspended with its instances",
    async (throttled) => {
      if (throttled > 0) t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: throttled });
      const { result, saved, progress } = await rollOut(t);

      expect(result).toMatchObject({
        status: "Successful",
        autoScalingGroup: "web-g1",
        launchTemplateVersion: "2",
        previousLaunchTemplateVersion: "1",
        activeLaunchTemplateVersion: "2",
      });
      expect(serving(t)).toEqual({ "web-g1": 4 });
      expect(saved).toEqual([
        {
          strategy: "blue-green",
          region: REGION,
          blueGroupName: "web",
          greenGroupName: "web-g1",
          launchTemplateId: result.launchTemplateId,
          newVersion: "2",
          previousVersion: "1",
        },
      ]);

      const all = await groups(t);
      const [blue, green] = [all.get("web"), all.get("web-g1")];
      expect(green).toMatchObject({
        LaunchTemplate: { LaunchTemplateId: result.launchTemplateId, Version: "2" },
        MinSize: blue?.MinSize,
        MaxSize: blue?.MaxSize,
        DesiredCapacity: 4,
        VPCZoneIdentifier: blue?.VPCZoneIdentifier,
        HealthCheckType: blue?.HealthCheckType,
        HealthCheckGracePeriod: GRACE_SECONDS,
        TargetGroupARNs: [TARGET_GROUP],
        SuspendedProcesses: [],
      });
      expect(tags(green)).toMatchObject({
        env: "stage",
        team: "shop",
        [TAG.family]: "web",
        [TAG.role]: "green",
        [TAG.run]: "4242-1",
        [TAG.managedBy]: "deploy",
      });
      expect(blue?.TargetGroupARNs).toEqual([]);
      expect(suspended(blue)).toEqual([...RETIRED_PROCESSES].sort());
      // Blue keeps its instances, on its version, for a rollback.
      expect(groupSummary(t.sim.world, REGION, "web")).toMatchObject({
        inService: 4,
        healthy: 4,
        versions: { "web:1": 4 },
      });
      expect(groupSummary(t.sim.world, REGION, "web-g1").versions).toEqual({ "web:2": 4 });

      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.status === "InProgress" && p.instancesToUpdate > 0)).toBe(true);
      const events = result.timeline.map((e) => e.event);
      expect(events[0]).toBe(`Created version 2 of launch template web (image ${NEW_AMI})`);
      expect(events.slice(-3)).toEqual([
        "web-g1 in service: 4 instances InService and Healthy",
        "Detached web from 1 target group",
        `Suspended web's ${RETIRED_PROCESSES.join(", ")}: it keeps its 4 instances for a rollback`,
      ]);
      if (throttled > 0) {
        expect(t.sim.world.calls.records.filter((r) => r.error === "Throttling").length).toBeGreaterThan(0);
      }
    },
    THROTTLED_TIMEOUT_MS,
  );

  it.each([0, 0.2])(
    "with %s of calls throttled: a bad AMI's group is deleted and blue is left exactly as it was",
    async (throttled) => {
      if (throttled > 0) t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: throttled });
      const { result, saved } = await rollOut(t, { imageId: BAD_AMI });

      expect(result).toMatchObject({
        status: "RollbackSuccessful",
        autoScalingGroup: "web",
        launchTemplateVersion: "2",
        activeLaunchTemplateVersion: "1",
      });
      expect(result.statusReason).toMatch(
        /^Group web-g1 did not become healthy: instance i-[0-9a-f]+ failed its EC2 health check\. Deleted web-g1; web was left as it was and serves on launch template version 1\.$/,
      );
      expect(saved.map((s) => s.greenGroupName)).toEqual(["web-g1"]);
      expect(serving(t)).toEqual({ web: 4 });
      const all = await groups(t);
      expect([...all.keys()]).toEqual(["web"]);
      expect(all.get("web")).toMatchObject({ TargetGroupARNs: [TARGET_GROUP], SuspendedProcesses: [] });
      const counts = t.sim.world.calls.counts();
      for (const untouched of ["DetachLoadBalancerTargetGroups", "SuspendProcesses", "ResumeProcesses"]) {
        expect(counts[`autoscaling:${untouched}`]).toBeUndefined();
      }
    },
    THROTTLED_TIMEOUT_MS,
  );

  it("deletes the group when the timeout passes before it is healthy, and says so", async () => {
    // Instances take 30 s to boot.
    const { result } = await rollOut(t, { timeoutMs: 20_000 });
    expect(result).toMatchObject({ status: "TimedOut", autoScalingGroup: "web", activeLaunchTemplateVersion: "1" });
    expect(result.statusReason).toMatch(
      /^Group web-g1 did not become healthy: not healthy within 20s \(Made \d+ checks/,
    );
    expect(serving(t)).toEqual({ web: 4 });
    expect([...(await groups(t)).keys()]).toEqual(["web"]);
  });

  it("the next rollouts find the family from the base name and keep only the serving group and the one before it", async () => {
    await rollOut(t);
    const second = await rollOut(t);
    expect(second.result).toMatchObject({
      status: "Successful",
      autoScalingGroup: "web-g2",
      previousLaunchTemplateVersion: "2",
    });
    expect(second.saved[0]).toMatchObject({ blueGroupName: "web-g1", greenGroupName: "web-g2" });
    expect(second.result.timeline.map((e) => e.event)).toContain(
      "Deleted web: the family keeps the serving group and the one before it",
    );

    // "web" is gone, and still names the family.
    const third = await rollOut(t);
    expect(third.result).toMatchObject({
      status: "Successful",
      autoScalingGroup: "web-g3",
      launchTemplateVersion: "4",
    });
    const all = await groups(t);
    expect([...all.keys()].filter((name) => all.get(name)?.Status !== "Delete in progress")).toEqual([
      "web-g2",
      "web-g3",
    ]);
    expect(all.get("web-g2")?.TargetGroupARNs).toEqual([]);
    expect(serving(t)).toEqual({ "web-g3": 4 });
    expect((await readFamily(t.clients(), "web-g2")).serving.name).toBe("web-g3");
  });
});

describe("finishAbandonedBlueGreen", () => {
  const t = useRolloutSim(world);

  /** A rollout cancelled as SIGINT cancels it: at the moment `when` says. */
  async function cancelled(when: "onStarted" | "onProgress"): Promise<SavedBlueGreen> {
    const saved: SavedBlueGreen[] = [];
    const controller = new AbortController();
    const cancelAt = (moment: typeof when) => {
      if (moment === when) controller.abort(new CancelledError("SIGINT"));
    };
    const ctx = t.context({
      signal: controller.signal,
      onStarted: (s) => {
        saved.push(s as SavedBlueGreen);
        cancelAt("onStarted");
      },
      onProgress: () => cancelAt("onProgress"),
    });
    const req = request();
    await expect(executeBlueGreen(ctx, req, await planRollout(ctx, req))).rejects.toBeInstanceOf(CancelledError);
    const [first] = saved;
    if (!first) throw new Error("the rollout saved nothing");
    return first;
  }

  it("rollback after a cancelled wait deletes green and leaves blue serving; again, there is nothing to do", async () => {
    const saved = await cancelled("onProgress");
    expect(serving(t)).toHaveProperty("web", 4);

    const finished = await finishAbandonedBlueGreen(t.context(), saved, "rollback");
    expect(finished).toEqual({
      outcome: "rolled-back",
      detail: "Deleted web-g1. web serves on launch template version 1.",
    });
    expect(serving(t)).toEqual({ web: 4 });
    expect([...(await groups(t)).keys()]).toEqual(["web"]);

    expect(await finishAbandonedBlueGreen(t.context(), saved, "cancel")).toEqual({
      outcome: "nothing-to-do",
      detail: "Group web-g1 does not exist and web serves on launch template version 1.",
    });
  });

  it("rollback after blue was retired attaches and resumes blue before it deletes green", async () => {
    const { saved } = await rollOut(t);
    const [done] = saved;
    if (!done) throw new Error("the rollout saved nothing");

    const finished = await finishAbandonedBlueGreen(t.context(), done, "rollback");
    expect(finished).toEqual({
      outcome: "rolled-back",
      detail: `Attached web to 1 target group again. Resumed web's ${RETIRED_PROCESSES.join(", ")}. Deleted web-g1. web serves on launch template version 1.`,
    });
    const all = await groups(t);
    expect([...all.keys()]).toEqual(["web"]);
    expect(all.get("web")).toMatchObject({ TargetGroupARNs: [TARGET_GROUP], SuspendedProcesses: [] });
    expect(serving(t)).toEqual({ web: 4 });
  });

  it("leave changes nothing", async () => {
    const saved = await cancelled("onStarted");
    t.sim.world.calls.reset();
    expect(await finishAbandonedBlueGreen(t.context(), saved, "leave")).toEqual({
      outcome: "left-running",
      detail: "Group web-g1 (launch template version 2) was left as it is (on-cancel: leave), next to web.",
    });
    expect(t.sim.world.calls.mutating()).toEqual([]);
    expect([...(await groups(t)).keys()]).toEqual(["web", "web-g1"]);
  });
});

describe("greenHealth", () => {
  const group = (instances: GroupInfo["instances"]): GroupInfo => ({
    name: "web-g1",
    minSize: 1,
    maxSize: 4,
    desiredCapacity: 2,
    instances,
    targetGroupARNs: [],
    healthCheckType: "ELB",
    healthCheckGracePeriodSeconds: 60,
    subnetIds: [],
    tags: {},
    suspendedProcesses: [],
  });
  const instance = (id: string, lifecycleState: string, healthStatus = "Healthy") => ({
    id,
    lifecycleState,
    healthStatus,
    availabilityZone: "eu-west-1a",
  });
  it("counts an instance only once its grace period has passed since it was first seen", () => {
    const seen = new Map<string, number>();
    const both = group([instance("i-1", "InService"), instance("i-2", "Pending")]);
    expect(greenHealth(both, seen, 0).progress.instancesToUpdate).toBe(2);
    const later = group([instance("i-1", "InService"), instance("i-2", "InService")]);
    expect(greenHealth(later, seen, 59_000)).toMatchObject({
      progress: { percentageComplete: 0, instancesToUpdate: 2 },
      text: "2 of 2 instances InService and Healthy, 2 within the 1m health check grace period",
    });
    expect(greenHealth(later, seen, 60_000).progress).toEqual({
      percentageComplete: 100,
      instancesToUpdate: 0,
      status: "InProgress",
    });
  });

  it("fails at the first instance that fails its health check", () => {
    const health = greenHealth(
      group([instance("i-1", "InService"), instance("i-2", "Terminating", "Unhealthy")]),
      new Map(),
      0,
    );
    expect(health.failed).toBe("instance i-2 failed its ELB health check");
  });
});
