// End-to-end: promote to where production runs when stage's AMI is not there: a copy in
// the other region, tagged like the source with this run's tags, shared with production's
// account (launch permission, and create-volume permission on its snapshots); a second
// promotion reuses the copy; a promotion cancelled during the copy leaves no pending copy.
import { describe, expect, it } from "vitest";
import {
  awsMutations,
  callsOutsidePolicy,
  GOOD,
  images,
  inWorld,
  OTHER_REGION,
  promote,
  REGION,
  RUN_TAG,
  sim,
  snapshots,
  TARGET_ACCOUNT,
  world,
} from "./promote-support.ts";

/** Production in the other region and account; the groups are not compared (they are in one world). */
const ELSEWHERE = { region: OTHER_REGION, "target-account": TARGET_ACCOUNT, "source-group": "", "target-group": "" };

describe("promote to another region and account", () => {
  it("copies the AMI where production runs, tagged, and shares it and its snapshots with production's account", async () => {
    await inWorld();
    const run = await promote(ELSEWHERE);

    expect(run.main.outcome).toBe("success");
    const [copy, ...others] = images(OTHER_REGION);
    expect(others).toEqual([]);
    expect(copy).toMatchObject({ state: "available" });
    expect(copy?.tagMap).toMatchObject({
      "deploy:managed-by": "deploy",
      "deploy:release": GOOD.commit,
      "deploy:bake-key": GOOD.bakeKey,
      "deploy:run": RUN_TAG,
      "deploy:role": "image",
    });
    expect(run.outputs["ami-id"]).toBe(copy?.id);
    expect(JSON.parse(run.outputs.release ?? "{}").amis).toEqual({ [REGION]: GOOD.ami, [OTHER_REGION]: copy?.id });

    // Shared: launch permission on the copy, create-volume permission on its snapshots.
    expect(copy?.launchPermissions).toEqual([TARGET_ACCOUNT]);
    const copySnapshots = snapshots(OTHER_REGION).filter((s) => copy?.snapshotIds.includes(s.id));
    expect(copySnapshots.length).toBeGreaterThan(0);
    for (const snapshot of copySnapshots) {
      expect(snapshot.createVolumePermissions).toEqual([TARGET_ACCOUNT]);
      expect(snapshot.tagMap["deploy:bake-key"]).toBe(GOOD.bakeKey);
    }
    expect(awsMutations(sim).filter((op) => op === "ec2:CopyImage")).toHaveLength(1);
    expect(callsOutsidePolicy()).toEqual([]);

    expect(run.summary).toContain(`| ${OTHER_REGION} (production) |`);
    expect(run.summary).toContain(`copied from ${REGION} now, shared with ${TARGET_ACCOUNT}`);
    expect(run.post?.summary ?? "").toBe("");

    // Again: the copy is found by its bake key and already shared; nothing changes.
    sim.world.calls.reset();
    const again = await promote(ELSEWHERE, { github: { runId: "4243" } });
    expect(again.main.outcome).toBe("success");
    expect(again.outputs["ami-id"]).toBe(copy?.id);
    expect(awsMutations(sim)).toEqual([]);
    expect(images(OTHER_REGION)).toHaveLength(1);
  });

  it("copies to copy-to-regions too, and keeps production's region first in the summary", async () => {
    await inWorld();
    const run = await promote({ "copy-to-regions": OTHER_REGION });

    expect(run.main.outcome).toBe("success");
    expect(run.outputs["ami-id"]).toBe(GOOD.ami);
    const [copy] = images(OTHER_REGION);
    expect(JSON.parse(run.outputs.release ?? "{}").amis).toEqual({ [REGION]: GOOD.ami, [OTHER_REGION]: copy?.id });
  });

  it("cancelled while copying: the post step sweeps the pending copy and its snapshot", async () => {
    // Copies take 10 simulated minutes (3 real seconds): the step is cancelled while AWS is still copying.
    await inWorld(world({ timings: { copyImageMs: 600_000 } }));
    const run = await promote(ELSEWHERE, {
      cancel: { whenLog: new RegExp(`Copying AMI ${GOOD.ami} to ${OTHER_REGION} as ami-`) },
    });

    expect(run.main.outcome).toBe("cancelled");
    expect(run.state["deploy-phase"]).toBe("changing");
    expect(JSON.parse(run.state.regions ?? "[]")).toEqual([OTHER_REGION]);
    const [created] = JSON.parse(run.state.created ?? "[]") as { imageId: string }[];
    expect(created?.imageId).toMatch(/^ami-/);

    expect(run.post?.outcome).toBe("success");
    expect(run.post?.summary).toContain("the promotion did not finish");
    expect(run.post?.summary).toContain(`Deregistered the unfinished copy ${created?.imageId}`);
    expect(run.post?.summary).toMatch(/Deleted the snapshot snap-/);
    const left = images(OTHER_REGION).filter((i) => i.state === "pending" || i.state === "available");
    expect(left).toEqual([]);
    expect(callsOutsidePolicy()).toEqual([]);
    // Stage's AMI is untouched.
    expect(images(REGION).find((i) => i.id === GOOD.ami)?.state).toBe("available");
  });
});
