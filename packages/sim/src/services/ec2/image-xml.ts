import type { RegionState } from "../../world.ts";
import { AMAZON_ALIAS, AMAZON_OWNER_ID } from "./owners.ts";
import type { Image, Snapshot } from "./state.ts";
import { tagSet } from "./tags.ts";

/** An image as DescribeImages answers it (`imagesSet/item`). */
export function imageXml(region: RegionState, image: Image): Record<string, unknown> {
  const amazon = image.ownerId === AMAZON_OWNER_ID;
  return {
    imageId: image.id,
    imageLocation: `${amazon ? AMAZON_ALIAS : image.ownerId}/${image.name}`,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    imageOwnerAlias: amazon ? AMAZON_ALIAS : undefined,
    creationDate: new Date(image.creationDate),
    isPublic: image.isPublic,
    architecture: image.architecture,
    imageType: "machine",
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    name: image.name,
    description: image.description,
    rootDeviceType: "ebs",
    rootDeviceName: image.rootDeviceName,
    blockDeviceMapping: image.snapshotIds.map((snapshotId, i) => ({
      deviceName: i === 0 ? image.rootDeviceName : `/dev/sd${String.fromCharCode(98 + i)}`,
      ebs: {
        snapshotId,
        volumeSize: region.ec2.snapshots.get(snapshotId)?.volumeSize ?? 8,
        volumeType: "gp3",
        deleteOnTermination: true,
        encrypted: image.encrypted,
        kmsKeyId: image.kmsKeyId,
      },
    })),
    virtualizationType: "hvm",
    hypervisor: "xen",
    enaSupport: true,
    sriovNetSupport: "simple",
    bootMode: "uefi-preferred",
    imdsSupport: "v2.0",
    tagSet: tagSet(image.tags),
    stateReason: image.stateReason ? stateReason(image.stateReason) : undefined,
    deprecationTime: image.deprecationTime === undefined ? undefined : new Date(image.deprecationTime),
    sourceInstanceId: image.sourceInstanceId,
    sourceImageId: image.sourceImageId,
    sourceImageRegion: image.sourceRegion,
  };
}

/** A snapshot as DescribeSnapshots answers it (`snapshotSet/item`). */
export function snapshotXml(snapshot: Snapshot): Record<string, unknown> {
  return {
    snapshotId: snapshot.id,
    // Snapshots made for images have no volume of their own; AWS shows this placeholder.
    volumeId: "vol-ffffffff",
    status: snapshot.state,
    startTime: new Date(snapshot.startTime),
    progress: snapshot.state === "completed" ? "100%" : "0%",
    ownerId: snapshot.ownerId,
    ownerAlias: snapshot.ownerId === AMAZON_OWNER_ID ? AMAZON_ALIAS : undefined,
    volumeSize: snapshot.volumeSize,
    description: snapshot.description,
    encrypted: snapshot.encrypted,
    kmsKeyId: snapshot.kmsKeyId,
    storageTier: "standard",
    tagSet: tagSet(snapshot.tags),
  };
}

/** `Code: message` as EC2 stores state reasons, split into `{code, message}`. */
export function stateReason(reason: string): { code: string; message: string } {
  const colon = reason.indexOf(":");
  return { code: colon > 0 ? reason.slice(0, colon) : reason, message: reason };
}
