import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState } from "../../world.ts";
import { withClientToken } from "../idempotency.ts";
import type { RequestContext } from "../types.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { wellFormed } from "./ids.ts";
import { canUseImage, findImage, finishImage, isDeprecated, ownedImage, registerImage } from "./image-store.ts";
import { imageXml } from "./image-xml.ts";
import { findInstance } from "./instances.ts";
import { AMAZON_ALIAS, AMAZON_OWNER_ID, ownerIds } from "./owners.ts";
import { pager } from "./paging.ts";
import { applyPermissionChanges, permissionsXml, readPermissionChanges } from "./permissions.ts";
import { createSnapshot, imageUsingSnapshot, PUBLIC } from "./snapshot-store.ts";
import type { Image } from "./state.ts";
import { mergeTags, tagSpecifications } from "./tags.ts";

/** The resource types CreateImage and CopyImage tag: the new image and its new snapshots. */
const IMAGE_TAG_TYPES = ["image", "snapshot"];
const MAX_IMAGE_DESCRIPTION = 255;
const REGION_NAME = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;

function createImage(params: QueryParams, { world, region, now }: RequestContext): Record<string, unknown> {
  const instance = findInstance(world, region, wellFormed("instance", params.requiredStr("InstanceId")), now);
  const name = params.requiredStr("Name");
  const tags = tagSpecifications(params, IMAGE_TAG_TYPES);
  // CreateImage's Description is 0..255 characters (botocore's model, ImageDescriptionRequest;
  // the CreateImage API reference). Out of bounds is InvalidParameterValue (the EC2 API
  // reference's common client errors); the wording is not documented. The name's rules are registerImage's.
  const description = params.str("Description");
  if (description !== undefined && description.length > MAX_IMAGE_DESCRIPTION) {
    throw new AwsError(
      "InvalidParameterValue",
      `Value for parameter Description is invalid: it is ${description.length} characters long, and may be at most ${MAX_IMAGE_DESCRIPTION}.`,
    );
  }
  if (instance.state !== "running" && instance.state !== "stopped") {
    throw new AwsError(
      "IncorrectInstanceState",
      `The instance '${instance.id}' is not in a state from which it can be imaged.`,
    );
  }
  // The image is registered first: a name it refuses must leave no snapshot behind.
  const image = registerImage(world, region, {
    name,
    description,
    state: "pending",
    ownerId: world.accountId,
    creationDate: now,
    architecture: region.ec2.images.get(instance.imageId)?.architecture,
    snapshotIds: [world.newId("snap")],
    tags: tags.get("image") ?? [],
    sourceInstanceId: instance.id,
  });
  const snapshot = createSnapshot(
    world,
    region,
    {
      id: image.snapshotIds[0],
      ownerId: world.accountId,
      state: "pending",
      description: `Created by CreateImage(${instance.id}) for ${image.id}`,
      tags: tags.get("snapshot") ?? [],
    },
    now,
  );
  world.created(image.id, now);
  finishImage(world, image, [snapshot], now + world.timings.createImageMs, world.faults.takeImageCreationFailure());
  return { imageId: image.id };
}

/**
 * The longest CopyImage ClientToken. Its API reference gives no limit of its own, the
 * idempotency page (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html)
 * says 64 ASCII characters for every client token; the SDKs' model allows 128. The stricter
 * documented limit wins.
 */
const COPY_IMAGE_TOKEN_LENGTH = 64;

/**
 * CopyImage under its client token: a retry answers the same image id and copies nothing
 * (the page lists CopyImage among the operations idempotent with a client token); the
 * destination is the region signed for, so the store of that region remembers it.
 */
function copyImage(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  return withClientToken(params, ctx, { maxLength: COPY_IMAGE_TOKEN_LENGTH }, () => {
    const result = copy(params, ctx);
    return { result, replay: () => result };
  });
}

/** The destination is the region the request is signed for; the source names its own region. */
function copy(params: QueryParams, { world, region, now }: RequestContext): Record<string, unknown> {
  const sourceRegionName = params.requiredStr("SourceRegion");
  if (!REGION_NAME.test(sourceRegionName)) {
    throw new AwsError("InvalidRegion", `Invalid region: ${sourceRegionName}`);
  }
  const sourceRegion = world.region(sourceRegionName);
  const source = findImage(world, sourceRegion, params.requiredStr("SourceImageId"), now);
  const name = params.requiredStr("Name");
  const tags = tagSpecifications(params, IMAGE_TAG_TYPES);
  if (source.state !== "available") {
    throw new AwsError(
      "InvalidAMIID.Unavailable",
      `Image ${source.id} is not in a state from which it can be copied: ${source.state}`,
    );
  }
  const kmsKeyId = params.str("KmsKeyId");
  const encrypted = (params.bool("Encrypted") ?? false) || source.encrypted;
  if (kmsKeyId !== undefined && !params.bool("Encrypted")) {
    throw new AwsError("InvalidParameterCombination", "KmsKeyId requires Encrypted to be true");
  }
  const copiedTags = params.bool("CopyImageTags") ? source.tags.filter((t) => !t.Key.startsWith("aws:")) : [];
  const image = registerImage(world, region, {
    name,
    description: params.str("Description") ?? source.description,
    state: "pending",
    ownerId: world.accountId,
    creationDate: now,
    architecture: source.architecture,
    snapshotIds: source.snapshotIds.map(() => world.newId("snap")),
    tags: mergeTags(copiedTags, tags.get("image") ?? []),
    sourceImageId: source.id,
    sourceRegion: sourceRegionName,
    unhealthy: source.unhealthy,
    encrypted,
    kmsKeyId,
  });
  const snapshots = source.snapshotIds.map((sourceSnapshotId, i) =>
    createSnapshot(
      world,
      region,
      {
        id: image.snapshotIds[i],
        ownerId: world.accountId,
        state: "pending",
        volumeSize: sourceRegion.ec2.snapshots.get(sourceSnapshotId)?.volumeSize,
        description: `Copied for DestinationAmi ${image.id} from SourceAmi ${source.id} for SourceSnapshot ${sourceSnapshotId}`,
        tags: tags.get("snapshot") ?? [],
        encrypted,
        kmsKeyId,
      },
      now,
    ),
  );
  world.created(image.id, now);
  finishImage(world, image, snapshots, now + world.timings.copyImageMs, world.faults.takeImageCreationFailure());
  return { imageId: image.id };
}

/**
 * Images available to the caller. Deprecated images are left out of listings unless asked
 * for (IncludeDeprecated), named by id, or owned by the caller; recently deregistered ones
 * named by id answer an empty result rather than an error.
 */
function describeImages(params: QueryParams, { world, region, now }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 1, max: 1000 });
  const ids = params.strings("ImageId");
  const owners = ownerIds(world, params.strings("Owner"));
  const executableBy = params.strings("ExecutableBy").map((e) => (e === "self" ? world.accountId : e));
  const includeDeprecated = params.bool("IncludeDeprecated") ?? false;
  let images: Image[];
  if (ids.length > 0) {
    images = ids.flatMap((id) => {
      const image = region.ec2.images.get(wellFormed("image", id));
      if (image?.state === "deregistered" && canUseImage(world, image)) return [];
      return [findImage(world, region, id, now)];
    });
  } else {
    images = [...region.ec2.images.values()].filter(
      (image) =>
        image.state !== "deregistered" &&
        canUseImage(world, image) &&
        (includeDeprecated || image.ownerId === world.accountId || !isDeprecated(image, now)),
    );
  }
  if (owners.length > 0) images = images.filter((image) => owners.includes(image.ownerId));
  if (executableBy.length > 0) {
    images = images.filter((image) =>
      executableBy.some((e) => (e === PUBLIC ? image.isPublic : image.launchPermissions.includes(e))),
    );
  }
  const filtered = applyFilters(images, readFilters(params), {
    name: (i) => i.name,
    state: (i) => i.state,
    "image-id": (i) => i.id,
    "owner-id": (i) => i.ownerId,
    "owner-alias": (i) => (i.ownerId === AMAZON_OWNER_ID ? AMAZON_ALIAS : undefined),
    "is-public": (i) => i.isPublic,
    architecture: (i) => i.architecture,
    description: (i) => i.description,
    "creation-date": (i) => new Date(i.creationDate).toISOString(),
    "image-type": () => "machine",
    "root-device-type": () => "ebs",
    "virtualization-type": () => "hvm",
    "block-device-mapping.snapshot-id": (i) => i.snapshotIds,
  });
  const result = paging(filtered);
  return { imagesSet: result.page.map((image) => imageXml(region, image)), nextToken: result.nextToken };
}

function imageForChange(params: QueryParams, { world, region, now }: RequestContext): Image {
  return ownedImage(world, findImage(world, region, params.requiredStr("ImageId"), now));
}

/** Public images are public through the `all` group; other launch permissions are account ids. */
function launchPermissions(image: Image): string[] {
  return image.isPublic ? [...image.launchPermissions, PUBLIC] : image.launchPermissions;
}

function modifyImageAttribute(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const image = imageForChange(params, ctx);
  const description =
    params.str("Description.Value") ?? (params.str("Attribute") === "description" ? params.str("Value") : undefined);
  const changes = readPermissionChanges(params, {
    struct: "LaunchPermission",
    attribute: "launchPermission",
    groupList: "UserGroup",
    invalidUserCode: "InvalidAMIAttributeItemValue",
  });
  if (!changes && description === undefined) {
    throw new AwsError("InvalidParameterCombination", "No attributes specified.");
  }
  if (changes) {
    const permitted = applyPermissionChanges(launchPermissions(image), changes);
    image.isPublic = permitted.includes(PUBLIC);
    image.launchPermissions = permitted.filter((p) => p !== PUBLIC);
  }
  if (description !== undefined) image.description = description;
  return { return: true };
}

function describeImageAttribute(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const image = imageForChange(params, ctx);
  const attribute = params.requiredStr("Attribute");
  if (attribute === "launchPermission")
    return { imageId: image.id, launchPermission: permissionsXml(launchPermissions(image)) };
  if (attribute === "description") return { imageId: image.id, description: { value: image.description } };
  if (attribute === "blockDeviceMapping") {
    return { imageId: image.id, blockDeviceMapping: imageXml(ctx.region, image).blockDeviceMapping };
  }
  throw new AwsError(
    "InvalidParameterValue",
    `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`,
  );
}

/** The image leaves every listing; its snapshots stay unless asked to go with it. */
function deregisterImage(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const image = imageForChange(params, ctx);
  image.state = "deregistered";
  if (!params.bool("DeleteAssociatedSnapshots")) return { return: true };
  return { return: true, deleteSnapshotResultSet: deleteSnapshotsOf(ctx.region, image) };
}

function deleteSnapshotsOf(region: RegionState, image: Image): { snapshotId: string; returnCode: string }[] {
  return image.snapshotIds.map((snapshotId) => {
    const inUse = imageUsingSnapshot(region, snapshotId) !== undefined;
    if (!inUse) region.ec2.snapshots.delete(snapshotId);
    return { snapshotId, returnCode: inUse ? "skipped" : "success" };
  });
}

export const imageOperations = {
  CreateImage: createImage,
  CopyImage: copyImage,
  DescribeImages: describeImages,
  ModifyImageAttribute: modifyImageAttribute,
  DescribeImageAttribute: describeImageAttribute,
  DeregisterImage: deregisterImage,
};
