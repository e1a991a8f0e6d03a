import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  type Image,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { DeployError, type Logger } from "@deploy/core";
import { fromAwsError } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import { imageSnapshots } from "./image-wait.ts";

const ACCOUNT_ID = /^\d{12}$/;

/** An AWS account id: 12 digits. */
export function isAccountId(id: string): boolean {
  return ACCOUNT_ID.test(id);
}
/** The AWS managed EBS key, by alias name or alias ARN. */
const AWS_MANAGED_KEY = /(?:^|:)alias\/aws\/ebs$/;

/**
 * The accounts to share with, without repeats. The action checks its input before any
 * change; this guards the API calls against a caller that did not.
 */
export function accountIds(accounts: readonly string[]): string[] {
  const bad = accounts.filter((a) => !isAccountId(a));
  if (bad.length > 0) {
    throw new DeployError({
      what: `Cannot share AMIs with ${bad.map((a) => `"${a}"`).join(", ")}.`,
      why: "An AWS account id is 12 digits.",
      fix: 'List 12-digit account ids in "share-with-accounts", one a line or comma separated.',
      input: "share-with-accounts",
      code: "InvalidAccountId",
    });
  }
  return [...new Set(accounts)];
}

/**
 * Refuses to share AMIs whose snapshots are (or would be) encrypted with the AWS managed
 * key aws/ebs, which is what EBS uses when no key is given: its key policy cannot be
 * changed, so no other account may ever use it, and the share would be useless. A region
 * counts as using a customer managed key only when one was given for it.
 */
export function refuseAwsManagedKeys(
  amis: readonly { region: string; encrypted: boolean }[],
  kmsKeyIds: Readonly<Record<string, string>>,
): void {
  const regions = amis
    .filter(({ region, encrypted }) => {
      const key = kmsKeyIds[region];
      return encrypted && (key === undefined || AWS_MANAGED_KEY.test(key));
    })
    .map((a) => a.region);
  if (regions.length === 0) return;
  throw new DeployError({
    what: `AMIs encrypted with the AWS managed key cannot be shared with other accounts (${regions.join(", ")}).`,
    why: `Without a customer managed KMS key for ${regions.length === 1 ? "this region" : "these regions"}, EBS encrypts with its default key aws/ebs, which AWS never lets another account use: the accounts could neither launch nor copy the AMI.`,
    fix: 'Give "kms-key-id" a customer managed key for each region (region=key-arn lines) whose key policy lets the accounts in "share-with-accounts" use it (kms:DescribeKey, kms:Decrypt, kms:ReEncrypt*, kms:CreateGrant, kms:GenerateDataKey*), or bake without encryption.',
    input: "kms-key-id",
    code: "AwsManagedKeyNotShareable",
  });
}

/**
 * Lets each account launch the AMI (launch permission) and create volumes from its
 * snapshots (create-volume permission, which an account needs to copy the AMI, e.g. to
 * re-encrypt it with its own key). Only what is not granted yet is added, so a second call
 * changes nothing. Sharing an encrypted AMI also needs the KMS key's policy to allow the
 * accounts; that policy is the key owner's, not this step's.
 */
export async function shareImage(
  clients: AwsClients,
  image: Image,
  accounts: readonly string[],
  logger: Logger,
): Promise<void> {
  const { ec2, region } = clients;
  const ImageId = image.ImageId as string;
  try {
    const launch = await grant(
      accounts,
      async () => {
        const answer = await ec2.send(new DescribeImageAttributeCommand({ ImageId, Attribute: "launchPermission" }));
        return answer.LaunchPermissions?.map((p) => p.UserId) ?? [];
      },
      (ids) =>
        ec2.send(
          new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: ids.map((UserId) => ({ UserId })) } }),
        ),
    );
    const volumes: string[] = [];
    for (const SnapshotId of imageSnapshots(image)) {
      const added = await grant(
        accounts,
        async () => {
          const answer = await ec2.send(
            new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: "createVolumePermission" }),
          );
          return answer.CreateVolumePermissions?.map((p) => p.UserId) ?? [];
        },
        (ids) =>
          ec2.send(
            new ModifySnapshotAttributeCommand({
              SnapshotId,
              CreateVolumePermission: { Add: ids.map((UserId) => ({ UserId })) },
            }),
          ),
      );
      if (added.length > 0) volumes.push(SnapshotId);
    }
    const changes = [
      ...(launch.length > 0 ? [`launch permission for ${launch.join(", ")}`] : []),
      ...(volumes.length > 0 ? [`create-volume permission on ${volumes.join(", ")}`] : []),
    ];
    logger.info(
      changes.length > 0
        ? `Shared AMI ${ImageId} in ${region}: ${changes.join("; ")}.`
        : `AMI ${ImageId} in ${region} was already shared with ${accounts.join(", ")}.`,
    );
  } catch (error) {
    throw fromAwsError(error, `share AMI ${ImageId} in ${region} with ${accounts.join(", ")}`);
  }
}

/** Adds the accounts that `granted` does not list yet; returns the ones added. */
async function grant(
  accounts: readonly string[],
  granted: () => Promise<(string | undefined)[]>,
  add: (accountIds: string[]) => Promise<unknown>,
): Promise<string[]> {
  const have = new Set(await granted());
  const missing = accounts.filter((a) => !have.has(a));
  if (missing.length > 0) await add(missing);
  return missing;
}
