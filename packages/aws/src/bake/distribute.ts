import { CopyImageCommand, type Image } from "@aws-sdk/client-ec2";
import { DeployError, isCancellation } from "@deploy/core";
import { fromAwsError } from "../aws-errors.ts";
import { resourceTags, type Tag, withUserTags } from "../tags.ts";
import { findBakedImage } from "./image.ts";
import { type ImageWait, isEncrypted, waitForImage } from "./image-wait.ts";
import { accountIds, refuseAwsManagedKeys, shareImage } from "./share.ts";
import type { BakeContext } from "./types.ts";

export interface DistributeRequest {
  /** Where the AMI was baked or found. */
  sourceRegion: string;
  imageId: string;
  bakeKey: string;
  /** The copies' name: the source AMI's own, so that every region shows the same name. */
  name: string;
  /** Regions to copy to; the source region and repeats are skipped. */
  copyToRegions: string[];
  shareWithAccounts: string[];
  encrypt: boolean;
  /** KMS key per region; a region without one uses its default EBS key. */
  kmsKeyIds: Record<string, string>;
  /** The source's tags. The suite's own (run, release, bake key, role) are this run's whatever these say. */
  tags: Tag[];
  /** When the waits give up, epoch ms on the context's clock. Default: COPY_TIMEOUT_MS from the start. */
  deadline?: number;
  /** First wait between two looks at a copy. Default 15 s. */
  pollIntervalMs?: number;
}

export interface Distribution {
  /** AMI id per region: the source region first, then the copies in the order asked. */
  amis: Record<string, string>;
  /** Regions where this call started a copy; the others had one for the bake key already. */
  copied: string[];
  sharedWith: string[];
}

/** A copy of an 8 GiB AMI takes minutes, of a large one much longer; the action passes its own deadline. */
export const COPY_TIMEOUT_MS = 60 * 60_000;
const POLL_INTERVAL_MS = 15_000;

interface RegionImage {
  region: string;
  image: Image;
}

/**
 * Puts the AMI in every region asked for and shares it. Copies run side by side: every
 * CopyImage is started before any is waited for, and each is then waited for by its own
 * poller, so three regions take about as long as one. A region that already has an image
 * for the bake key (owned by this account, available or still pending) keeps it. A copy
 * that fails fails the call, naming its region, but only once the other copies have been
 * waited for, so that none is abandoned half-made; a cancelled call leaves its pending
 * copies to the post step's sweep (each was reported through `onCreated` at once).
 * Sharing gives each account launch permission on every region's AMI and create-volume
 * permission on its snapshots, adding only what is missing.
 */
export async function distribute(ctx: BakeContext, request: DistributeRequest): Promise<Distribution> {
  const { sourceRegion } = request;
  const accounts = accountIds(request.shareWithAccounts);
  const regions = [...new Set(request.copyToRegions)].filter((r) => r !== sourceRegion);
  const wait = {
    clock: ctx.clock,
    signal: ctx.signal,
    logger: ctx.logger,
    deadline: request.deadline ?? ctx.clock.now() + COPY_TIMEOUT_MS,
    intervalMs: request.pollIntervalMs ?? POLL_INTERVAL_MS,
    timeoutInput: "timeout",
  };
  const source = await waitForImage(ctx.aws(sourceRegion), request.imageId, { ...wait, about: "the baked AMI" });
  // A copy of an encrypted AMI is encrypted too, with the destination's key.
  const encrypted = request.encrypt || isEncrypted(source);
  if (accounts.length > 0) {
    refuseAwsManagedKeys(
      [{ region: sourceRegion, encrypted: isEncrypted(source) }, ...regions.map((region) => ({ region, encrypted }))],
      request.kmsKeyIds,
    );
  }

  if (regions.length > 0) ctx.onPhase?.("copying");
  const copies = await copyToRegions(ctx, { ...request, encrypted, description: source.Description }, regions, wait);
  const images: RegionImage[] = [{ region: sourceRegion, image: source }, ...copies];

  if (accounts.length > 0) {
    ctx.onPhase?.("sharing");
    await Promise.all(images.map(({ region, image }) => shareImage(ctx.aws(region), image, accounts, ctx.logger)));
  }
  return {
    amis: Object.fromEntries(images.map(({ region, image }) => [region, image.ImageId as string])),
    copied: copies.filter((c) => c.copied).map((c) => c.region),
    sharedWith: accounts,
  };
}

type CopyRequest = DistributeRequest & { encrypted: boolean; description: string | undefined };

interface StartedCopy {
  region: string;
  imageId: string;
  copied: boolean;
  /** The region's image when it is already available: nothing to wait for. */
  available?: Image;
}

async function copyToRegions(
  ctx: BakeContext,
  request: CopyRequest,
  regions: string[],
  wait: Omit<ImageWait, "about">,
): Promise<(RegionImage & { copied: boolean })[]> {
  if (regions.length === 0) return [];
  ctx.logger.info(`Copying AMI ${request.imageId} to ${regions.join(", ")}.`);
  const started = await Promise.allSettled(regions.map((region) => startCopy(ctx, request, region)));
  const about = `copy of ${request.imageId} from ${request.sourceRegion}`;
  const finished = await Promise.allSettled(
    started.map(async (start) => {
      if (start.status === "rejected") throw start.reason;
      const { region, imageId, available, copied } = start.value;
      return {
        region,
        imageId,
        copied,
        image: available ?? (await waitForImage(ctx.aws(region), imageId, { ...wait, about })),
      };
    }),
  );
  const failures = regions.flatMap((region, i) => {
    const end = finished[i];
    return end?.status === "rejected" ? [{ region, error: end.reason as unknown }] : [];
  });
  if (failures.length > 0) throw copyFailure(request.imageId, failures);
  return finished.flatMap((f) => (f.status === "fulfilled" ? [f.value] : []));
}

/** The region's image for the bake key if it has one, or a new copy, reported as soon as it exists. */
async function startCopy(ctx: BakeContext, request: CopyRequest, region: string): Promise<StartedCopy> {
  const clients = ctx.aws(region);
  const existing = await findBakedImage(clients, request.bakeKey);
  if (existing) {
    ctx.logger.info(
      `${region} already has AMI ${existing.imageId} for this bake key (${existing.state}): no copy needed.`,
    );
    return {
      region,
      imageId: existing.imageId,
      copied: false,
      ...(existing.state === "available" && existing.image && { available: existing.image }),
    };
  }
  const kmsKeyId = request.encrypted ? request.kmsKeyIds[region] : undefined;
  const tags = withUserTags(
    resourceTags(ctx.run, { role: "image", bakeKey: request.bakeKey }),
    Object.fromEntries(request.tags.map((t) => [t.Key, t.Value])),
  );
  let imageId: string;
  try {
    const answer = await clients.ec2.send(
      new CopyImageCommand({
        SourceRegion: request.sourceRegion,
        SourceImageId: request.imageId,
        Name: request.name,
        ...(request.description && { Description: request.description }),
        ...(request.encrypted && { Encrypted: true }),
        ...(kmsKeyId && { KmsKeyId: kmsKeyId }),
        // Tagged like the source, with this run's run tag: the post step sweeps it if it is left pending.
        TagSpecifications: [
          { ResourceType: "image", Tags: tags },
          { ResourceType: "snapshot", Tags: tags },
        ],
      }),
    );
    imageId = answer.ImageId as string;
  } catch (error) {
    throw fromAwsError(error, `copy AMI ${request.imageId} from ${request.sourceRegion} to ${region}`);
  }
  ctx.onCreated?.({ kind: "image", region, imageId });
  const encryption = request.encrypted ? `, encrypted with ${kmsKeyId ?? "the region's default EBS key"}` : "";
  ctx.logger.info(`Copying AMI ${request.imageId} to ${region} as ${imageId}${encryption}.`);
  return { region, imageId, copied: true };
}

/**
 * What failed, once every copy has ended: a cancellation as it is; one failure as it is
 * (it names its region); several as one error naming each region.
 */
function copyFailure(imageId: string, failures: { region: string; error: unknown }[]): unknown {
  const cancelled = failures.find((f) => isCancellation(f.error));
  if (cancelled) return cancelled.error;
  if (failures.length === 1) return failures[0]?.error;
  const regions = failures.map((f) => f.region).join(", ");
  return new DeployError({
    what: `Copying AMI ${imageId} failed in ${regions}.`,
    why: failures.map((f) => `${f.region}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join(" "),
    fix: "Run the job again: copies that finished are reused and only the missing ones are made. If a region fails again, act on its reason above.",
    code: "CopyFailed",
    cause: failures.map((f) => f.error),
  });
}
