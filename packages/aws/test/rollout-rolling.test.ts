import {
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { DeployError } from "@deploy/core";
import { groupSummary } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import { readTemplateVersion } from "../src/launch-template.ts";
import { executeRollout } from "../src/rollout/execute.ts";
import { planRollout } from "../src/rollout/plan.ts";
import type {
  RolloutContext,
  RolloutProgress,
  RolloutRequest,
  RolloutResult,
  SavedRollout,
} from "../src/rollout/types.ts";
import {
  BAD_AMI,
  cancelledRollout,
  NEW_AMI,
  REGION,
  type RolloutSim,
  RUN,
  rolloutRequest,
  rolloutWorld,
  startRolloutSim,
  useRolloutSim,
} from "./rollout-sim.ts";

interface Run {
  result: RolloutResult;
  saved: SavedRollout[];
  progress: { at: number; progress: RolloutProgress }[];
  ctx: RolloutContext & { logger: { lines: string[] } };
}

/** Plans and executes, as the action does, recording what the rollout reports. */
async function rollOut(t: RolloutSim, request: RolloutRequest, overrides: Partial<RolloutContext> = {}): Promise<Run> {
  const saved: SavedRollout[] = [];
  const progress: Run["progress"] = [];
  const ctx = t.context({
    onStarted: (s) => saved.push(s),
    onProgress: (p) => progress.push({ at: t.sim.world.clock.now(), progress: p }),
    ...overrides,
  });
  const plan = await planRollout(ctx, request);
  const result = await executeRollout(ctx, request, plan);
  return { result, saved, progress, ctx };
}

/** Someone else's refresh: to the version the group has, so it only replaces instances. */
async function startOtherRefresh(t: RolloutSim): Promise<string> {
  const { InstanceRefreshId } = await t.clients().autoScaling.send(
    new StartInstanceRefreshCommand({
      AutoScalingGroupName: "web",
      Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 60 },
    }),
  );
  return InstanceRefreshId as string;
}

async function refresh(t: RolloutSim, id: string): Promise<InstanceRefresh> {
  const { InstanceRefreshes } = await t
    .clients()
    .autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web", InstanceRefreshIds: [id] }));
  return InstanceRefreshes?.[0] as InstanceRefresh;
}

const withPreferences = (preferences: Partial<RolloutRequest["preferences"]>, request = rolloutRequest()) => ({
  ...request,
  preferences: { ...request.preferences, ...preferences },
});

describe("a rolling rollout", () => {
  const t = useRolloutSim();

  it("creates the version, refreshes to it through its checkpoints, and ends with the group on it", async () => {
    const request = withPreferences({ checkpointPercentages: [50, 100], checkpointDelaySeconds: 600 });
    const { result, saved, progress, ctx } = await rollOut(t, { ...request, userData: "#!/bin/sh\necho new\n" });
    // The group itself is never updated: AutoRollback returns it to the version it names.
    expect(t.sim.world.calls.mutating().map((c) => c.operation)).toEqual([
      "ec2:CreateLaunchTemplateVersion",
      "autoscaling:StartInstanceRefresh",
    ]);

    expect(result).toMatchObject({
      status: "Successful",
      autoScalingGroup: "web",
      launchTemplateVersion: "2",
      previousLaunchTemplateVersion: "1",
      activeLaunchTemplateVersion: "2",
    });
    expect(saved).toEqual([
      {
        strategy: "rolling",
        region: REGION,
        groupName: "web",
        instanceRefreshId: result.instanceRefreshId,
        launchTemplateId: result.launchTemplateId,
        newVersion: "2",
        previousVersion: "1",
      },
    ]);
    expect(groupSummary(t.sim.world, REGION, "web")).toMatchObject({
      launchTemplate: { name: "web", version: "2" },
      versions: { "web:2": 4 },
      healthy: 4,
    });

    const version = await readTemplateVersion(ctx.aws(REGION), result.launchTemplateId, "2");
    expect(version).toMatchObject({ imageId: NEW_AMI, instanceType: "t3.micro" });
    expect(version.description).toBe("shop 3f9c2b1a (run 4242-1)");
    expect(Buffer.from(version.userData ?? "", "base64").toString()).toBe("#!/bin/sh\necho new\n");

    const events = result.timeline.map((e) => e.event);
    expect(events[0]).toBe(`Launch template web version 2 created with ${NEW_AMI}`);
    expect(events).toContain(`Instance refresh ${result.instanceRefreshId} started`);
    expect(events.some((e) => e.startsWith("Checkpoint 50% reached"))).toBe(true);
    expect(events).toContain("50% done, 2 left");
    expect(events.at(-1)).toBe("100% done, 0 left");
    expect(events).toContain("Instance refresh Successful");

    // Progress at least every 30 s of the wait, with the checkpoint in it.
    expect(progress.length).toBeGreaterThan(5);
    const gaps = progress.slice(1).map((p, i) => p.at - (progress[i] as Run["progress"][number]).at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    expect(progress.some((p) => p.progress.statusReason?.startsWith("Checkpoint 50% reached"))).toBe(true);
    expect(
      ctx.logger.lines.some((l) =>
        /Waiting for instance refresh .*: InProgress, 50% done, 2 instances left\. Checkpoint 50% reached/.test(l),
      ),
    ).toBe(true);
  });

  it("ends RollbackSuccessful with the group on its old version when the new AMI's instances fail", async () => {
    const { result } = await rollOut(t, rolloutRequest({ imageId: BAD_AMI }));
    expect(result).toMatchObject({
      status: "RollbackSuccessful",
      launchTemplateVersion: "2",
      previousLaunchTemplateVersion: "1",
      activeLaunchTemplateVersion: "1",
    });
    expect(result.statusReason).toMatch(/failed their health checks/);
    expect(result.timeline.map((e) => e.event)).toContainEqual(
      expect.stringMatching(/^Rollback started automatically because the instance refresh failed/),
    );
    expect(groupSummary(t.sim.world, REGION, "web")).toMatchObject({
      launchTemplate: { version: "1" },
      versions: { "web:1": 4 },
      healthy: 4,
    });
  });

  it("ends Failed without AutoRollback, the group still naming its old version", async () => {
    const { result } = await rollOut(t, withPreferences({ autoRollback: false }, rolloutRequest({ imageId: BAD_AMI })));
    expect(result).toMatchObject({ status: "Failed", activeLaunchTemplateVersion: "1" });
  });

  it("rolls back at the timeout, waits for it, and says so", async () => {
    const request = withPreferences({ instanceWarmupSeconds: 600 }, rolloutRequest({ timeoutMs: 120_000 }));
    const { result } = await rollOut(t, request);
    expect(result.status).toBe("TimedOut");
    expect(result.activeLaunchTemplateVersion).toBe("1");
    expect(result.statusReason).toMatch(/ended RollbackSuccessful/);
    expect(result.timeline.map((e) => e.event)).toContain("Timed out after 2m: rolling back");
    expect((await refresh(t, result.instanceRefreshId as string)).Status).toBe("RollbackSuccessful");
    expect(groupSummary(t.sim.world, REGION, "web").versions).toEqual({ "web:1": 4 });
  });

  it("cancels at the timeout without AutoRollback", async () => {
    const request = withPreferences(
      { instanceWarmupSeconds: 600, autoRollback: false },
      rolloutRequest({ timeoutMs: 120_000 }),
    );
    const { result } = await rollOut(t, request);
    expect(result.status).toBe("TimedOut");
    expect((await refresh(t, result.instanceRefreshId as string)).Status).toBe("Cancelled");
    expect(result.activeLaunchTemplateVersion).toBe("1");
  });

  it("stops waiting when cancelled, after reporting the refresh", async () => {
    const saved = await cancelledRollout(t, rolloutRequest(), (p) => p.status === "InProgress");
    expect((await refresh(t, saved.instanceRefreshId)).Status).toBe("InProgress");
  });
});

describe("a rolling rollout when a refresh is already running", () => {
  const t = useRolloutSim();

  it("fails by default, naming the refresh, its status and the fix, before changing anything", async () => {
    const other = await startOtherRefresh(t);
    t.sim.world.calls.reset();
    const error = await rollOut(t, rolloutRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).what).toBe(
      `Auto Scaling group web already has instance refresh ${other} in progress (Pending).`,
    );
    expect((error as DeployError).input).toBe("if-refresh-running");
    expect((error as DeployError).fix).toMatch(/"wait".*"cancel"/);
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("waits for it to end with if-refresh-running: wait, then starts", async () => {
    const other = await startOtherRefresh(t);
    const { result } = await rollOut(t, rolloutRequest({ ifRefreshRunning: "wait" }));
    expect(result.status).toBe("Successful");
    const theirs = await refresh(t, other);
    expect(theirs.Status).toBe("Successful");
    const started = t.sim.world.calls.records.filter((r) => r.operation === "autoscaling:StartInstanceRefresh");
    expect(started.at(-1)?.at).toBeGreaterThanOrEqual(theirs.EndTime?.getTime() as number);
    expect(t.sim.world.calls.count("autoscaling:CancelInstanceRefresh")).toBe(0);
  });

  it("cancels it with if-refresh-running: cancel, then starts", async () => {
    const other = await startOtherRefresh(t);
    const { result } = await rollOut(t, rolloutRequest({ ifRefreshRunning: "cancel" }));
    expect(result.status).toBe("Successful");
    expect((await refresh(t, other)).Status).toBe("Cancelled");
    expect(result.timeline.map((e) => e.event)).toContain(`Cancelled instance refresh ${other}, which was running`);
    expect(groupSummary(t.sim.world, REGION, "web").versions).toEqual({ "web:2": 4 });
  });

  it("attaches on a re-run of the same run to the refresh an earlier attempt started", async () => {
    const request = rolloutRequest();
    const started = await cancelledRollout(t, request);

    // Another run sees a refresh it did not start.
    const otherRun = await planRollout(t.context({ run: { ...RUN, runId: "42" } }), request);
    expect(otherRun.runningRefresh).toMatchObject({ id: started.instanceRefreshId, startedByThisRun: false });

    t.sim.world.calls.reset();
    const { result, saved } = await rollOut(t, request, { run: { ...RUN, runAttempt: "2" } });
    expect(t.sim.world.calls.count("ec2:CreateLaunchTemplateVersion")).toBe(0);
    expect(t.sim.world.calls.count("autoscaling:StartInstanceRefresh")).toBe(0);
    expect(saved).toEqual([started]);
    expect(result).toMatchObject({
      status: "Successful",
      instanceRefreshId: started.instanceRefreshId,
      launchTemplateVersion: "2",
      activeLaunchTemplateVersion: "2",
    });
    expect(result.timeline[0]?.event).toMatch(/^Attached to instance refresh/);
  });

  it("on a re-run, waits for the refresh an earlier attempt's post step is rolling back, then starts anew", async () => {
    const request = rolloutRequest();
    const started = await cancelledRollout(t, request);
    await t.sim.world.clock.sleep(30_000);
    await t.clients().autoScaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "web" }));

    const { result } = await rollOut(t, request, { run: { ...RUN, runAttempt: "2" } });
    expect((await refresh(t, started.instanceRefreshId)).Status).toBe("RollbackSuccessful");
    expect(result.instanceRefreshId).not.toBe(started.instanceRefreshId);
    expect(result).toMatchObject({
      status: "Successful",
      launchTemplateVersion: "3",
      activeLaunchTemplateVersion: "3",
    });
  });
});

describe("a rolling rollout with 20 % of AWS calls throttled", () => {
  const t = useRolloutSim();

  it("ends as it does without throttling", async () => {
    t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: 0.2 });
    const { result } = await rollOut(t, rolloutRequest());
    expect(t.sim.world.calls.records.filter((r) => r.error).length).toBeGreaterThan(0);
    expect(result).toMatchObject({
      status: "Successful",
      launchTemplateVersion: "2",
      activeLaunchTemplateVersion: "2",
    });
    expect(groupSummary(t.sim.world, REGION, "web")).toMatchObject({ versions: { "web:2": 4 }, healthy: 4 });
  });

  it("still rolls back a bad AMI", async () => {
    t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: 0.2 });
    const { result } = await rollOut(t, rolloutRequest({ imageId: BAD_AMI }));
    expect(result).toMatchObject({ status: "RollbackSuccessful", activeLaunchTemplateVersion: "1" });
  });
});

describe("the wait's API calls", () => {
  /** DescribeInstanceRefreshes calls per simulated minute, from the refresh's start to its end. */
  async function callsPerMinute(instances: number): Promise<number> {
    const t = await startRolloutSim(rolloutWorld({ instances }));
    try {
      const { result } = await rollOut(t, withPreferences({ minHealthyPercentage: 90 }));
      expect(result.status).toBe("Successful");
      const records = t.sim.world.calls.records;
      const start = records.find((r) => r.operation === "autoscaling:StartInstanceRefresh")?.at as number;
      const polls = records.filter((r) => r.operation === "autoscaling:DescribeInstanceRefreshes" && r.at >= start);
      const minutes = ((polls.at(-1)?.at as number) - start) / 60_000;
      return polls.length / minutes;
    } finally {
      await t.close();
    }
  }

  it("do not grow with the group's size", async () => {
    const small = await callsPerMinute(10);
    const large = await callsPerMinute(100);
    expect(small).toBeLessThanOrEqual(4);
    expect(large / small).toBeGreaterThan(0.8);
    expect(large / small).toBeLessThan(1.2);
  });
});
