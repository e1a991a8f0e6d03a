// End-to-end: copies to other regions, side by side, and sharing with other accounts;
// a reuse makes only the copies and shares that are missing.
import { describe, expect, it } from "vitest";
import {
  awsMutations,
  bakeAmi,
  images,
  outputsOf,
  REGION,
  sim,
  simulatorPerTest,
  snapshots,
  world,
} from "./bake-ami-support.ts";

/** A copy takes 20 simulated minutes (6 real seconds), far longer than a poll. */
const COPY_MS = 20 * 60_000;
const COPY_REGIONS = ["us-east-1", "us-west-2", "ap-southeast-2"];
const ACCOUNTS = ["210987654321", "111122223333"];

describe("bake-ami copying to three regions and sharing", () => {
  simulatorPerTest(() => world({ timings: { copyImageMs: COPY_MS } }));

  it("copies to three regions side by side, in about one copy's time, and shares every AMI", async () => {
    const run = await bakeAmi({
      regions: COPY_REGIONS.join("\n"),
      "share-with-accounts": ACCOUNTS.join(", "),
      tags: "team=web",
    });

    expect(run.main.outcome).toBe("success");
    const out = outputsOf(run);
    expect(Object.keys(out.amis)).toEqual([REGION, ...COPY_REGIONS]);
    expect(out.amiId).toBe(out.amis[REGION]);

    // Side by side: every copy started before the first could end, and the copying took
    // about one copy's time (one after the other would take three).
    const calls = sim.world.calls.records.filter((c) => !c.error);
    const copies = calls.filter((c) => c.operation === "ec2:CopyImage");
    expect(copies.map((c) => c.region).sort()).toEqual([...COPY_REGIONS].sort());
    const firstCopy = Math.min(...copies.map((c) => c.at));
    expect(Math.max(...copies.map((c) => c.at)) - firstCopy).toBeLessThan(COPY_MS);
    const sharing = calls.find((c) => c.operation === "ec2:ModifyImageAttribute");
    expect(sharing).toBeDefined();
    const copyingMs = (sharing?.at ?? 0) - firstCopy;
    expect(copyingMs).toBeGreaterThanOrEqual(COPY_MS);
    expect(copyingMs).toBeLessThan(2 * COPY_MS);

    for (const region of [REGION, ...COPY_REGIONS]) {
      const [image, ...others] = images(region);
      expect(others, region).toEqual([]);
      // Each region's AMI: available, tagged like the source, shared with both accounts.
      expect(image, region).toMatchObject({ id: out.amis[region], state: "available" });
      expect(image?.tagMap, region).toMatchObject({
        "deploy:bake-key": out.bakeKey,
        "deploy:role": "image",
        team: "web",
      });
      expect([...(image?.launchPermissions ?? [])].sort(), region).toEqual([...ACCOUNTS].sort());
      const own = snapshots(region).filter((s) => image?.snapshotIds.includes(s.id));
      expect(own.length, region).toBeGreaterThan(0);
      for (const snapshot of own) {
        expect([...snapshot.createVolumePermissions].sort(), region).toEqual([...ACCOUNTS].sort());
      }
    }
    expect(run.summary).toContain(`| Shared with | ${ACCOUNTS.join(", ")} |`);
    for (const region of COPY_REGIONS) expect(run.summary).toContain(`| ${region} | [${out.amis[region]}](`);
    expect(run.summary).toMatch(/\| copying \| [^|]+ \| succeeded \|/);
  });
});

describe("bake-ami across regions, at the simulator's pace", () => {
  simulatorPerTest();

  it("reused, it makes only the copy and the shares that are missing, and launches nothing", async () => {
    const first = await bakeAmi({ regions: "us-east-1" });
    expect(first.main.outcome).toBe("success");
    sim.world.calls.reset();

    const second = await bakeAmi({ regions: "us-east-1, us-west-2", "share-with-accounts": ACCOUNTS[0] as string });

    expect(second.main.outcome).toBe("success");
    const out = outputsOf(second);
    expect(out.reused).toBe("true");
    expect(out.amis).toMatchObject(outputsOf(first).amis);
    const mutations = awsMutations(sim);
    expect(mutations).not.toContain("ec2:RunInstances");
    expect(mutations.filter((m) => m === "ec2:CopyImage")).toHaveLength(1);
    expect(sim.world.calls.records.find((c) => c.operation === "ec2:CopyImage")?.region).toBe("us-west-2");
    for (const region of [REGION, "us-east-1", "us-west-2"]) {
      expect(images(region)[0]?.launchPermissions, region).toEqual([ACCOUNTS[0]]);
    }
  });

  // The simulator does not model RunInstances' block device mappings, so the source AMI's
  // encryption (set on the builder's root volume) is not visible here; the copies' is.
  it("encrypts each copy with its region's key", async () => {
    const keys = {
      [REGION]: "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
      "us-east-1": "arn:aws:kms:us-east-1:123456789012:key/mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    };
    const run = await bakeAmi({
      regions: "us-east-1",
      encrypt: "true",
      "kms-key-id": Object.entries(keys)
        .map(([region, key]) => `${region}=${key}`)
        .join("\n"),
    });

    expect(run.main.outcome).toBe("success");
    const [copy] = images("us-east-1");
    expect(copy).toMatchObject({ state: "available", encrypted: true, kmsKeyId: keys["us-east-1"] });
    for (const snapshot of snapshots("us-east-1").filter((s) => copy?.snapshotIds.includes(s.id))) {
      expect(snapshot).toMatchObject({ encrypted: true, kmsKeyId: keys["us-east-1"] });
    }
  });
});
