import { DescribeInstanceRefreshesCommand, type InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import { groupSummary } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import { finishAbandoned } from "../src/rollout/finish.ts";
import type { RolloutProgress } from "../src/rollout/types.ts";
import {
  BAD_AMI,
  cancelledRollout,
  REGION,
  type RolloutSim,
  rolloutRequest,
  rolloutWorld,
  useRolloutSim,
} from "./rollout-sim.ts";

/** Cancelled once the refresh has replaced some instances. */
const someReplaced = (p: RolloutProgress) => p.percentageComplete > 0;

async function refreshes(t: RolloutSim): Promise<InstanceRefresh[]> {
  const { InstanceRefreshes } = await t
    .clients()
    .autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "web" }));
  return InstanceRefreshes ?? [];
}

const inProgress = (list: InstanceRefresh[]) =>
  list.filter((r) => ["Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"].includes(r.Status ?? ""));

describe("finishAbandoned after a cancelled rolling rollout", () => {
  const t = useRolloutSim();

  it("rolls back: the group is on its old version, nothing in progress, and a second call changes nothing", async () => {
    const saved = await cancelledRollout(t, rolloutRequest(), someReplaced);
    const before = groupSummary(t.sim.world, REGION, "web");
    expect(before.versions["web:2"]).toBeGreaterThan(0);

    const finished = await finishAbandoned(t.context(), saved, "rollback");
    expect(finished.outcome).toBe("rolled-back");
    expect(finished.detail).toContain(`Instance refresh ${saved.instanceRefreshId} ended RollbackSuccessful`);
    expect(finished.detail).toContain("group web is on launch template version 1");
    expect(inProgress(await refreshes(t))).toEqual([]);
    expect(groupSummary(t.sim.world, REGION, "web")).toMatchObject({ versions: { "web:1": 4 }, healthy: 4 });

    t.sim.world.calls.reset();
    const again = await finishAbandoned(t.context(), saved, "rollback");
    expect(again.outcome).toBe("rolled-back");
    expect(again.detail).toContain("had already ended (RollbackSuccessful), nothing to do");
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("cancels: nothing in progress, replaced instances stay on the new version", async () => {
    const saved = await cancelledRollout(t, rolloutRequest(), someReplaced);
    const finished = await finishAbandoned(t.context(), saved, "cancel");
    expect(finished.outcome).toBe("cancelled");
    expect(finished.detail).toContain("instances it already replaced stay on version 2");
    expect(inProgress(await refreshes(t))).toEqual([]);
    const group = groupSummary(t.sim.world, REGION, "web");
    expect(group.launchTemplate?.version).toBe("1");
    expect(group.versions["web:2"]).toBeGreaterThan(0);
  });

  it("leaves the refresh running, and says so", async () => {
    const saved = await cancelledRollout(t, rolloutRequest(), someReplaced);
    t.sim.world.calls.reset();
    const finished = await finishAbandoned(t.context(), saved, "leave");
    expect(finished.outcome).toBe("left-running");
    expect(finished.detail).toMatch(/is InProgress and was left running/);
    expect(t.sim.world.calls.mutating()).toEqual([]);
    expect(inProgress(await refreshes(t)).map((r) => r.InstanceRefreshId)).toEqual([saved.instanceRefreshId]);
  });

  it("waits for a rollback already under way instead of asking again", async () => {
    const saved = await cancelledRollout(t, rolloutRequest({ imageId: BAD_AMI }));
    // The refresh fails and rolls back by itself while nobody watches.
    await t.sim.world.clock.sleep(90_000);
    expect(inProgress(await refreshes(t))[0]?.Status).toBe("RollbackInProgress");
    const finished = await finishAbandoned(t.context(), saved, "cancel");
    expect(t.sim.world.calls.count("autoscaling:CancelInstanceRefresh")).toBe(0);
    expect(finished).toMatchObject({ outcome: "rolled-back" });
    expect(finished.detail).toMatch(/^It was already RollbackInProgress\./);
  });
});

describe("finishAbandoned when AWS cannot roll back", () => {
  const t = useRolloutSim(() => rolloutWorld({ groupVersion: "$Default" }));

  it("cancels instead, and says why", async () => {
    const request = rolloutRequest();
    request.preferences.autoRollback = false;
    const saved = await cancelledRollout(t, request, someReplaced);
    const finished = await finishAbandoned(t.context(), saved, "rollback");
    expect(finished.outcome).toBe("cancelled");
    expect(finished.detail).toMatch(
      /AWS could not roll instance refresh .* back \(.*\$Default.*\), so it was cancelled/,
    );
    expect(inProgress(await refreshes(t))).toEqual([]);
  });
});
