import {
  CreateImageCommand,
  DeregisterImageCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { CancelledError, DeployError } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { bake } from "../src/bake/bake.ts";
import { sweepRun } from "../src/bake/sweep.ts";
import type { BakeContext, BakePhase, CreatedResource } from "../src/bake/types.ts";
import { resourceTags, runTagValue, TAG } from "../src/tags.ts";
import { BASE_AMI, bakeContext, bakeRequest, bakeWith, bakeWorld, holdings } from "./bake-sim.ts";
import { REGION, type RolloutSim, RUN, useRolloutSim } from "./rollout-sim.ts";

const COPY_REGION = "us-east-1";

/**
 * Cancels the bake (the runner's SIGINT) the moment `when` says so, and expects the bake
 * to stop with the cancellation. Returns what it reported as created.
 */
async function cancelledBake(
  t: RolloutSim,
  when: { phase?: BakePhase; created?: (r: CreatedResource) => boolean },
  request = bakeRequest(),
): Promise<CreatedResource[]> {
  const controller = new AbortController();
  const cancel = () => controller.abort(new CancelledError("SIGINT"));
  const created: CreatedResource[] = [];
  const ctx = bakeContext(t, {
    signal: controller.signal,
    onPhase: (phase) => {
      if (phase === when.phase) cancel();
    },
    onCreated: (resource) => {
      created.push(resource);
      if (when.created?.(resource)) cancel();
    },
  });
  await expect(bake(ctx, request)).rejects.toBeInstanceOf(CancelledError);
  return created;
}

/** The post step: a fresh context (its own signal), sweeping every region the bake used. */
const postStep = (t: RolloutSim, regions = [REGION]) => sweepRun(bakeContext(t), regions);

describe("a cancelled bake, then the post step", () => {
  const t = useRolloutSim(bakeWorld);

  it.each<[string, { phase?: BakePhase; created?: (r: CreatedResource) => boolean }]>([
    ["launching", { created: (r) => r.kind === "instance" }],
    ["configuring", { phase: "configuring" }],
    ["imaging, before the image exists", { phase: "imaging" }],
    ["imaging, the image pending", { created: (r) => r.kind === "image" }],
  ])("while %s leaves no builder and no pending image", async (_, when) => {
    const created = await cancelledBake(t, when);
    await postStep(t);

    expect(created[0]?.kind).toBe("instance");
    const after = holdings(t);
    expect(after.liveBuilders).toEqual([]);
    expect(after.pendingImages).toEqual([]);
    expect(after.images.filter((i) => i.state !== "deregistered")).toEqual([]);
    const snapshotsOfRun = after.snapshots.filter((s) => s.tagMap[TAG.run] === runTagValue(RUN));
    expect(snapshotsOfRun).toEqual([]);
  });

  it("while copying keeps the finished AMI and removes the pending copy", async () => {
    const created = await cancelledBake(
      t,
      { created: (r) => r.kind === "image" && r.region === COPY_REGION },
      bakeRequest({ copyToRegions: [COPY_REGION] }),
    );
    const imageIn = (region: string) =>
      created.flatMap((r) => (r.kind === "image" && r.region === region ? [r.imageId] : []));

    const post = bakeContext(t);
    const swept = await sweepRun(post, [REGION, COPY_REGION]);

    expect(swept.deregistered).toEqual(imageIn(COPY_REGION));
    expect(holdings(t, COPY_REGION).pendingImages).toEqual([]);
    const kept = holdings(t).images.map((i) => [i.id, i.state]);
    expect(kept).toEqual([[...imageIn(REGION), "available"]]);
    expect(post.logger.lines).toContain(
      `Kept AMI ${imageIn(REGION)[0]} in ${REGION} (available): it is finished, and a bake with its key reuses it.`,
    );
  });

  it("after a bake that finished changes nothing", async () => {
    await bakeWith(t, bakeRequest());
    t.sim.world.calls.reset();

    expect(await postStep(t)).toEqual({ terminated: [], deregistered: [], deletedSnapshots: [], kept: [] });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });
});

describe("sweepRun", () => {
  const t = useRolloutSim(bakeWorld);
  const ec2 = () => t.clients(REGION).ec2;
  const tagged = (role: "builder" | "green" | "image", run = RUN): Tag[] => resourceTags(run, { role });

  async function launch(role: "builder" | "green"): Promise<string> {
    const answer = await ec2().send(
      new RunInstancesCommand({
        ImageId: BASE_AMI,
        InstanceType: "t3.small",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: "instance", Tags: tagged(role) }],
      }),
    );
    return answer.Instances?.[0]?.InstanceId as string;
  }

  async function image(instanceId: string, name: string): Promise<string> {
    const tags = tagged("image");
    const answer = await ec2().send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: name,
        TagSpecifications: [
          { ResourceType: "image", Tags: tags },
          { ResourceType: "snapshot", Tags: tags },
        ],
      }),
    );
    return answer.ImageId as string;
  }

  it("after a runner that died mid-bake: terminates builders, removes unfinished images and orphaned snapshots, keeps the rest; a second sweep does nothing", async () => {
    const clock = t.sim.world.clock;
    const running = await launch("builder");
    const stopped = await launch("builder");
    const green = await launch("green");
    await clock.sleep(60_000);
    const finished = await image(running, "finished");
    await clock.sleep(10 * 60_000);
    const pending = await image(running, "pending");
    const orphaned = await image(running, "orphaned");
    await clock.sleep(10_000);
    await ec2().send(new DeregisterImageCommand({ ImageId: orphaned }));
    await ec2().send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    await clock.sleep(60_000);
    const before = holdings(t);
    const snapshotOf = (id: string) => before.images.find((i) => i.id === id)?.snapshotIds[0];
    expect(before.images.find((i) => i.id === pending)?.state).toBe("pending");

    const post = bakeContext(t);
    const swept = await sweepRun(post, [REGION]);

    expect(swept.terminated.sort()).toEqual([running, stopped].sort());
    expect(swept.deregistered).toEqual([pending]);
    expect(swept.deletedSnapshots.sort()).toEqual([snapshotOf(pending), snapshotOf(orphaned)].sort());
    const after = holdings(t);
    expect(after.liveBuilders.map((i) => i.id)).toEqual([green]);
    expect(after.images.find((i) => i.id === finished)?.state).toBe("available");
    expect(after.snapshots.map((s) => s.id)).toContain(snapshotOf(finished));

    t.sim.world.calls.reset();
    expect(await sweepRun(post, [REGION])).toEqual({
      terminated: [],
      deregistered: [],
      deletedSnapshots: [],
      kept: [],
    });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("keeps the pending images it is told to keep, with their snapshots, and removes the rest", async () => {
    const clock = t.sim.world.clock;
    const builder = await launch("builder");
    await clock.sleep(60_000);
    t.sim.world.faults.failImageCreations = 1;
    const failed = await image(builder, "failed");
    await clock.sleep(10 * 60_000);
    const handedOver = await image(builder, "handed over");
    const abandoned = await image(builder, "abandoned");
    await clock.sleep(10_000);
    const before = holdings(t);
    const snapshotOf = (id: string) => before.images.find((i) => i.id === id)?.snapshotIds[0];
    expect(before.images.find((i) => i.id === failed)?.state).toBe("failed");

    const post = bakeContext(t);
    const swept = await sweepRun(post, [REGION], { keepImages: [handedOver, failed] });

    expect(swept.terminated).toEqual([builder]);
    expect(swept.kept).toEqual([handedOver]);
    expect(swept.deregistered.sort()).toEqual([failed, abandoned].sort());
    expect(swept.deletedSnapshots).not.toContain(snapshotOf(handedOver));
    expect(swept.deletedSnapshots).toContain(snapshotOf(abandoned));
    const after = holdings(t);
    expect(after.liveBuilders).toEqual([]);
    expect(after.pendingImages.map((i) => i.id)).toEqual([handedOver]);
    expect(after.snapshots.map((s) => s.id)).toContain(snapshotOf(handedOver));
    expect(post.logger.lines).toContain(
      `Kept AMI ${handedOver} in ${REGION} (pending): the bake timed out, AWS goes on making it, and a retry waits for it.`,
    );

    // Left to AWS, it ends available.
    await clock.sleep(10 * 60_000);
    t.sim.world.now();
    expect(holdings(t).images.find((i) => i.id === handedOver)?.state).toBe("available");
  });

  it("touches nothing of another attempt of the same run", async () => {
    await launch("builder");
    const otherAttempt: BakeContext = { ...bakeContext(t), run: { ...RUN, runAttempt: "2" } };

    expect(await sweepRun(otherAttempt, [REGION])).toEqual({
      terminated: [],
      deregistered: [],
      deletedSnapshots: [],
      kept: [],
    });
    expect(holdings(t).liveBuilders).toHaveLength(1);
  });
});

describe("a bake whose image AWS fails to make", () => {
  const t = useRolloutSim(bakeWorld);

  it("deregisters an image that AWS failed to make, with its snapshot, and terminates the builder", async () => {
    t.sim.world.faults.failImageCreations = 1;

    const failed = bake(bakeContext(t), bakeRequest());

    await expect(failed).rejects.toMatchObject({ code: "ImageFailed" });
    const after = holdings(t);
    expect(after.images.map((i) => i.state)).toEqual(["deregistered"]);
    expect(after.snapshots.filter((s) => s.tagMap[TAG.run] === runTagValue(RUN))).toEqual([]);
    expect(after.liveBuilders).toEqual([]);
  });
});

describe("a bake that times out while AWS makes the image", () => {
  const t = useRolloutSim(() => bakeWorld({ timings: { createImageMs: 2 * 60 * 60_000 } }));

  it("leaves the pending image at the timeout, and the retry waits for it instead of baking again", async () => {
    const timedOut = await bake(bakeContext(t), bakeRequest({ timeoutMs: 30 * 60_000 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(timedOut).toBeInstanceOf(DeployError);
    expect(timedOut).toMatchObject({ code: "Timeout", input: "timeout" });
    const [pending] = holdings(t).pendingImages;
    expect((timedOut as DeployError).what).toContain(pending?.id);
    expect(holdings(t).liveBuilders).toEqual([]);

    const retry = await bakeWith(t, bakeRequest({ timeoutMs: 3 * 60 * 60_000 }), {
      run: { ...RUN, runAttempt: "2" },
    });

    expect(retry.result.reused).toBe(true);
    expect(retry.result.amis[REGION]).toBe(pending?.id);
    expect(retry.result.phases.map((p) => p.phase)).toEqual(["resolving", "imaging"]);
    expect(t.sim.world.calls.count("ec2:RunInstances")).toBe(1);
    expect(t.sim.world.calls.count("ec2:CreateImage")).toBe(1);
    expect(holdings(t).images.map((i) => i.state)).toEqual(["available"]);
  });
});

describe("a bake on a slow-to-show, throttling AWS", () => {
  const t = useRolloutSim(() => bakeWorld({ timings: { consistencyMs: 15_000 } }));

  it("gives the same result", { timeout: 60_000 }, async () => {
    t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: 0.2 });

    const { result } = await bakeWith(t, bakeRequest());

    expect(result.reused).toBe(false);
    expect(result.recipe?.outputTail).toBe("marker says: it's baked");
    const after = holdings(t);
    expect(after.images.map((i) => [i.id, i.state, i.tagMap[TAG.bakeKey]])).toEqual([
      [result.amis[REGION], "available", result.bakeKey],
    ]);
    expect(after.liveBuilders).toEqual([]);
    const errors = new Set(t.sim.world.calls.records.flatMap((r) => (r.error ? [r.error] : [])));
    expect(errors).toContain("RequestLimitExceeded");
    expect(errors).toContain("InvalidInstanceID.NotFound");
    expect(errors).toContain("InvocationDoesNotExist");
    expect(errors).toContain("InvalidAMIID.NotFound");
  });
});
