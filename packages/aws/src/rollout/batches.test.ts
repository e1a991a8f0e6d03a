import { describe, expect, it } from "vitest";
import { INSTANCE_LAUNCH_MS, planReplacement, TIMEOUT_MARGIN_MS } from "./batches.ts";
import type { GroupInfo, GroupInstance, RefreshPreferences } from "./types.ts";

function group(instances: number, more: Partial<GroupInfo> = {}): GroupInfo {
  return {
    name: "web",
    launchTemplate: { id: "lt-1", name: "web", version: "1" },
    minSize: 1,
    maxSize: 2 * instances,
    desiredCapacity: instances,
    instances: Array.from({ length: instances }, (_, i) => instance(i)),
    targetGroupARNs: [],
    healthCheckType: "EC2",
    healthCheckGracePeriodSeconds: 0,
    subnetIds: [],
    tags: {},
    suspendedProcesses: [],
    ...more,
  };
}

function instance(i: number, more: Partial<GroupInstance> = {}): GroupInstance {
  const base = { id: `i-${i}`, lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "eu-west-1a" };
  return { ...base, launchTemplateVersion: "1", ...more };
}

const prefs = (more: Partial<RefreshPreferences> = {}): RefreshPreferences => ({
  minHealthyPercentage: 90,
  instanceWarmupSeconds: 60,
  skipMatching: true,
  autoRollback: true,
  ...more,
});

const BATCH_MS = INSTANCE_LAUNCH_MS + 60_000;

describe("planReplacement", () => {
  it("replaces desired − min healthy at a time without a max healthy percentage", () => {
    expect(planReplacement(group(10), prefs()).batches).toEqual(Array(10).fill(1));
    expect(planReplacement(group(10), prefs({ minHealthyPercentage: 50 })).batches).toEqual([5, 5]);
    // At 100 % AWS still replaces one at a time.
    expect(planReplacement(group(3), prefs({ minHealthyPercentage: 100 })).batches).toEqual([1, 1, 1]);
  });

  it("launches max healthy − desired at a time with one", () => {
    const plan = planReplacement(group(4), prefs({ minHealthyPercentage: 100, maxHealthyPercentage: 150 }));
    expect(plan.batches).toEqual([2, 2]);
    expect(planReplacement(group(4), prefs({ minHealthyPercentage: 100, maxHealthyPercentage: 200 })).batches).toEqual([
      4,
    ]);
  });

  it("cuts batches at checkpoints, pauses at each one before the end, and stops at a last one below 100 %", () => {
    const full = planReplacement(
      group(4),
      prefs({ minHealthyPercentage: 50, checkpointPercentages: [50, 100], checkpointDelaySeconds: 600 }),
    );
    expect(full).toMatchObject({ instancesToReplace: 4, batches: [2, 2], estimatedMs: 2 * BATCH_MS + 600_000 });

    const partial = planReplacement(
      group(10),
      prefs({ minHealthyPercentage: 50, checkpointPercentages: [20, 50], checkpointDelaySeconds: 300 }),
    );
    expect(partial).toMatchObject({ instancesToReplace: 5, batches: [2, 3], estimatedMs: 2 * BATCH_MS + 300_000 });

    // Checkpoints 20 % and 50 % of 2 instances are both reached with the first: one pause.
    const together = planReplacement(
      group(2),
      prefs({ checkpointPercentages: [20, 50, 100], checkpointDelaySeconds: 60 }),
    );
    expect(together).toMatchObject({ batches: [1, 1], estimatedMs: 2 * BATCH_MS + 60_000 });
  });

  it("takes AWS's hour for checkpoints without a delay", () => {
    const plan = planReplacement(group(2), prefs({ checkpointPercentages: [50, 100] }));
    expect(plan.estimatedMs).toBe(2 * BATCH_MS + 3_600_000);
  });

  it("leaves out instances the refresh will not replace", () => {
    const instances = [
      instance(0),
      instance(1, { lifecycleState: "Terminating" }),
      instance(2, { protectedFromScaleIn: true }),
      instance(3, { lifecycleState: "Standby" }),
      instance(4, { launchTemplateVersion: "2" }),
    ];
    const ignoring = prefs({ scaleInProtectedInstances: "Ignore", standbyInstances: "Ignore" });
    expect(planReplacement(group(5, { instances }), ignoring, { targetVersion: "2" }).instancesToReplace).toBe(1);
    expect(planReplacement(group(5, { instances }), ignoring).instancesToReplace).toBe(2);
    expect(planReplacement(group(5, { instances }), prefs(), { targetVersion: "2" }).instancesToReplace).toBe(3);
    expect(
      planReplacement(group(5, { instances }), prefs({ skipMatching: false }), { targetVersion: "2" })
        .instancesToReplace,
    ).toBe(4);
  });

  it("estimates each batch as a launch plus the warmup, or the grace period when that is longer, plus the bake time", () => {
    const fromDefault = planReplacement(
      group(2, { defaultInstanceWarmupSeconds: 120, healthCheckGracePeriodSeconds: 300 }),
      prefs({ instanceWarmupSeconds: undefined, minHealthyPercentage: 50, bakeTimeSeconds: 600 }),
    );
    expect(fromDefault.estimatedMs).toBe(2 * 300_000 + 600_000);
    const fromGrace = planReplacement(
      group(2, { healthCheckGracePeriodSeconds: 30 }),
      prefs({ instanceWarmupSeconds: undefined, minHealthyPercentage: 50 }),
    );
    expect(fromGrace.estimatedMs).toBe(2 * (INSTANCE_LAUNCH_MS + 30_000));
  });

  it("gives twice the estimate plus a margin as the default timeout", () => {
    const plan = planReplacement(group(4), prefs({ minHealthyPercentage: 50 }));
    expect(plan.defaultTimeoutMs).toBe(2 * plan.estimatedMs + TIMEOUT_MARGIN_MS);
  });

  it("replaces everything in one batch for blue/green, and nothing for an empty group", () => {
    expect(planReplacement(group(6), prefs(), { strategy: "blue-green" }).batches).toEqual([6]);
    expect(planReplacement(group(0), prefs({ bakeTimeSeconds: 60 }))).toMatchObject({
      instancesToReplace: 0,
      batches: [],
      estimatedMs: 60_000,
    });
  });
});
