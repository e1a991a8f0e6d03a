import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import { type Clock, DeployError, poll } from "@deploy/core";
import { fromAwsError, isNotFound, isThrottling } from "./aws-errors.ts";
import type { AwsClients } from "./clients.ts";

export interface ImageInfo {
  id: string;
  name: string | undefined;
  architecture: string | undefined;
  /** The AMI's tags (as this account sees them). */
  tags: Record<string, string>;
}

/** How long a new AMI may stay invisible to DescribeImages (eventual consistency) before it counts as missing. */
export const IMAGE_VISIBLE_WITHIN_MS = 30_000;
export const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Checks that an AMI can be rolled out in the clients' region: an AMI id (not an SSM
 * alias, which breaks AutoRollback), visible there, and `available`. A DeployError says
 * which of these failed, for which AMI and region, and what to do.
 */
export async function checkImage(
  clients: AwsClients,
  imageId: string,
  wait: { clock: Clock; signal?: AbortSignal },
): Promise<ImageInfo> {
  const { region } = clients;
  if (!AMI_ID.test(imageId)) throw notAnAmiId(imageId);
  const image = await onVisibleImage(clients, imageId, `describe the AMI ${imageId}`, wait, async () => {
    const answer = await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return answer.Images?.[0];
  });
  if (!image) throw missing(imageId, region);
  if (image.State !== "available") {
    throw new DeployError({
      what: `AMI ${imageId} in ${region} is ${image.State ?? "in an unknown state"}, not available.`,
      why: `Instances can only launch from an available AMI${image.StateReason?.Message ? `; AWS says: ${image.StateReason.Message}` : ""}.`,
      fix:
        image.State === "pending"
          ? "Wait until the AMI is available (bake-ami waits for it before it outputs the release), then run this step again."
          : "Bake the release again, or roll out another AMI.",
      code: "ImageNotAvailable",
    });
  }
  const tags = Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  return { id: imageId, name: image.Name, architecture: image.Architecture, tags };
}

/**
 * Makes a call about an AMI until AWS shows the AMI: NotFound is retried for
 * IMAGE_VISIBLE_WITHIN_MS (a new AMI can take a moment to show), then means that the AMI
 * does not exist (undefined). Throttling is retried too; any other error is a DeployError
 * saying what was being done.
 */
export async function onVisibleImage<T>(
  clients: AwsClients,
  imageId: string,
  doing: string,
  wait: { clock: Clock; signal?: AbortSignal },
  call: () => Promise<T>,
): Promise<T | undefined> {
  const start = wait.clock.now();
  const { value } = await poll<T | undefined>({
    describe: `AMI ${imageId} to be visible in ${clients.region}`,
    // The poller's own deadline only backs up the visibility window decided below.
    timeoutMs: 2 * IMAGE_VISIBLE_WITHIN_MS,
    intervalMs: 2_000,
    clock: wait.clock,
    ...(wait.signal && { signal: wait.signal }),
    isRetryable: isThrottling,
    check: async () => {
      try {
        return { done: true, value: await call() };
      } catch (error) {
        if (!isNotFound(error)) throw isThrottling(error) ? error : fromAwsError(error, doing);
        if (wait.clock.now() - start >= IMAGE_VISIBLE_WITHIN_MS) return { done: true, value: undefined };
        return { done: false, progress: "not found yet (a new AMI can take a moment to show)" };
      }
    },
  });
  return value;
}

function notAnAmiId(imageId: string): DeployError {
  const alias = imageId.startsWith("resolve:ssm:");
  return new DeployError({
    what: `"${imageId}" is not an AMI id.`,
    why: alias
      ? "An SSM parameter as the image id makes the rollout depend on whatever the parameter says at launch, and AWS cannot roll back an instance refresh to it."
      : "An AMI id is ami- followed by 8 or 17 hexadecimal digits.",
    fix: "Give the AMI id itself, e.g. from the release bake-ami outputs.",
    code: "InvalidImageId",
  });
}

function missing(imageId: string, region: string): DeployError {
  return new DeployError({
    what: `AMI ${imageId} does not exist in ${region}.`,
    why: `DescribeImages did not find it there within ${IMAGE_VISIBLE_WITHIN_MS / 1000} seconds; an AMI belongs to one region, and a deregistered one is gone.`,
    fix: `Roll out the AMI the release names for ${region} (bake-ami copies it to every region in its "regions" input), or check that the AMI is shared with this account.`,
    code: "ImageNotFound",
  });
}
