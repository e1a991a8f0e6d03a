import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { testRunContext } from "@deploy/core/testing";
import type { Release } from "@deploy/release";
import type { WorldFile } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import { makeAvailable } from "../src/promote/availability.ts";
import { compareGroups, namePattern, normaliseUserData } from "../src/promote/parity.ts";
import { TAG } from "../src/tags.ts";
import { type BakeTestContext, bakeContext } from "./bake-sim.ts";
import { useRolloutSim } from "./rollout-sim.ts";

const WEST = "eu-west-1";
const CENTRAL = "eu-central-1";
const NORTH = "eu-north-1";
const BAKE_KEY = `sha256:${"b".repeat(64)}`;
const COMMIT = "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";
const AMI = {
  release: "ami-0a1b2c3d4e5f60718",
  /** The same lineage, an older release: what production runs. */
  older: "ami-0a1b2c3d4e5f60700",
  /** Baked by hand: no bake key. */
  manual: "ami-0a1b2c3d4e5f60799",
  failed: "ami-0a1b2c3d4e5f60777",
  arm: "ami-0a1b2c3d4e5f60755",
  north: "ami-0a1b2c3d4e5f60733",
} as const;
const SUBNET = { a: "subnet-0a1b2c3d4e5f60001", b: "subnet-0a1b2c3d4e5f60002" } as const;
const TARGET_ACCOUNT = "210987654321";

const userData = (lines: string[]) => Buffer.from(`${lines.join("\n")}\n`).toString("base64");
const STAGE_USER_DATA = userData([
  "#!/bin/bash",
  "ENVIRONMENT=stage",
  "export API_URL=https://stage.shop.example",
  "/opt/shop/start --group shop-stage --env stage",
]);
const PRODUCTION_USER_DATA = userData([
  "#!/bin/bash",
  "ENVIRONMENT=production",
  "export API_URL=https://shop.example",
  "/opt/shop/start --group shop-production --env Production",
]);

function world(): WorldFile {
  const image = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    architecture: "x86_64" as const,
    ownerId: "self",
    ...extra,
  });
  return {
    regions: {
      [WEST]: {
        subnets: [
          { id: SUBNET.a, availabilityZone: "eu-west-1a" },
          { id: SUBNET.b, availabilityZone: "eu-west-1b" },
        ],
        images: [
          image(AMI.release, "shop-3f9c2b1-20261126-100000-b2b2b2b2b2b2", {
            tags: { [TAG.bakeKey]: BAKE_KEY, [TAG.managedBy]: "deploy", team: "shop" },
          }),
          image(AMI.older, "shop-1a2b3c4-20261120-090000-a1a1a1a1a1a1"),
          image(AMI.manual, "shop-by-hand"),
          image(AMI.failed, "shop-failed", { state: "failed" }),
          image(AMI.arm, "shop-3f9c2b1-20261126-100000-c3c3c3c3c3c3", { architecture: "arm64" }),
        ],
        launchTemplates: [
          { name: "shop-stage", data: { ImageId: AMI.release, InstanceType: "t3.small", UserData: STAGE_USER_DATA } },
          {
            name: "shop-production",
            data: { ImageId: AMI.older, InstanceType: "t3.large", UserData: PRODUCTION_USER_DATA },
          },
          {
            name: "shop-odd",
            data: {
              ImageId: AMI.arm,
              InstanceType: "t4g.large",
              UserData: userData(["#!/bin/bash", "ENVIRONMENT=production", "/opt/shop/start --fast"]),
            },
          },
        ],
        autoScalingGroups: [
          {
            name: "shop-stage",
            launchTemplate: { name: "shop-stage" },
            minSize: 1,
            maxSize: 2,
            desiredCapacity: 1,
            subnets: [SUBNET.a, SUBNET.b],
          },
          {
            name: "shop-production",
            launchTemplate: { name: "shop-production", version: "$Latest" },
            minSize: 2,
            maxSize: 6,
            desiredCapacity: 3,
            subnets: [SUBNET.a, SUBNET.b],
          },
          {
            name: "shop-odd",
            launchTemplate: { name: "shop-odd" },
            minSize: 1,
            maxSize: 1,
            desiredCapacity: 1,
            healthCheckType: "ELB",
            healthCheckGracePeriod: 60,
            targetGroupARNs: [
              "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-odd/0a1b2c3d4e5f6071",
            ],
            subnets: [SUBNET.a],
          },
        ],
      },
      [NORTH]: { images: [image(AMI.north, "shop-3f9c2b1-20261126-100000-b2b2b2b2b2b2")] },
    },
  };
}

const t = useRolloutSim(world);
/** The promoting run's own commit is not the release's: copies are tagged with the release's. */
const context = (): BakeTestContext =>
  bakeContext(t, { run: testRunContext({ commit: "f".repeat(40), runId: "777", runAttempt: "2" }) });

function release(amis: Record<string, string>, extra: Partial<Release> = {}): Release {
  return {
    schema: 1,
    commit: COMMIT,
    repository: "acme/shop",
    amis,
    bakeKey: BAKE_KEY,
    createdAt: "2026-11-26T10:00:00Z",
    run: { id: 4242, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4242" },
    ...extra,
  };
}

async function image(region: string, imageId: string) {
  return (await t.clients(region).ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
}

async function launchPermissions(region: string, imageId: string): Promise<string[]> {
  const answer = await t
    .clients(region)
    .ec2.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: "launchPermission" }));
  return (answer.LaunchPermissions ?? []).map((p) => p.UserId ?? "");
}

async function volumePermissions(region: string, imageId: string): Promise<string[]> {
  const snapshot = (await image(region, imageId))?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
  const answer = await t
    .clients(region)
    .ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshot, Attribute: "createVolumePermission" }));
  return (answer.CreateVolumePermissions ?? []).map((p) => p.UserId ?? "");
}

describe("makeAvailable", () => {
  it("copies the AMI to the target region, tagged with the release and the run, and finds the copy again", async () => {
    const ctx = context();
    const first = await makeAvailable(ctx, {
      release: release({ [WEST]: AMI.release }),
      region: CENTRAL,
      copyToRegions: [],
    });

    const copy = first.amis[CENTRAL] as string;
    expect(first).toEqual({
      amis: { [WEST]: AMI.release, [CENTRAL]: copy },
      sourceRegion: WEST,
      copied: [CENTRAL],
      sharedWith: [],
    });
    expect(ctx.created).toEqual([{ kind: "image", region: CENTRAL, imageId: copy }]);
    const copied = await image(CENTRAL, copy);
    expect(copied).toMatchObject({ State: "available", Name: "shop-3f9c2b1-20261126-100000-b2b2b2b2b2b2" });
    const tags = Object.fromEntries((copied?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      [TAG.bakeKey]: BAKE_KEY,
      [TAG.release]: COMMIT,
      [TAG.run]: "777-2",
      [TAG.role]: "image",
      team: "shop",
    });

    const again = await makeAvailable(ctx, {
      release: release({ [WEST]: AMI.release }),
      region: CENTRAL,
      copyToRegions: [],
    });
    expect(again).toEqual({ ...first, copied: [] });
    expect(t.sim.world.calls.counts()["ec2:CopyImage"]).toBe(1);
  });

  it("takes the target region's own AMI as the source, and shares it and the copies with the target account", async () => {
    const ctx = context();
    const result = await makeAvailable(ctx, {
      release: release({ [WEST]: AMI.release }),
      region: WEST,
      copyToRegions: ["eu-south-1"],
      targetAccount: TARGET_ACCOUNT,
    });

    expect(result).toMatchObject({ sourceRegion: WEST, copied: ["eu-south-1"], sharedWith: [TARGET_ACCOUNT] });
    for (const [region, ami] of Object.entries(result.amis)) {
      expect(await launchPermissions(region, ami)).toEqual([TARGET_ACCOUNT]);
      expect(await volumePermissions(region, ami)).toEqual([TARGET_ACCOUNT]);
    }
  });

  it("verifies and shares an AMI the release already has in another asked region, without copying it", async () => {
    const ctx = context();
    const result = await makeAvailable(ctx, {
      release: release({ [WEST]: AMI.release, [NORTH]: AMI.north }),
      region: WEST,
      copyToRegions: [NORTH],
      targetAccount: TARGET_ACCOUNT,
    });

    expect(result).toEqual({
      amis: { [WEST]: AMI.release, [NORTH]: AMI.north },
      sourceRegion: WEST,
      copied: [],
      sharedWith: [TARGET_ACCOUNT],
    });
    expect(await launchPermissions(NORTH, AMI.north)).toEqual([TARGET_ACCOUNT]);
    expect(t.sim.world.calls.counts()["ec2:CopyImage"]).toBeUndefined();
  });

  it("refuses an AMI that does not exist or is not available, naming it and its region, before any change", async () => {
    const ctx = context();
    const gone = "ami-0000000000000dead";
    await expect(
      makeAvailable(ctx, { release: release({ [WEST]: gone }), region: CENTRAL, copyToRegions: [] }),
    ).rejects.toMatchObject({ what: `AMI ${gone} does not exist in ${WEST}.`, code: "ImageNotFound" });
    await expect(
      makeAvailable(ctx, { release: release({ [WEST]: AMI.failed }), region: WEST, copyToRegions: [CENTRAL] }),
    ).rejects.toMatchObject({
      what: `AMI ${AMI.failed} in ${WEST} is failed, not available.`,
      code: "ImageNotAvailable",
    });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("refuses to copy an AMI without a bake key, and a release without AMIs", async () => {
    const ctx = context();
    await expect(
      makeAvailable(ctx, {
        release: release({ [WEST]: AMI.manual }, { bakeKey: undefined }),
        region: CENTRAL,
        copyToRegions: [],
      }),
    ).rejects.toMatchObject({
      code: "NoBakeKey",
      what: expect.stringContaining(`Cannot copy AMI ${AMI.manual} from ${WEST} to ${CENTRAL}`),
    });
    await expect(makeAvailable(ctx, { release: release({}), region: WEST, copyToRegions: [] })).rejects.toMatchObject({
      code: "NoAmiForRegion",
    });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("uses the source AMI's bake-key tag when the release has none", async () => {
    const ctx = context();
    const result = await makeAvailable(ctx, {
      release: release({ [WEST]: AMI.release }, { bakeKey: undefined }),
      region: WEST,
      copyToRegions: ["eu-west-3"],
    });
    expect(result.copied).toEqual(["eu-west-3"]);
  });
});

describe("compareGroups", () => {
  const side = (group: string, environment: string) => ({ region: WEST, group, environment });

  it("finds stage and production alike but for capacity and instance size, side by side", async () => {
    const report = await compareGroups(t.context(), side("shop-stage", "stage"), side("shop-production", "production"));

    expect(report.compared).toBe(true);
    expect(report.rows.map((r) => [r.aspect, r.source, r.target, r.same, r.expected])).toEqual([
      ["instance family", "t3", "t3", true, false],
      ["instance type", "t3.small", "t3.large", false, true],
      ["architecture", "x86_64", "x86_64", true, false],
      ["AMI lineage", `shop-*-*-*-* (${AMI.release})`, `shop-*-*-*-* (${AMI.older})`, true, false],
      [
        "user-data template",
        expect.stringMatching(/^sha256:[0-9a-f]{12} \(5 lines\)$/),
        expect.any(String),
        true,
        false,
      ],
      ["health check type", "EC2", "EC2", true, false],
      ["availability zones", "2 (eu-west-1a, eu-west-1b)", "2 (eu-west-1a, eu-west-1b)", true, false],
      ["min size", "1", "2", false, true],
      ["max size", "2", "6", false, true],
      ["desired capacity", "1", "3", false, true],
    ]);
    expect(report.differences.map((r) => r.aspect)).toEqual([
      "instance type",
      "min size",
      "max size",
      "desired capacity",
    ]);
    expect(report.unexpected).toEqual([]);
  });

  it("reports planted structural differences as unexpected", async () => {
    const report = await compareGroups(t.context(), side("shop-stage", "stage"), side("shop-odd", "production"));

    expect(report.unexpected.map((r) => r.aspect)).toEqual([
      "instance family",
      "architecture",
      "user-data template",
      "health check type",
      "availability zones",
    ]);
    expect(report.unexpected[0]).toMatchObject({ source: "t3", target: "t4g" });
    expect(report.unexpected[1]).toMatchObject({ source: "x86_64", target: "arm64" });
    // The same name pattern: the lineage holds though the AMIs differ.
    expect(report.rows.find((r) => r.aspect === "AMI lineage")?.same).toBe(true);
  });

  it("refuses a group that does not exist, naming it", async () => {
    await expect(
      compareGroups(t.context(), side("shop-stage", "stage"), side("shop-nope", "production")),
    ).rejects.toMatchObject({
      what: `Auto Scaling group shop-nope does not exist in ${WEST}.`,
      code: "GroupNotFound",
    });
  });
});

describe("parity helpers", () => {
  it("turns AMI names into their pattern: commits, dates and bake keys become *", () => {
    expect(namePattern("shop-3f9c2b1-20261126-100000-0123456789ab")).toBe("shop-*-*-*-*");
    expect(namePattern("al2023-ami-kernel-6.1-x86_64")).toBe("al2023-ami-kernel-6.1-x86_64");
    expect(namePattern("shop-old")).toBe("shop-old");
  });

  it("normalises names and KEY=VALUE values in user data, and keeps everything else", () => {
    const stage = normaliseUserData("ENVIRONMENT=stage\nexport URL=x\nrun --group shop-stage --env Stage\n", [
      "shop-stage",
      "stage",
    ]);
    expect(stage).toBe("ENVIRONMENT={{ENVIRONMENT}}\nexport URL={{URL}}\nrun --group {{ENV}} --env {{ENV}}\n");
    const rendered = normaliseUserData("run --url https://stage.shop.example/api --replicas 2\n", [], {
      URL: "https://stage.shop.example",
      REPLICAS: "2",
    });
    expect(rendered).toBe("run --url {{URL}}/api --replicas 2\n");
    const backstage = normaliseUserData("run backstage --fast\n", ["stage"]);
    expect(backstage).toBe("run backstage --fast\n");
  });
});
