import { DescribeImagesCommand, type Image } from "@aws-sdk/client-ec2";
import { type Clock, DeployError, type Logger, poll } from "@deploy/core";
import { fromAwsError, isNotFound, isTransient } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { IMAGE_VISIBLE_WITHIN_MS } from "../images.ts";

export interface ImageWait {
  clock: Clock;
  signal: AbortSignal;
  logger?: Logger;
  /** When the wait gives up, epoch ms on `clock`. */
  deadline: number;
  /** First wait between checks; the poller backs off from it up to 30 s. */
  intervalMs: number;
  /** What the image is, for the log and errors, e.g. `copy of ami-… from eu-west-1`. */
  about: string;
  /** The input whose value sets the deadline, named in the timeout error. */
  timeoutInput?: string;
}

/**
 * Waits until an AMI that is being made (CreateImage, CopyImage) is available, and returns
 * it as DescribeImages shows it (block devices, encryption). NotFound is retried for a
 * while (a new image is not visible at once); past that, or when the image ends failed or
 * deregistered, the error names the image and its region.
 */
export async function waitForImage(clients: AwsClients, imageId: string, wait: ImageWait): Promise<Image> {
  const { region } = clients;
  const start = wait.clock.now();
  const { value } = await poll<Image>({
    describe: `AMI ${imageId} (${wait.about}) in ${region} to be available`,
    deadline: wait.deadline,
    intervalMs: wait.intervalMs,
    clock: wait.clock,
    signal: wait.signal,
    ...(wait.logger && { logger: wait.logger }),
    ...(wait.timeoutInput && { timeoutInput: wait.timeoutInput }),
    isRetryable: isTransient,
    check: async () => {
      let image: Image | undefined;
      try {
        image = (await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
      } catch (error) {
        if (!isNotFound(error))
          throw isTransient(error) ? error : fromAwsError(error, `describe AMI ${imageId} in ${region}`);
        if (wait.clock.now() - start < IMAGE_VISIBLE_WITHIN_MS) return { done: false, progress: "not visible yet" };
      }
      if (!image) throw gone(imageId, region, wait.about);
      if (image.State === "available") return { done: true, value: image };
      if (image.State === "pending") return { done: false, progress: "pending" };
      throw ended(imageId, region, wait.about, image);
    },
  });
  return value;
}

/** The snapshots behind an AMI's block devices. */
export function imageSnapshots(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).flatMap((b) => (b.Ebs?.SnapshotId ? [b.Ebs.SnapshotId] : []));
}

export function isEncrypted(image: Image): boolean {
  return (image.BlockDeviceMappings ?? []).some((b) => b.Ebs?.Encrypted === true);
}

function ended(imageId: string, region: string, about: string, image: Image): DeployError {
  const reason = image.StateReason?.Message;
  return new DeployError({
    what: `AMI ${imageId} (${about}) in ${region} ended ${image.State ?? "in an unknown state"}, not available.`,
    why: reason ? `AWS says: ${reason}` : "AWS gave no reason.",
    fix: "Run the job again: the post step removes the failed AMI, and whatever did finish is reused. If it fails again, look for the reason in the region's EC2 console (AMIs, snapshots) and at the EBS and KMS quotas there.",
    code: "ImageFailed",
  });
}

function gone(imageId: string, region: string, about: string): DeployError {
  return new DeployError({
    what: `AMI ${imageId} (${about}) disappeared from ${region} while it was being made.`,
    why: `DescribeImages no longer finds it (after ${IMAGE_VISIBLE_WITHIN_MS / 1000} seconds): it was deregistered, most likely by someone or something else.`,
    fix: "Run the job again; find out what deregisters this suite's images (tagged deploy:managed-by=deploy) if it happens again.",
    code: "ImageNotFound",
  });
}
