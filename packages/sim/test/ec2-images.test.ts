import {
  CopyImageCommand,
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  DescribeSnapshotsCommand,
  ModifyImageAttributeCommand,
  type ModifyImageAttributeCommandInput,
  waitUntilImageAvailable,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { scaledClock } from "../src/clock.ts";
import { amazonLinuxImages } from "../src/services/ec2/defaults.ts";
import { World } from "../src/world.ts";
import { BASE_IMAGE, run, running } from "./ec2-fixture.ts";
import { REGION, type TestSim, useTestSim } from "./support.ts";

const t = useTestSim();
const AMAZON = "137112412989";

async function images(input: DescribeImagesCommandInput, fixture = t) {
  return (await fixture.ec2.send(new DescribeImagesCommand(input))).Images ?? [];
}

async function image(id: string, fixture = t) {
  return (await images({ ImageIds: [id] }, fixture))[0];
}

/** Bakes an image from a fresh running instance and waits until it is available. */
async function baked(fixture: TestSim, name: string, extra: { tags?: Record<string, string> } = {}) {
  const InstanceId = await running(fixture);
  const Tags = Object.entries(extra.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const { ImageId } = await fixture.ec2.send(
    new CreateImageCommand({
      InstanceId,
      Name: name,
      ...(Tags.length > 0 && { TagSpecifications: [{ ResourceType: "image", Tags }] }),
    }),
  );
  fixture.world.clock.advance(fixture.world.timings.createImageMs);
  return ImageId as string;
}

describe("Amazon's base images in every region", () => {
  it("lists the current Amazon Linux 2023 images, hiding the deprecated release unless asked or named", async () => {
    const al2023 = { Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-2023.*-kernel-6.1-x86_64"] }] };
    const current = await images(al2023);
    expect(current.map((i) => i.Name)).toEqual(["al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64"]);
    expect(current[0]).toMatchObject({
      ImageId: amazonLinuxImages(REGION).x86_64,
      OwnerId: AMAZON,
      ImageOwnerAlias: "amazon",
      Public: true,
      State: "available",
      Architecture: "x86_64",
      RootDeviceName: "/dev/xvda",
      DeprecationTime: "2028-10-31T19:24:18.000Z",
    });
    expect(current[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);

    const all = await images({ ...al2023, IncludeDeprecated: true });
    expect(all.map((i) => i.Name)).toEqual([
      "al2023-ami-2023.5.20240805.0-kernel-6.1-x86_64",
      "al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64",
    ]);
    const deprecated = all[0]?.ImageId as string;
    expect((await image(deprecated))?.DeprecationTime).toBe("2026-08-05T22:11:51.000Z");

    const arm = await images({ Owners: ["amazon"], Filters: [{ Name: "architecture", Values: ["arm64"] }] });
    expect(arm.map((i) => i.ImageId)).toEqual([amazonLinuxImages(REGION).arm64]);
  });

  it("have the same ids for a region whatever the world and the order regions are used in", () => {
    const a = new World({ seed: 1 });
    const b = new World({ seed: 99 });
    b.region("us-east-1");
    expect([...b.region(REGION).ec2.images.keys()]).toEqual([...a.region(REGION).ec2.images.keys()]);
    expect(amazonLinuxImages("us-east-1").x86_64).not.toBe(amazonLinuxImages(REGION).x86_64);
    expect(a.region(REGION).ec2.images.get(amazonLinuxImages(REGION).arm64)?.architecture).toBe("arm64");
  });
});

describe("CreateImage", () => {
  it("makes a pending image, NotFound by id for a moment, available after createImageMs, with its snapshot", async () => {
    const InstanceId = await running(t);
    const { ImageId } = await t.ec2.send(
      new CreateImageCommand({
        InstanceId,
        Name: "shop-2026-11-26",
        Description: "shop at 3f9c",
        NoReboot: true,
        TagSpecifications: [
          { ResourceType: "image", Tags: [{ Key: "deploy:release", Value: "3f9c" }] },
          { ResourceType: "snapshot", Tags: [{ Key: "deploy:role", Value: "image" }] },
        ],
      }),
    );
    expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    const id = ImageId as string;

    await expect(image(id)).rejects.toMatchObject({ name: "InvalidAMIID.NotFound" });
    t.world.clock.advance(t.world.timings.consistencyMs);
    const pending = await image(id);
    expect(pending).toMatchObject({
      State: "pending",
      Name: "shop-2026-11-26",
      Description: "shop at 3f9c",
      OwnerId: t.world.accountId,
      Public: false,
      SourceInstanceId: InstanceId,
      Tags: [{ Key: "deploy:release", Value: "3f9c" }],
    });
    const snapshotId = pending?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    const snapshot = async () =>
      (await t.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))).Snapshots?.[0];
    expect(await snapshot()).toMatchObject({ State: "pending", Tags: [{ Key: "deploy:role", Value: "image" }] });

    t.world.clock.advance(t.world.timings.createImageMs);
    expect((await image(id))?.State).toBe("available");
    expect(await snapshot()).toMatchObject({ State: "completed", Progress: "100%" });
  });

  it("ends `failed` with a state reason when the failImageCreations fault is set", async () => {
    t.world.faults.failImageCreations = 1;
    const failed = await baked(t, "bad-bake");
    expect(await image(failed)).toMatchObject({ State: "failed", StateReason: { Code: "Server.InternalError" } });
    expect((await image(await baked(t, "good-bake")))?.State).toBe("available");
  });

  it("refuses a duplicate name, a bad name, an instance that is not running or stopped, and unknown instances", async () => {
    await baked(t, "taken");
    const InstanceId = await running(t);
    const create = (input: { InstanceId?: string; Name?: string }) =>
      t.ec2.send(new CreateImageCommand({ InstanceId, Name: "fine-name", ...input }));
    await expect(create({ Name: "taken" })).rejects.toMatchObject({ name: "InvalidAMIName.Duplicate" });
    await expect(create({ Name: "no" })).rejects.toMatchObject({ name: "InvalidAMIName.Malformed" });
    await expect(create({ InstanceId: "i-0123456789abcdef0" })).rejects.toMatchObject({
      name: "InvalidInstanceID.NotFound",
    });
    const [pending] = await run(t);
    t.world.clock.advance(t.world.timings.consistencyMs);
    await expect(create({ InstanceId: pending?.InstanceId as string })).rejects.toMatchObject({
      name: "IncorrectInstanceState",
    });
    const { Snapshots } = await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect(Snapshots).toHaveLength(1);
  });
});

describe("DescribeImages", () => {
  it("scopes by owner, executable-by and filters on tags, state, name wildcards and visibility", async () => {
    const web = await baked(t, "web-2026-11-26", { tags: { app: "web", "deploy:release": "a1" } });
    const api = await baked(t, "api-2026-11-26", { tags: { app: "api" } });
    const ids = async (input: DescribeImagesCommandInput) => (await images(input)).map((i) => i.ImageId);

    expect(await ids({ Owners: ["self"] })).toEqual([web, api]);
    expect(await ids({ Owners: [t.world.accountId], Filters: [{ Name: "tag:app", Values: ["web"] }] })).toEqual([web]);
    expect(await ids({ Owners: ["self"], Filters: [{ Name: "tag-key", Values: ["deploy:*"] }] })).toEqual([web]);
    expect(await ids({ Owners: ["self"], Filters: [{ Name: "name", Values: ["?pi-*"] }] })).toEqual([api]);
    expect(await ids({ Owners: ["self"], Filters: [{ Name: "state", Values: ["pending"] }] })).toEqual([]);
    expect(await ids({ Owners: ["self"], Filters: [{ Name: "is-public", Values: ["true"] }] })).toEqual([]);
    expect(await ids({ ExecutableUsers: ["all"] })).toEqual(Object.values(amazonLinuxImages(REGION)));
    await t.ec2.send(new ModifyImageAttributeCommand({ ImageId: api, LaunchPermission: { Add: [{ Group: "all" }] } }));
    expect(await ids({ Owners: ["self"], Filters: [{ Name: "is-public", Values: ["true"] }] })).toEqual([api]);
  });

  it("pages with MaxResults and NextToken", async () => {
    const first = await t.ec2.send(
      new DescribeImagesCommand({ Owners: ["amazon"], IncludeDeprecated: true, MaxResults: 3 }),
    );
    expect(first.Images).toHaveLength(3);
    const second = await t.ec2.send(
      new DescribeImagesCommand({
        Owners: ["amazon"],
        IncludeDeprecated: true,
        MaxResults: 3,
        NextToken: first.NextToken,
      }),
    );
    expect(second.Images).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    await expect(t.ec2.send(new DescribeImagesCommand({ MaxResults: 0 }))).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
  });

  it("answers InvalidAMIID.NotFound, .Malformed and InvalidUserID.Malformed", async () => {
    await expect(image("ami-0123456789abcdef0")).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
      message: "The image id '[ami-0123456789abcdef0]' does not exist",
    });
    await expect(image("ami-xyz")).rejects.toMatchObject({ name: "InvalidAMIID.Malformed" });
    await expect(images({ Owners: ["someone"] })).rejects.toMatchObject({ name: "InvalidUserID.Malformed" });
    await expect(images({ Filters: [{ Name: "flavour", Values: ["x"] }] })).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
  });
});

describe("CopyImage", () => {
  it("copies into the request's region: pending, then available after copyImageMs, with new snapshots and tags", async () => {
    const source = await baked(t, "shop-2026-11-26", { tags: { app: "shop", "deploy:release": "3f9c" } });
    const sourceSnapshot = (await image(source))?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    const us = t.ec2In("us-east-1");
    const { ImageId } = await us.send(
      new CopyImageCommand({
        SourceRegion: REGION,
        SourceImageId: source,
        Name: "shop-2026-11-26",
        Encrypted: true,
        KmsKeyId: "alias/deploy",
        CopyImageTags: true,
        TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "deploy:role", Value: "copy" }] }],
      }),
    );
    const copy = ImageId as string;
    const inUs = async () => (await us.send(new DescribeImagesCommand({ ImageIds: [copy] }))).Images?.[0];

    await expect(inUs()).rejects.toMatchObject({ name: "InvalidAMIID.NotFound" });
    await expect(image(copy)).rejects.toMatchObject({ name: "InvalidAMIID.NotFound" });
    t.world.clock.advance(t.world.timings.consistencyMs);
    expect(await inUs()).toMatchObject({
      State: "pending",
      SourceImageId: source,
      SourceImageRegion: REGION,
      Tags: [
        { Key: "app", Value: "shop" },
        { Key: "deploy:release", Value: "3f9c" },
        { Key: "deploy:role", Value: "copy" },
      ],
    });
    t.world.clock.advance(t.world.timings.copyImageMs);
    const done = await inUs();
    expect(done?.State).toBe("available");
    const copiedSnapshot = done?.BlockDeviceMappings?.[0]?.Ebs;
    expect(copiedSnapshot).toMatchObject({ Encrypted: true, KmsKeyId: "alias/deploy" });
    expect(copiedSnapshot?.SnapshotId).not.toBe(sourceSnapshot);
    const { Snapshots } = await us.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect(Snapshots?.map((s) => s.SnapshotId)).toEqual([copiedSnapshot?.SnapshotId]);
  });

  it("refuses a pending or unknown source, and a key without encryption", async () => {
    const InstanceId = await running(t);
    const { ImageId } = await t.ec2.send(new CreateImageCommand({ InstanceId, Name: "not-yet" }));
    t.world.clock.advance(t.world.timings.consistencyMs);
    const copy = (input: { SourceImageId?: string; KmsKeyId?: string; SourceRegion?: string }) =>
      t
        .ec2In("us-east-1")
        .send(new CopyImageCommand({ SourceRegion: REGION, SourceImageId: BASE_IMAGE, Name: "c-1", ...input }));
    await expect(copy({ SourceImageId: ImageId })).rejects.toMatchObject({ name: "InvalidAMIID.Unavailable" });
    await expect(copy({ SourceImageId: "ami-0123456789abcdef0" })).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
    });
    await expect(copy({ KmsKeyId: "alias/x" })).rejects.toMatchObject({ name: "InvalidParameterCombination" });
    await expect(copy({ SourceRegion: "moon" })).rejects.toMatchObject({ name: "InvalidRegion" });
  });
});

describe("launch permissions", () => {
  it("are added and removed in both request forms and answered by DescribeImageAttribute", async () => {
    const id = await baked(t, "shared");
    const permissions = async () =>
      (await t.ec2.send(new DescribeImageAttributeCommand({ ImageId: id, Attribute: "launchPermission" })))
        .LaunchPermissions;

    await t.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: id,
        LaunchPermission: { Add: [{ UserId: "111122223333" }, { UserId: "444455556666" }] },
      }),
    );
    await t.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: id,
        Attribute: "launchPermission",
        OperationType: "remove",
        UserIds: ["444455556666"],
      }),
    );
    expect(await permissions()).toEqual([{ UserId: "111122223333" }]);
    expect((await images({ ExecutableUsers: ["111122223333"] })).map((i) => i.ImageId)).toEqual([id]);

    await t.ec2.send(new ModifyImageAttributeCommand({ ImageId: id, Description: { Value: "shared with prod" } }));
    const { Description } = await t.ec2.send(
      new DescribeImageAttributeCommand({ ImageId: id, Attribute: "description" }),
    );
    expect(Description?.Value).toBe("shared with prod");
  });

  it("refuse a malformed account, images of others, and a request that changes nothing", async () => {
    const id = await baked(t, "mine");
    const modify = (input: Partial<ModifyImageAttributeCommandInput>) =>
      t.ec2.send(new ModifyImageAttributeCommand({ ImageId: id, ...input }));
    await expect(modify({ LaunchPermission: { Add: [{ UserId: "12" }] } })).rejects.toMatchObject({
      name: "InvalidAMIAttributeItemValue",
    });
    await expect(modify({ ImageId: BASE_IMAGE, LaunchPermission: { Add: [{ Group: "all" }] } })).rejects.toMatchObject({
      name: "AuthFailure",
    });
    await expect(modify({})).rejects.toMatchObject({ name: "InvalidParameterCombination" });
  });
});

describe("DeregisterImage", () => {
  it("takes the image out of every listing and launch, keeps its snapshots, and frees its name", async () => {
    const id = await baked(t, "old-release");
    const snapshotId = (await image(id))?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    await t.ec2.send(new DeregisterImageCommand({ ImageId: id }));

    expect(await images({ ImageIds: [id] })).toEqual([]);
    expect(await images({ Owners: ["self"] })).toEqual([]);
    await expect(run(t, { ImageId: id })).rejects.toMatchObject({ name: "InvalidAMIID.NotFound" });
    const { Snapshots } = await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect(Snapshots?.map((s) => s.SnapshotId)).toEqual([snapshotId]);
    await expect(t.ec2.send(new DeregisterImageCommand({ ImageId: id }))).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
    });
    await baked(t, "old-release");
  });

  it("deletes the snapshots too when asked", async () => {
    const id = await baked(t, "gone");
    const out = await t.ec2.send(new DeregisterImageCommand({ ImageId: id, DeleteAssociatedSnapshots: true }));
    expect(out.DeleteSnapshotResults).toEqual([{ SnapshotId: expect.stringMatching(/^snap-/), ReturnCode: "success" }]);
    expect((await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))).Snapshots).toEqual([]);
  });
});

describe("waitUntilImageAvailable", () => {
  const scaled = useTestSim(() => ({ clock: scaledClock(5000) }));

  it("waits out NotFound and pending on a fast clock, and stops at `failed`", async () => {
    const InstanceId = await running(scaled);
    const wait = (ImageIds: string[]) =>
      waitUntilImageAvailable({ client: scaled.ec2, minDelay: 0.005, maxDelay: 0.02, maxWaitTime: 10 }, { ImageIds });
    const { ImageId } = await scaled.ec2.send(new CreateImageCommand({ InstanceId, Name: "waited-for" }));
    expect((await wait([ImageId as string])).state).toBe("SUCCESS");

    scaled.world.faults.failImageCreations = 1;
    const failed = await scaled.ec2.send(new CreateImageCommand({ InstanceId, Name: "doomed" }));
    await expect(wait([failed.ImageId as string])).rejects.toThrow(/FAILURE/);
  });
});
