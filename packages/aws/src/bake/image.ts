import {
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  type Filter,
  type Image,
} from "@aws-sdk/client-ec2";
import { type Clock, DeployError } from "@deploy/core";
import { shortBakeKey } from "@deploy/release";
import { awsErrorCode, fromAwsError } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { onVisibleImage } from "../images.ts";
import { TAG, type Tag, tagValue } from "../tags.ts";

export interface BakedImage {
  imageId: string;
  /** `available` or `pending`. */
  state: string;
  name: string;
  /** The image as DescribeImages answered, when it was looked up: an available one need not be described again. */
  image?: Image;
}

/**
 * The AMI this account already has for a bake key in the clients' region: the newest
 * available one, else the newest still pending. A pending one was made by an attempt that
 * timed out (or by another job baking the same thing right now): waiting for it beats
 * baking the same image twice. Failed and deregistered images do not count.
 */
export async function findBakedImage(clients: AwsClients, bakeKey: string): Promise<BakedImage | undefined> {
  const images = await describeOwnImages(clients, [
    { Name: `tag:${TAG.bakeKey}`, Values: [bakeKey] },
    { Name: `tag:${TAG.role}`, Values: ["image"] },
    { Name: "state", Values: ["available", "pending"] },
  ]);
  const newestFirst = images.sort((a, b) => (b.CreationDate ?? "").localeCompare(a.CreationDate ?? ""));
  const image = newestFirst.find((i) => i.State === "available") ?? newestFirst[0];
  return image && { imageId: image.ImageId as string, state: image.State as string, name: image.Name ?? "", image };
}

/** Images owned by this account that match every filter (DescribeImages does not page without MaxResults). */
export async function describeOwnImages(clients: AwsClients, filters: Filter[]): Promise<Image[]> {
  try {
    const answer = await clients.ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: filters }));
    return answer.Images ?? [];
  } catch (error) {
    throw fromAwsError(error, `list this account's AMIs in ${clients.region}`);
  }
}

export interface NewImage {
  instanceId: string;
  name: string;
  description: string;
  bakeKey: string;
  /** On the image and on its snapshots. */
  tags: Tag[];
  /** Whether an image of the same key that has the name is the result (not when a rebake is forced). */
  adoptSameKey: boolean;
}

/**
 * CreateImage from the stopped builder. `adopted` is true when the name was taken by an
 * image of the same bake key (an earlier attempt's, not found by `findBakedImage` because
 * AWS lists a new image only after a moment): that image is the result, and no new one
 * exists. A name taken otherwise (other content, or a forced rebake) is an error that says
 * how to name bakes apart.
 */
export async function createImage(
  clients: AwsClients,
  image: NewImage,
): Promise<{ imageId: string; adopted: boolean }> {
  try {
    const answer = await clients.ec2.send(
      new CreateImageCommand({
        InstanceId: image.instanceId,
        Name: image.name,
        Description: image.description,
        TagSpecifications: [
          { ResourceType: "image", Tags: image.tags },
          { ResourceType: "snapshot", Tags: image.tags },
        ],
      }),
    );
    return { imageId: answer.ImageId as string, adopted: false };
  } catch (error) {
    if (awsErrorCode(error) !== "InvalidAMIName.Duplicate") {
      throw fromAwsError(error, `create an AMI from the builder ${image.instanceId}`);
    }
    return { imageId: await sameNameSameKey(clients, image), adopted: true };
  }
}

async function sameNameSameKey(clients: AwsClients, image: NewImage): Promise<string> {
  const [other] = await describeOwnImages(clients, [{ Name: "name", Values: [image.name] }]);
  const otherKey = tagValue(other?.Tags, TAG.bakeKey);
  const sameKey = other !== undefined && otherKey === image.bakeKey;
  if (sameKey && image.adoptSameKey && (other.State === "available" || other.State === "pending")) {
    return other.ImageId as string;
  }
  const whose = sameKey
    ? "baked from the same inputs, but force-rebake asks for a new AMI"
    : otherKey
      ? `baked from other inputs (bake key ${otherKey})`
      : "and it was not baked by this suite";
  throw new DeployError({
    what: `The AMI name "${image.name}" is taken in ${clients.region}.`,
    why: other
      ? `AMI ${other.ImageId} (${other.State}) has it, ${whose}; AMI names are unique per account and region.`
      : "AWS refused the name as a duplicate, but no AMI of this account shows it (it may be being deregistered).",
    fix: "Put {{bake-key}} (and {{date}} if you force rebakes) into the ami-name input, so that different bakes get different names.",
    input: "ami-name",
    code: "AmiNameTaken",
  });
}

/**
 * Deregisters an AMI that will never be used (failed, or left pending by a cancelled run)
 * together with its snapshots. Returns the snapshots deleted; one AWS could not delete yet
 * (still pending) keeps its tags, so the post step's sweep finds it. An image AWS does not
 * show (yet, or any more) is retried for a while, then taken to be gone already.
 */
export async function discardImage(
  clients: AwsClients,
  image: Image,
  wait: { clock: Clock; signal?: AbortSignal },
): Promise<string[]> {
  const imageId = image.ImageId as string;
  const deleted = await onVisibleImage(
    clients,
    imageId,
    `deregister AMI ${imageId} in ${clients.region}`,
    wait,
    async () => {
      const answer = await clients.ec2.send(
        new DeregisterImageCommand({ ImageId: imageId, DeleteAssociatedSnapshots: true }),
      );
      return (answer.DeleteSnapshotResults ?? []).flatMap((r) =>
        r.ReturnCode === "success" && r.SnapshotId ? [r.SnapshotId] : [],
      );
    },
  );
  return deleted ?? [];
}

/** AWS's rule for AMI names. */
const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;
const PLACEHOLDER = /\{\{\s*([a-z-]+)\s*\}\}/g;

export interface AmiNameVars {
  commit: string;
  /** When the bake starts. */
  date: Date;
  bakeKey: string;
}

/**
 * The AMI name from the `ami-name` template: `{{commit}}` (40 hex digits),
 * `{{short-commit}}` (the first 7), `{{date}}` (UTC, `20261126-100000`) and `{{bake-key}}`
 * (the first 12 hex digits of the key). The rendered name must be a valid AMI name;
 * an unknown placeholder or a bad name is a DeployError about the input. The action can
 * call this before the bake with a made-up key, to fail before any change.
 */
export function renderAmiName(template: string, vars: AmiNameVars): string {
  const values: Record<string, string> = {
    commit: vars.commit,
    "short-commit": vars.commit.slice(0, 7),
    date: vars.date.toISOString().slice(0, 19).replaceAll(/[-:]/g, "").replace("T", "-"),
    "bake-key": shortBakeKey(vars.bakeKey),
  };
  const name = template.replace(PLACEHOLDER, (_, placeholder: string) => {
    const value = values[placeholder];
    if (value === undefined) {
      throw new DeployError({
        what: `The ami-name template uses {{${placeholder}}}, which is not a placeholder.`,
        why: `Got "${template}".`,
        fix: `Use only ${Object.keys(values)
          .map((p) => `{{${p}}}`)
          .join(", ")}.`,
        input: "ami-name",
        code: "UnknownPlaceholder",
      });
    }
    return value;
  });
  if (!AMI_NAME.test(name)) {
    throw new DeployError({
      what: "The ami-name input does not give a valid AMI name.",
      why: `It renders to "${name}" (${name.length} characters).`,
      fix: "An AMI name has 3 to 128 characters: letters, digits, spaces and ( ) [ ] . / - ' @ _.",
      input: "ami-name",
      code: "InvalidAmiName",
    });
  }
  return name;
}
