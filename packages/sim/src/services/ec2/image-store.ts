import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { notFound, wellFormed } from "./ids.ts";
import type { Image, Snapshot, Tag } from "./state.ts";

export interface NewImage {
  id?: string;
  name: string;
  description?: string;
  state: Image["state"];
  ownerId: string;
  creationDate: number;
  architecture?: Image["architecture"];
  snapshotIds: string[];
  tags?: Tag[];
  isPublic?: boolean;
  deprecationTime?: number;
  sourceInstanceId?: string;
  sourceImageId?: string;
  sourceRegion?: string;
  unhealthy?: boolean;
  encrypted?: boolean;
  kmsKeyId?: string;
}

/** Names: 3-128 letters, digits and `()[] ./-'@_`; unique per owner and region. */
const IMAGE_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;

export function registerImage(world: World, region: RegionState, spec: NewImage): Image {
  if (!IMAGE_NAME.test(spec.name)) {
    throw new AwsError(
      "InvalidAMIName.Malformed",
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', ''', '@', '_': ${spec.name}`,
    );
  }
  for (const other of region.ec2.images.values()) {
    if (other.ownerId === spec.ownerId && other.name === spec.name && other.state !== "deregistered") {
      throw new AwsError("InvalidAMIName.Duplicate", `AMI name ${spec.name} is already in use by AMI ${other.id}`);
    }
  }
  const { id, architecture, tags, isPublic, unhealthy, encrypted, ...rest } = spec;
  const image: Image = {
    ...rest,
    id: id ?? world.newId("ami"),
    architecture: architecture ?? "x86_64",
    rootDeviceName: "/dev/xvda",
    tags: [...(tags ?? [])],
    launchPermissions: [],
    isPublic: isPublic ?? false,
    unhealthy: unhealthy ?? false,
    encrypted: encrypted ?? false,
  };
  region.ec2.images.set(image.id, image);
  return image;
}

/**
 * Ends an image's creation or copy at `at`: `available` with its snapshots `completed`, or
 * `failed` (the fault `failImageCreations`). A deregistered image stays deregistered.
 */
export function finishImage(world: World, image: Image, snapshots: Snapshot[], at: number, fail: boolean): void {
  world.scheduler.at(at, `${fail ? "fail" : "complete"} image ${image.id}`, () => {
    for (const snapshot of snapshots) if (snapshot.state === "pending") snapshot.state = fail ? "error" : "completed";
    if (image.state !== "pending") return;
    image.state = fail ? "failed" : "available";
    if (fail) image.stateReason = "Server.InternalError: Internal error on snapshot creation";
  });
}

/** The images the caller may launch and describe: its own, public ones, and ones shared with it. */
export function canUseImage(world: World, image: Image): boolean {
  return image.ownerId === world.accountId || image.isPublic || image.launchPermissions.includes(world.accountId);
}

/**
 * An image by id as the caller sees it: well-formed, usable, not deregistered, and old
 * enough to be found (a just-created image answers NotFound for a moment).
 */
export function findImage(world: World, region: RegionState, id: string, now: number): Image {
  const image = region.ec2.images.get(wellFormed("image", id));
  if (!image || image.state === "deregistered" || !canUseImage(world, image) || !world.visible(id, now)) {
    throw notFound("image", id);
  }
  return image;
}

/** Only an image's owner may change, share or deregister it. */
export function ownedImage(world: World, image: Image): Image {
  if (image.ownerId !== world.accountId) throw new AwsError("AuthFailure", `Not authorized for image:${image.id}`);
  return image;
}

export function isDeprecated(image: Image, now: number): boolean {
  return image.deprecationTime !== undefined && image.deprecationTime <= now;
}
