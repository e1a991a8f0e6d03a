import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState, World } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { notFound, wellFormed } from "./ids.ts";
import { snapshotXml } from "./image-xml.ts";
import { AMAZON_ALIAS, AMAZON_OWNER_ID, ownerIds } from "./owners.ts";
import { pager } from "./paging.ts";
import { applyPermissionChanges, permissionsXml, readPermissionChanges } from "./permissions.ts";
import { canUseSnapshot, imageUsingSnapshot } from "./snapshot-store.ts";
import type { Snapshot } from "./state.ts";

export function findSnapshot(world: World, region: RegionState, id: string): Snapshot {
  const snapshot = region.ec2.snapshots.get(wellFormed("snapshot", id));
  if (!snapshot || !canUseSnapshot(world, snapshot)) throw notFound("snapshot", id);
  return snapshot;
}

function ownedSnapshot(world: World, snapshot: Snapshot): Snapshot {
  if (snapshot.ownerId !== world.accountId) {
    throw new AwsError("AuthFailure", `Not authorized for snapshot:${snapshot.id}`);
  }
  return snapshot;
}

function describeSnapshots(params: QueryParams, { world, region }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 5, max: 1000, exclusiveWith: "SnapshotId" });
  const ids = params.strings("SnapshotId");
  const owners = ownerIds(world, params.strings("Owner"));
  const restorableBy = params.strings("RestorableBy").map((r) => (r === "self" ? world.accountId : r));
  let snapshots =
    ids.length > 0
      ? ids.map((id) => findSnapshot(world, region, id))
      : [...region.ec2.snapshots.values()].filter((s) => canUseSnapshot(world, s));
  if (owners.length > 0) snapshots = snapshots.filter((s) => owners.includes(s.ownerId));
  if (restorableBy.length > 0) {
    snapshots = snapshots.filter((s) =>
      restorableBy.some((r) => s.ownerId === r || s.createVolumePermissions.includes(r)),
    );
  }
  const filtered = applyFilters(snapshots, readFilters(params), {
    "snapshot-id": (s) => s.id,
    status: (s) => s.state,
    "owner-id": (s) => s.ownerId,
    "owner-alias": (s) => (s.ownerId === AMAZON_OWNER_ID ? AMAZON_ALIAS : undefined),
    description: (s) => s.description,
    "volume-size": (s) => s.volumeSize,
    encrypted: (s) => s.encrypted,
    "start-time": (s) => new Date(s.startTime).toISOString(),
  });
  const result = paging(filtered);
  return { snapshotSet: result.page.map(snapshotXml), nextToken: result.nextToken };
}

function deleteSnapshot(params: QueryParams, { world, region }: RequestContext): Record<string, unknown> {
  const snapshot = ownedSnapshot(world, findSnapshot(world, region, params.requiredStr("SnapshotId")));
  const image = imageUsingSnapshot(region, snapshot.id);
  if (image)
    throw new AwsError("InvalidSnapshot.InUse", `The snapshot ${snapshot.id} is currently in use by ${image.id}`);
  region.ec2.snapshots.delete(snapshot.id);
  return { return: true };
}

function modifySnapshotAttribute(params: QueryParams, { world, region }: RequestContext): Record<string, unknown> {
  const snapshot = ownedSnapshot(world, findSnapshot(world, region, params.requiredStr("SnapshotId")));
  const changes = readPermissionChanges(params, {
    struct: "CreateVolumePermission",
    attribute: "createVolumePermission",
    groupList: "UserGroup",
    invalidUserCode: "InvalidParameterValue",
  });
  if (!changes) throw new AwsError("MissingParameter", "The request must contain the parameter createVolumePermission");
  snapshot.createVolumePermissions = applyPermissionChanges(snapshot.createVolumePermissions, changes);
  return { return: true };
}

function describeSnapshotAttribute(params: QueryParams, { world, region }: RequestContext): Record<string, unknown> {
  const snapshot = ownedSnapshot(world, findSnapshot(world, region, params.requiredStr("SnapshotId")));
  const attribute = params.requiredStr("Attribute");
  if (attribute === "createVolumePermission") {
    return { snapshotId: snapshot.id, createVolumePermission: permissionsXml(snapshot.createVolumePermissions) };
  }
  if (attribute === "productCodes") return { snapshotId: snapshot.id };
  throw new AwsError("InvalidParameterValue", `Value (${attribute}) for parameter attribute is invalid.`);
}

export const snapshotOperations = {
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
  ModifySnapshotAttribute: modifySnapshotAttribute,
  DescribeSnapshotAttribute: describeSnapshotAttribute,
};
