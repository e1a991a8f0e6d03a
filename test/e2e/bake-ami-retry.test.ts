// End-to-end: a bake whose timeout runs out while AWS is still making the AMI, then a
// retry. The post step hands the pending AMI over to AWS instead of sweeping it, and the
// retry (same inputs, next attempt) finds it by its bake key and waits for it: no second
// builder, no second image.
import { describe, expect, it } from "vitest";
import {
  bakeAmi,
  errors,
  images,
  leftovers,
  ON_SIMULATED_TIME,
  outputsOf,
  RUN_TAG,
  sim,
  simulatorPerTest,
  world,
} from "./bake-ami-support.ts";

// The builder is imaged about 4 simulated minutes in; the image takes 20 more. A 15-minute
// timeout runs out while it is pending, and a retry right after has time to see it finish.
simulatorPerTest(() => world({ timings: { createImageMs: 20 * 60_000 } }));
// The action's clock runs on the simulator's time too, so that its timeout runs out.
const INPUTS = { timeout: "15m", "poll-interval": "10s" };
const ENV = { env: ON_SIMULATED_TIME };

describe("bake-ami timed out while imaging, then retried", () => {
  it("keeps the pending AMI for the retry, which reuses it: no builder, no CreateImage", async () => {
    const first = await bakeAmi(INPUTS, ENV);

    expect(first.main.outcome).toBe("failure");
    expect(first.main.log.some((line) => line.text.startsWith("Bake phase imaging:"))).toBe(true);
    const [pending, ...others] = images();
    expect(others).toEqual([]);
    expect(errors(first)).toContain(`AMI ${pending?.id} was not available before the timeout.`);
    expect(JSON.parse(first.state.handedOver ?? "[]")).toEqual([pending?.id]);
    // The post step kept it, pending, with its bake key; the builder is gone.
    expect(first.post?.outcome).toBe("success");
    expect(pending).toMatchObject({ state: "pending" });
    expect(pending?.tagMap).toMatchObject({ "deploy:run": RUN_TAG, "deploy:role": "image" });
    expect(pending?.tagMap["deploy:bake-key"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(leftovers().instances).toEqual([]);
    expect(first.post?.summary).toContain("Kept for the retry, still pending: the bake timed out");
    expect(first.post?.summary).toContain(`AMI [${pending?.id}]`);
    expect(first.post?.summary).not.toContain("Deregistered");

    sim.world.calls.reset();
    const retry = await bakeAmi(INPUTS, { ...ENV, github: { runAttempt: "2" } });

    expect(retry.main.outcome).toBe("success");
    const out = outputsOf(retry);
    expect(out.amiId).toBe(pending?.id);
    expect(out.bakeKey).toBe(pending?.tagMap["deploy:bake-key"]);
    expect(out.reused).toBe("true");
    expect(sim.world.calls.count("ec2:RunInstances")).toBe(0);
    expect(sim.world.calls.count("ec2:CreateImage")).toBe(0);
    expect(images().map((i) => [i.id, i.state])).toEqual([[pending?.id, "available"]]);
  });
});
