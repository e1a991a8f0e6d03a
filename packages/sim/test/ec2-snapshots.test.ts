import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandInput,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { running } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

/** Bakes `count` images from one instance; returns their snapshots' ids, oldest first. */
async function bake(count: number): Promise<{ instanceId: string; imageIds: string[]; snapshotIds: string[] }> {
  const InstanceId = await running(t);
  const imageIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { ImageId } = await t.ec2.send(
      new CreateImageCommand({
        InstanceId,
        Name: `image-${i}`,
        TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "n", Value: String(i) }] }],
      }),
    );
    imageIds.push(ImageId as string);
  }
  t.world.clock.advance(t.world.timings.createImageMs);
  const { Images } = await t.ec2.send(new DescribeImagesCommand({ ImageIds: imageIds }));
  const snapshotIds = (Images ?? []).map((i) => i.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string);
  return { instanceId: InstanceId, imageIds, snapshotIds };
}

async function snapshots(input: DescribeSnapshotsCommandInput) {
  return (await t.ec2.send(new DescribeSnapshotsCommand(input))).Snapshots ?? [];
}

describe("DescribeSnapshots", () => {
  it("lists the caller's snapshots, not Amazon's private ones, with the documented fields", async () => {
    const { instanceId, snapshotIds, imageIds } = await bake(1);
    expect((await snapshots({})).map((s) => s.SnapshotId)).toEqual(snapshotIds);
    expect(await snapshots({ OwnerIds: ["amazon"] })).toEqual([]);
    expect((await snapshots({ SnapshotIds: snapshotIds }))[0]).toMatchObject({
      SnapshotId: snapshotIds[0],
      OwnerId: t.world.accountId,
      State: "completed",
      VolumeSize: 8,
      Encrypted: false,
      Description: `Created by CreateImage(${instanceId}) for ${imageIds[0]}`,
      StartTime: expect.any(Date),
      Tags: [{ Key: "n", Value: "0" }],
    });
  });

  it("filters by tag and status, and pages with MaxResults (5 to 1000), never with ids", async () => {
    const { snapshotIds } = await bake(7);
    expect((await snapshots({ Filters: [{ Name: "tag:n", Values: ["3", "5"] }] })).map((s) => s.SnapshotId)).toEqual([
      snapshotIds[3],
      snapshotIds[5],
    ]);
    expect(await snapshots({ Filters: [{ Name: "status", Values: ["pending"] }] })).toEqual([]);

    const first = await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], MaxResults: 5 }));
    const second = await t.ec2.send(
      new DescribeSnapshotsCommand({ OwnerIds: ["self"], MaxResults: 5, NextToken: first.NextToken }),
    );
    expect([...(first.Snapshots ?? []), ...(second.Snapshots ?? [])].map((s) => s.SnapshotId)).toEqual(snapshotIds);
    expect(second.NextToken).toBeUndefined();
    await expect(snapshots({ MaxResults: 5, SnapshotIds: [snapshotIds[0] as string] })).rejects.toMatchObject({
      name: "InvalidParameterCombination",
    });
  });

  it("answers InvalidSnapshot.NotFound and InvalidSnapshotID.Malformed", async () => {
    await expect(snapshots({ SnapshotIds: ["snap-0123456789abcdef0"] })).rejects.toMatchObject({
      name: "InvalidSnapshot.NotFound",
    });
    await expect(snapshots({ SnapshotIds: ["snap-1"] })).rejects.toMatchObject({ name: "InvalidSnapshotID.Malformed" });
  });
});

describe("DeleteSnapshot", () => {
  it("refuses while a registered image uses the snapshot, and deletes it once the image is deregistered", async () => {
    const {
      imageIds: [ImageId],
      snapshotIds: [SnapshotId],
    } = await bake(1);
    await expect(t.ec2.send(new DeleteSnapshotCommand({ SnapshotId }))).rejects.toMatchObject({
      name: "InvalidSnapshot.InUse",
    });
    await t.ec2.send(new DeregisterImageCommand({ ImageId }));
    await t.ec2.send(new DeleteSnapshotCommand({ SnapshotId }));
    await expect(snapshots({ SnapshotIds: [SnapshotId as string] })).rejects.toMatchObject({
      name: "InvalidSnapshot.NotFound",
    });
  });
});

describe("create-volume permissions", () => {
  it("are shared and unshared in both request forms and answered by DescribeSnapshotAttribute", async () => {
    const {
      snapshotIds: [SnapshotId],
    } = await bake(1);
    const permissions = async () =>
      (await t.ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: "createVolumePermission" })))
        .CreateVolumePermissions;

    await t.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId,
        CreateVolumePermission: { Add: [{ UserId: "111122223333" }, { UserId: "444455556666" }] },
      }),
    );
    await t.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId,
        Attribute: "createVolumePermission",
        OperationType: "remove",
        UserIds: ["111122223333"],
      }),
    );
    expect(await permissions()).toEqual([{ UserId: "444455556666" }]);
    expect((await snapshots({ RestorableByUserIds: ["444455556666"] })).map((s) => s.SnapshotId)).toEqual([SnapshotId]);
    expect(await snapshots({ RestorableByUserIds: ["111122223333"] })).toEqual([]);

    await expect(
      t.ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId,
          CreateVolumePermission: { Add: [{ Group: "everyone" as "all" }] },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterValue" });
    expect(t.world.region(REGION).ec2.snapshots.get(SnapshotId as string)?.createVolumePermissions).toEqual([
      "444455556666",
    ]);
  });
});
