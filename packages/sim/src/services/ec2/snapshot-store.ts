import type { RegionState, World } from "../../world.ts";
import type { Image, Snapshot, Tag } from "./state.ts";

/**
 * Snapshots come into being with the images that use them (CreateImage, CopyImage, seeds).
 * `createVolumePermissions` holds account ids, and `all` when the snapshot is public.
 */
export const PUBLIC = "all";

export interface NewSnapshot {
  id?: string;
  ownerId: string;
  volumeSize?: number;
  state: Snapshot["state"];
  description?: string;
  tags?: Tag[];
  encrypted?: boolean;
  kmsKeyId?: string;
}

export function createSnapshot(world: World, region: RegionState, spec: NewSnapshot, now: number): Snapshot {
  const snapshot: Snapshot = {
    id: spec.id ?? world.newId("snap"),
    volumeSize: spec.volumeSize ?? 8,
    state: spec.state,
    startTime: now,
    ownerId: spec.ownerId,
    tags: [...(spec.tags ?? [])],
    encrypted: spec.encrypted ?? false,
    createVolumePermissions: [],
    ...(spec.description !== undefined && { description: spec.description }),
    ...(spec.kmsKeyId !== undefined && { kmsKeyId: spec.kmsKeyId }),
  };
  region.ec2.snapshots.set(snapshot.id, snapshot);
  return snapshot;
}

/** The snapshots the caller may see: its own, public ones, and ones shared with it. */
export function canUseSnapshot(world: World, snapshot: Snapshot): boolean {
  return (
    snapshot.ownerId === world.accountId ||
    snapshot.createVolumePermissions.includes(PUBLIC) ||
    snapshot.createVolumePermissions.includes(world.accountId)
  );
}

/** A registered image whose block devices come from the snapshot, which may then not be deleted. */
export function imageUsingSnapshot(region: RegionState, snapshotId: string): Image | undefined {
  return [...region.ec2.images.values()].find(
    (image) => image.state !== "deregistered" && image.snapshotIds.includes(snapshotId),
  );
}
