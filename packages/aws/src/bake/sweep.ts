import {
  DeleteSnapshotCommand,
  type Filter,
  type Image,
  type Instance,
  paginateDescribeInstances,
  paginateDescribeSnapshots,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { DeployError } from "@deploy/core";
import { fromAwsError, isNotFound } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { runTagValue, TAG } from "../tags.ts";
import { terminateInstances } from "./builder.ts";
import { describeOwnImages, discardImage } from "./image.ts";
import { imageSnapshots } from "./image-wait.ts";
import type { BakeContext } from "./types.ts";

export interface Swept {
  terminated: string[];
  deregistered: string[];
  deletedSnapshots: string[];
  /** Pending images left to AWS because the caller asked (`keepImages`), with their snapshots. */
  kept: string[];
}

export interface SweepOptions {
  /**
   * Images to leave pending: a bake that timed out hands its pending images over to AWS,
   * which finishes them, and a retry finds them by their bake key. A failed one is still
   * removed: nothing will ever use it.
   */
  keepImages?: readonly string[];
}

/**
 * The post step's clean-up: what this run attempt (tag `deploy:run=<id>-<attempt>`) left
 * unfinished in each region. Builders in any state but terminated are terminated; images
 * still pending or failed are deregistered and their snapshots deleted, as are snapshots of
 * the attempt that no image uses any more (left by a sweep that was itself cut short). An
 * available image is kept, copies included: it is finished, and the next bake with its key
 * reuses it; so is a pending image named in `keepImages` (handed over to AWS after a
 * timeout). Only builders and images are touched (`deploy:role`), never what another
 * action of the same run made. Safe to run again: a second sweep finds nothing to do.
 * Every region is swept even if one fails; the failures are thrown together at the end.
 */
export async function sweepRun(ctx: BakeContext, regions: string[], options: SweepOptions = {}): Promise<Swept> {
  const swept: Swept = { terminated: [], deregistered: [], deletedSnapshots: [], kept: [] };
  const keep = new Set(options.keepImages);
  const failures: string[] = [];
  for (const region of [...new Set(regions)]) {
    try {
      await sweepRegion(ctx, ctx.aws(region), keep, swept);
    } catch (error) {
      failures.push(`${region}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) {
    throw new DeployError({
      what: `The clean-up of run ${runTagValue(ctx.run)} did not finish.`,
      why: failures.join(" "),
      fix: `Run the job again, or remove by hand what is tagged ${TAG.run}=${runTagValue(ctx.run)} with ${TAG.role} builder or image in the regions named.`,
      code: "SweepFailed",
    });
  }
  return swept;
}

async function sweepRegion(
  ctx: BakeContext,
  clients: AwsClients,
  keep: ReadonlySet<string>,
  swept: Swept,
): Promise<void> {
  const { region } = clients;
  const ofRun = (role: string): Filter[] => [
    { Name: `tag:${TAG.run}`, Values: [runTagValue(ctx.run)] },
    { Name: `tag:${TAG.role}`, Values: [role] },
  ];

  const builders = (await describeBuilders(clients, ofRun("builder"))).map((i) => i.InstanceId as string);
  if (builders.length > 0) {
    await terminateInstances(clients, builders, ctx.clock);
    swept.terminated.push(...builders);
    ctx.logger.info(`Terminated the builder${builders.length === 1 ? "" : "s"} ${builders.join(", ")} in ${region}.`);
  }

  const images = await describeOwnImages(clients, ofRun("image"));
  const handedOver = images.filter((i) => i.State === "pending" && keep.has(i.ImageId as string));
  const unfinished = images.filter((i) => (i.State === "pending" || i.State === "failed") && !handedOver.includes(i));
  for (const image of unfinished) {
    swept.deletedSnapshots.push(...(await discardImage(clients, image, ctx)));
    swept.deregistered.push(image.ImageId as string);
    ctx.logger.info(`Deregistered AMI ${image.ImageId} in ${region} (${image.State}) with its snapshots.`);
  }
  for (const image of handedOver) {
    swept.kept.push(image.ImageId as string);
    ctx.logger.info(
      `Kept AMI ${image.ImageId} in ${region} (pending): the bake timed out, AWS goes on making it, and a retry waits for it.`,
    );
  }
  for (const image of images.filter((i) => !unfinished.includes(i) && !handedOver.includes(i))) {
    ctx.logger.info(
      `Kept AMI ${image.ImageId} in ${region} (${image.State}): it is finished, and a bake with its key reuses it.`,
    );
  }

  const inUse = new Set(images.filter((i) => !unfinished.includes(i)).flatMap((i: Image) => imageSnapshots(i)));
  // AWS may not list a pending image's snapshots yet; their description names the image.
  const ofHandedOver = (s: Snapshot) => handedOver.some((i) => s.Description?.includes(i.ImageId as string));
  const orphans = (await describeSnapshots(clients, ofRun("image"))).filter(
    (s) =>
      !inUse.has(s.SnapshotId as string) &&
      !ofHandedOver(s) &&
      !swept.deletedSnapshots.includes(s.SnapshotId as string),
  );
  for (const snapshot of orphans) {
    if (await deleteSnapshot(clients, snapshot.SnapshotId as string)) {
      swept.deletedSnapshots.push(snapshot.SnapshotId as string);
      ctx.logger.info(`Deleted snapshot ${snapshot.SnapshotId} in ${region}, which no AMI uses.`);
    }
  }
}

async function describeBuilders(clients: AwsClients, filters: Filter[]): Promise<Instance[]> {
  const live = { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] };
  const instances: Instance[] = [];
  try {
    for await (const page of paginateDescribeInstances({ client: clients.ec2 }, { Filters: [...filters, live] })) {
      instances.push(...(page.Reservations ?? []).flatMap((r) => r.Instances ?? []));
    }
  } catch (error) {
    throw fromAwsError(error, `list this run's builders in ${clients.region}`);
  }
  return instances;
}

async function describeSnapshots(clients: AwsClients, filters: Filter[]): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  try {
    for await (const page of paginateDescribeSnapshots(
      { client: clients.ec2 },
      { OwnerIds: ["self"], Filters: filters },
    )) {
      snapshots.push(...(page.Snapshots ?? []));
    }
  } catch (error) {
    throw fromAwsError(error, `list this run's snapshots in ${clients.region}`);
  }
  return snapshots;
}

/** False when the snapshot is already gone. */
async function deleteSnapshot(clients: AwsClients, snapshotId: string): Promise<boolean> {
  try {
    await clients.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw fromAwsError(error, `delete snapshot ${snapshotId} in ${clients.region}`);
  }
}
