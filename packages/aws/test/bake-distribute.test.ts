import { CancelledError, DeployError } from "@deploy/core";
import type { WorldFile } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import { type DistributeRequest, type Distribution, distribute } from "../src/bake/distribute.ts";
import { accountIds } from "../src/bake/share.ts";
import type { CreatedResource } from "../src/bake/types.ts";
import { resourceTags, type Tag } from "../src/tags.ts";
import { type BakeTestContext, bakeContext } from "./bake-sim.ts";
import { type RolloutSim, RUN, useRolloutSim } from "./rollout-sim.ts";

const SOURCE_REGION = "eu-west-1";
const REGIONS = ["us-east-1", "eu-central-1", "ap-southeast-2"];
const SOURCE_AMI = "ami-0000000000000c001";
const NAME = "shop-3f9c2b1a-51d0e2f4";
const BAKE_KEY = "sha256:51d0e2f4c3b2a1908f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4c3d2e1f0";
const OTHER_KEY = "sha256:0000e2f4c3b2a1908f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4c3d2e1f0";
const ACCOUNTS = ["111111111111", "222222222222"];
/** The SDK backs off in real time after each throttled call (half a second and up). */
const THROTTLED_TIMEOUT_MS = 30_000;
const KMS = (region: string) => `arn:aws:kms:${region}:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

/** The tags the bake gave the source AMI: the suite's and the user's. */
const SOURCE_TAGS: Tag[] = [...resourceTags(RUN, { role: "image", bakeKey: BAKE_KEY }), { Key: "team", Value: "web" }];
const tagRecord = (tags: readonly Tag[]) => Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** A world with the baked AMI in the source region, and whatever else a test puts in other regions. */
function world(regions: WorldFile["regions"] = {}): WorldFile {
  return {
    regions: {
      [SOURCE_REGION]: { images: [{ id: SOURCE_AMI, name: NAME, ownerId: "self", tags: tagRecord(SOURCE_TAGS) }] },
      ...regions,
    },
  };
}

function request(overrides: Partial<DistributeRequest> = {}): DistributeRequest {
  return {
    sourceRegion: SOURCE_REGION,
    imageId: SOURCE_AMI,
    bakeKey: BAKE_KEY,
    name: NAME,
    copyToRegions: REGIONS,
    shareWithAccounts: [],
    encrypt: false,
    kmsKeyIds: {},
    tags: SOURCE_TAGS,
    ...overrides,
  };
}

/** Distributes, measuring the virtual time it took. */
async function timed(
  t: RolloutSim,
  ctx: BakeTestContext,
  req: DistributeRequest,
): Promise<Distribution & { ms: number }> {
  const start = t.sim.world.clock.now();
  const result = await distribute(ctx, req);
  return { ...result, ms: t.sim.world.clock.now() - start };
}

/** The images this account owns in a region (every region also has Amazon's public ones). */
const imagesIn = (t: RolloutSim, region: string) =>
  [...t.sim.world.region(region).ec2.images.values()].filter((i) => i.ownerId === t.sim.world.accountId);
const imageIn = (t: RolloutSim, region: string, id: string | undefined) => {
  const image = t.sim.world.region(region).ec2.images.get(id ?? "");
  if (!image) throw new Error(`no image ${id} in ${region}`);
  return image;
};
const snapshotsOf = (t: RolloutSim, region: string, id: string | undefined) =>
  imageIn(t, region, id).snapshotIds.map((s) => t.sim.world.region(region).ec2.snapshots.get(s));
const callsOf = (t: RolloutSim, operation: string) =>
  t.sim.world.calls.records.filter((c) => c.operation === operation && !c.error);

async function failure(promise: Promise<unknown>): Promise<DeployError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployError);
  return error as DeployError;
}

describe("distribute: copies", () => {
  const t = useRolloutSim(() => world());

  it("copies to three regions side by side, in about one copy's time, tagged like the source with this run's tags", async () => {
    const one = await timed(t, bakeContext(t), request({ copyToRegions: ["sa-east-1"] }));
    t.sim.world.calls.reset();

    const ctx = bakeContext(t);
    const start = t.sim.world.clock.now();
    // The source region and a repeat are skipped.
    const three = await timed(t, ctx, request({ copyToRegions: [...REGIONS, SOURCE_REGION, "us-east-1"] }));

    expect(three.ms).toBeLessThan(1.5 * one.ms);
    // Every copy was started before any time passed, each in its own region.
    const copies = callsOf(t, "ec2:CopyImage");
    expect(copies.map((c) => c.region).sort()).toEqual([...REGIONS].sort());
    expect(copies.every((c) => c.at === start)).toBe(true);

    expect(Object.keys(three.amis)).toEqual([SOURCE_REGION, ...REGIONS]);
    expect(three.amis[SOURCE_REGION]).toBe(SOURCE_AMI);
    expect(three.copied).toEqual(REGIONS);
    expect(three.sharedWith).toEqual([]);
    expect(ctx.created).toEqual(REGIONS.map((region) => ({ kind: "image", region, imageId: three.amis[region] })));
    expect(ctx.phases).toEqual(["copying"]);
    for (const region of REGIONS) {
      const copy = imageIn(t, region, three.amis[region]);
      expect(copy).toMatchObject({ name: NAME, state: "available", sourceImageId: SOURCE_AMI, encrypted: false });
      expect(tagRecord(copy.tags)).toEqual(tagRecord(SOURCE_TAGS));
      for (const snapshot of snapshotsOf(t, region, copy.id))
        expect(tagRecord(snapshot?.tags ?? [])).toEqual(tagRecord(SOURCE_TAGS));
      expect(ctx.logger.lines).toContainEqual(
        expect.stringMatching(new RegExp(`^Waiting for AMI ${copy.id} .* in ${region} to be available`)),
      );
    }
  });

  it("tags copies with this run's suite tags even when the source came from an earlier run", async () => {
    const earlier = SOURCE_TAGS.map((t) => (t.Key === "deploy:run" ? { ...t, Value: "4100-2" } : t));
    const { amis } = await distribute(bakeContext(t), request({ copyToRegions: ["us-east-1"], tags: earlier }));
    expect(tagRecord(imageIn(t, "us-east-1", amis["us-east-1"]).tags)).toMatchObject({
      "deploy:run": "4242-1",
      "deploy:bake-key": BAKE_KEY,
      "deploy:role": "image",
      team: "web",
    });
  });

  it("encrypts each copy with its region's KMS key, and with the default EBS key where none is given", async () => {
    const kmsKeyIds = { "us-east-1": KMS("us-east-1"), "eu-central-1": KMS("eu-central-1") };
    const ctx = bakeContext(t);
    const { amis } = await distribute(ctx, request({ encrypt: true, kmsKeyIds }));
    for (const region of ["us-east-1", "eu-central-1"]) {
      expect(imageIn(t, region, amis[region])).toMatchObject({ encrypted: true, kmsKeyId: KMS(region) });
      for (const snapshot of snapshotsOf(t, region, amis[region])) {
        expect(snapshot).toMatchObject({ encrypted: true, kmsKeyId: KMS(region) });
      }
    }
    const fallback = imageIn(t, "ap-southeast-2", amis["ap-southeast-2"]);
    expect(fallback.encrypted).toBe(true);
    expect(fallback.kmsKeyId).toBeUndefined();
    expect(ctx.logger.lines).toContain(
      `Copying AMI ${SOURCE_AMI} to us-east-1 as ${amis["us-east-1"]}, encrypted with ${KMS("us-east-1")}.`,
    );
  });

  it("gives up at the deadline, naming the copy's region and the timeout input", async () => {
    const ctx = bakeContext(t);
    const error = await failure(
      distribute(ctx, request({ copyToRegions: ["us-east-1"], deadline: t.sim.world.clock.now() + 60_000 })),
    );
    expect(error.code).toBe("Timeout");
    expect(error.input).toBe("timeout");
    expect(error.what).toMatch(
      /^Timed out waiting for AMI ami-\w+ \(copy of ami-0000000000000c001 from eu-west-1\) in us-east-1/,
    );
  });
});

describe("distribute: copies already there", () => {
  const t = useRolloutSim(() =>
    world({
      "us-east-1": {
        images: [
          { id: "ami-0000000000000d001", name: NAME, tags: { "deploy:bake-key": BAKE_KEY, "deploy:role": "image" } },
        ],
      },
      "eu-central-1": {
        images: [
          {
            id: "ami-0000000000000d002",
            name: NAME,
            state: "pending",
            tags: { "deploy:bake-key": BAKE_KEY, "deploy:role": "image" },
          },
        ],
      },
      "ap-southeast-2": {
        images: [
          {
            id: "ami-0000000000000d003",
            name: "shop-older",
            tags: { "deploy:bake-key": OTHER_KEY, "deploy:role": "image" },
          },
          {
            id: "ami-0000000000000d004",
            name: "shop-failed",
            state: "failed",
            tags: { "deploy:bake-key": BAKE_KEY, "deploy:role": "image" },
          },
        ],
      },
    }),
  );

  it("reuses an available copy, waits for a pending one, and copies only where none is usable", async () => {
    const ctx = bakeContext(t);
    const result = await distribute(ctx, request());
    expect(callsOf(t, "ec2:CopyImage").map((c) => c.region)).toEqual(["ap-southeast-2"]);
    expect(result.copied).toEqual(["ap-southeast-2"]);
    expect(result.amis).toMatchObject({
      "us-east-1": "ami-0000000000000d001",
      "eu-central-1": "ami-0000000000000d002",
    });
    expect(result.amis["ap-southeast-2"]).not.toMatch(/^ami-0000000000000d00[34]$/);
    expect(imageIn(t, "eu-central-1", "ami-0000000000000d002").state).toBe("available");
    expect(ctx.created).toEqual([{ kind: "image", region: "ap-southeast-2", imageId: result.amis["ap-southeast-2"] }]);
    expect(ctx.logger.lines).toContain(
      "us-east-1 already has AMI ami-0000000000000d001 for this bake key (available): no copy needed.",
    );
  });

  it("makes no change at all the second time", async () => {
    const first = await distribute(bakeContext(t), request());
    t.sim.world.calls.reset();
    const second = await distribute(bakeContext(t), request());
    expect(second.amis).toEqual(first.amis);
    expect(second.copied).toEqual([]);
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });
});

describe("distribute: failed copies", () => {
  const t = useRolloutSim(() => world());

  it("fails naming the region whose copy failed, once the other copies are available", async () => {
    t.sim.world.faults.failImageCreations = 1;
    const ctx = bakeContext(t);
    const error = await failure(distribute(ctx, request()));
    const states = Object.fromEntries(REGIONS.map((r) => [r, imagesIn(t, r).map((i) => i.state)]));
    const failed = REGIONS.filter((r) => states[r]?.includes("failed"));
    expect(failed).toHaveLength(1);
    expect(error.code).toBe("ImageFailed");
    expect(error.what).toContain(` in ${failed[0]} ended failed`);
    expect(error.why).toContain("Internal error on snapshot creation");
    for (const region of REGIONS.filter((r) => r !== failed[0])) expect(states[region]).toEqual(["available"]);
    expect(ctx.created.map((c) => c.region).sort()).toEqual([...REGIONS].sort());
  });

  it("names every region when several copies fail", async () => {
    t.sim.world.faults.failImageCreations = 2;
    const error = await failure(distribute(bakeContext(t), request()));
    const failed = REGIONS.filter((r) => imagesIn(t, r).some((i) => i.state === "failed"));
    expect(failed).toHaveLength(2);
    expect(error.code).toBe("CopyFailed");
    expect(error.what).toBe(
      `Copying AMI ${SOURCE_AMI} failed in ${REGIONS.filter((r) => failed.includes(r)).join(", ")}.`,
    );
    for (const region of failed) expect(error.why).toContain(`${region}: AMI`);
  });

  it("stops waiting at once when cancelled, having reported every copy it started", async () => {
    const controller = new AbortController();
    const ctx = bakeContext(t, { signal: controller.signal });
    const running = distribute(ctx, request()).catch((e: unknown) => e);
    await t.sim.world.clock.sleep(90_000);
    const cancelledAt = t.sim.world.clock.now();
    controller.abort(new CancelledError("SIGINT"));
    expect(await running).toBeInstanceOf(CancelledError);
    expect(t.sim.world.clock.now()).toBe(cancelledAt);
    // Each copy is left pending, tagged with the run, for the post step's sweep.
    expect(ctx.created.map((c) => c.region).sort()).toEqual([...REGIONS].sort());
    for (const { region, imageId } of ctx.created as Extract<CreatedResource, { kind: "image" }>[]) {
      const copy = imageIn(t, region, imageId);
      expect(copy.state).toBe("pending");
      expect(tagRecord(copy.tags)["deploy:run"]).toBe("4242-1");
    }
  });
});

describe("distribute: sharing", () => {
  const t = useRolloutSim(() => world());

  it("gives each account launch permission on every region's AMI and create-volume permission on its snapshots, once", async () => {
    const ctx = bakeContext(t);
    const result = await distribute(ctx, request({ shareWithAccounts: [...ACCOUNTS, ACCOUNTS[0] as string] }));
    expect(result.sharedWith).toEqual(ACCOUNTS);
    expect(ctx.phases).toEqual(["copying", "sharing"]);
    for (const [region, id] of Object.entries(result.amis)) {
      expect(imageIn(t, region, id).launchPermissions.sort()).toEqual(ACCOUNTS);
      const snapshots = snapshotsOf(t, region, id);
      expect(snapshots.length).toBeGreaterThan(0);
      for (const snapshot of snapshots) expect(snapshot?.createVolumePermissions.sort()).toEqual(ACCOUNTS);
    }
    expect(callsOf(t, "ec2:ModifyImageAttribute")).toHaveLength(4);

    t.sim.world.calls.reset();
    const again = await distribute(bakeContext(t), request({ shareWithAccounts: ACCOUNTS }));
    expect(again).toEqual({ ...result, copied: [] });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("adds only the accounts not granted yet", async () => {
    const first = await distribute(
      bakeContext(t),
      request({ copyToRegions: [], shareWithAccounts: [ACCOUNTS[0] as string] }),
    );
    t.sim.world.calls.reset();
    await distribute(bakeContext(t), request({ copyToRegions: [], shareWithAccounts: ACCOUNTS }));
    expect(imageIn(t, SOURCE_REGION, first.amis[SOURCE_REGION]).launchPermissions.sort()).toEqual(ACCOUNTS);
    expect(t.sim.world.calls.mutating().map((c) => c.operation)).toEqual([
      "ec2:ModifyImageAttribute",
      "ec2:ModifySnapshotAttribute",
    ]);
  });

  it("refuses, before any change, to share AMIs that would be encrypted with the AWS managed key", async () => {
    // No key for eu-central-1; the AWS managed key named for us-east-1.
    const cases: [Record<string, string>, string][] = [
      [{ "us-east-1": KMS("us-east-1") }, "eu-central-1"],
      [{ "us-east-1": "alias/aws/ebs", "eu-central-1": KMS("eu-central-1") }, "us-east-1"],
    ];
    for (const [kmsKeyIds, refused] of cases) {
      const error = await failure(
        distribute(
          bakeContext(t),
          request({
            copyToRegions: ["us-east-1", "eu-central-1"],
            encrypt: true,
            kmsKeyIds,
            shareWithAccounts: ACCOUNTS,
          }),
        ),
      );
      expect(error.code).toBe("AwsManagedKeyNotShareable");
      expect(error.what).toBe(
        `AMIs encrypted with the AWS managed key cannot be shared with other accounts (${refused}).`,
      );
      expect(error.input).toBe("kms-key-id");
      expect(error.fix).toContain("customer managed key");
    }
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("shares encrypted copies when every region has a customer managed key", async () => {
    const kmsKeyIds = Object.fromEntries(REGIONS.map((r) => [r, KMS(r)]));
    const { amis } = await distribute(
      bakeContext(t),
      request({ encrypt: true, kmsKeyIds, shareWithAccounts: ACCOUNTS }),
    );
    for (const region of REGIONS)
      expect(imageIn(t, region, amis[region])).toMatchObject({ encrypted: true, launchPermissions: ACCOUNTS });
  });

  it("gives the same result with 20% of calls throttled", { timeout: THROTTLED_TIMEOUT_MS }, async () => {
    t.sim.world.faults.add({ operation: "*", kind: "throttle", rate: 0.2 });
    const result = await distribute(bakeContext(t), request({ shareWithAccounts: ACCOUNTS }));
    expect(t.sim.world.calls.records.some((c) => c.error === "RequestLimitExceeded")).toBe(true);
    expect(Object.keys(result.amis)).toEqual([SOURCE_REGION, ...REGIONS]);
    for (const region of REGIONS) {
      // One copy per region: a throttled call is retried, never repeated once it succeeded.
      expect(imagesIn(t, region).filter((i) => i.name === NAME)).toHaveLength(1);
      expect(imageIn(t, region, result.amis[region])).toMatchObject({
        state: "available",
        launchPermissions: ACCOUNTS,
      });
    }
  });
});

describe("accountIds", () => {
  it("keeps 12-digit ids once each, and refuses anything else naming the input", () => {
    expect(accountIds(["111111111111", "222222222222", "111111111111"])).toEqual(ACCOUNTS);
    expect(() => accountIds(["111111111111", "12345", "arn:aws:iam::222222222222:root"])).toThrow(
      expect.objectContaining({
        what: 'Cannot share AMIs with "12345", "arn:aws:iam::222222222222:root".',
        input: "share-with-accounts",
      }),
    );
  });
});
