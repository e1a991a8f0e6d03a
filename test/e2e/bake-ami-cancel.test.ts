// End-to-end: a job cancelled in each phase of a bake. The runner sends SIGINT; the main
// step stops, and its post step sweeps what this run attempt left: nothing may be left
// running, pending or stopped, and no image pending, in any region the bake touched.
import type { CancelWhen } from "@deploy/test/harness";
import { describe, expect, it } from "vitest";
import {
  bakeAmi,
  images,
  leftovers,
  REGION,
  SLOW_IMAGES,
  sim,
  simulatorPerTest,
  workspace,
  world,
  writeRecipe,
} from "./bake-ami-support.ts";

const COPY_REGION = "us-east-1";
const BUILDER_GONE = /Terminated the builder i-|Builder i-\S+ in eu-west-1: already terminated by the main step/;

simulatorPerTest(() => world({ timings: SLOW_IMAGES }));

/** Cancels `afterMs` real milliseconds after a log line matches `pattern`. */
function after(pattern: RegExp, afterMs: number): CancelWhen {
  let seenAt: number | undefined;
  return {
    when: (line, elapsedMs) => {
      if (seenAt === undefined && line && pattern.test(line.text)) seenAt = elapsedMs;
      return seenAt !== undefined && elapsedMs - seenAt >= afterMs;
    },
    pollMs: 50,
  };
}

/**
 * Where each phase is cancelled, and what the post step's summary then says. A builder is
 * terminated by the main step on its way out, or else by the post step.
 */
const PHASES: { phase: string; cancel: CancelWhen; post: RegExp[]; sleep?: boolean }[] = [
  // The builder exists and is booting.
  { phase: "launching", cancel: { whenLog: /Launched the builder i-/ }, post: [BUILDER_GONE] },
  // The first recipe file sleeps 5 s; a second into it, it is running on the builder.
  { phase: "configuring", cancel: after(/Bake phase configuring/, 1000), post: [BUILDER_GONE], sleep: true },
  // The builder is stopped and its AMI pending.
  {
    phase: "imaging",
    cancel: { whenLog: /Creating AMI ami-/ },
    post: [BUILDER_GONE, /Deregistered the unfinished AMI ami-/, /Deleted the snapshot snap-/],
  },
  // The AMI is available in the bake region, its copy pending in the other.
  {
    phase: "copying",
    cancel: { whenLog: new RegExp(`Copying AMI ami-\\S+ to ${COPY_REGION} as ami-`) },
    post: [BUILDER_GONE, /Deregistered the unfinished AMI ami-/, /Kept, as they were finished/],
  },
];

describe("bake-ami cancelled", () => {
  it.for(PHASES)(
    "while $phase: the post step leaves nothing of the run behind",
    async ({ phase, cancel, post, sleep }) => {
      if (sleep) writeRecipe(workspace, "bake/10-packages.sh", "#!/bin/bash\nsleep 5\necho packages\n");
      const run = await bakeAmi({ regions: COPY_REGION }, { cancel });

      expect(run.main.outcome).toBe("cancelled");
      expect(run.main.log.some((line) => line.text.startsWith(`Bake phase ${phase}:`))).toBe(true);
      expect(run.state["deploy-phase"]).toBe("changing");
      // A cancellation is not a timeout: nothing is handed over, the pending AMI is swept.
      expect(run.state.handedOver).toBeUndefined();
      expect(JSON.parse(run.state.regions ?? "[]")).toEqual([REGION, COPY_REGION]);
      const created = JSON.parse(run.state.created ?? "[]") as { kind: string }[];
      expect(created[0]).toMatchObject({ kind: "instance", region: REGION, instanceId: expect.stringMatching(/^i-/) });
      expect(run.post?.outcome).toBe("success");
      for (const region of [REGION, COPY_REGION]) {
        expect(leftovers(region), region).toEqual({ instances: [], pendingImages: [] });
      }
      expect(run.post?.summary).toContain("the bake did not finish");
      for (const line of post) expect(run.post?.summary).toMatch(line);
      if (phase === "copying") {
        // The source AMI was finished: it is kept, and the next bake with its key reuses it.
        const [source] = images(REGION);
        expect(source?.state).toBe("available");
        expect(run.post?.summary).toContain(`AMI [${source?.id}]`);
      }
    },
  );

  it("killed before it could terminate the builder: the post step finds the builder by its run tag", async () => {
    // The main step's TerminateInstances takes 3 real seconds to arrive; the runner kills
    // the step 200 ms after SIGINT, so the builder is still running when the post step looks.
    sim.world.faults.add({ operation: "ec2:TerminateInstances", kind: "latency", latencyMs: 3000, count: 1 });
    const run = await bakeAmi(
      {},
      { cancel: { whenLog: /Launched the builder i-/ }, signals: { sigtermAfterMs: 100, sigkillAfterMs: 100 } },
    );

    expect(run.main.outcome).toBe("cancelled");
    // Stopped by force, not by its own clean-up.
    expect(run.main.signalsSent.map((s) => s.signal)).toContain("SIGTERM");
    expect(run.post?.outcome).toBe("success");
    expect(run.post?.summary).toMatch(/Terminated the builder i-/);
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
  });
});
