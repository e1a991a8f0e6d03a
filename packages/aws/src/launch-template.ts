import { createHash } from "node:crypto";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  type LaunchTemplateVersion,
} from "@aws-sdk/client-ec2";
import { DeployError } from "@deploy/core";
import { fromAwsError } from "./aws-errors.ts";
import type { AwsClients } from "./clients.ts";
import type { TemplateChange } from "./rollout/types.ts";

/** One launch-template version, with the fields a rollout changes or reports. */
export interface TemplateVersion {
  templateId: string;
  templateName: string;
  /** Always a number, also when it was asked for as `$Latest` or `$Default`. */
  versionNumber: string;
  description: string | undefined;
  imageId: string | undefined;
  /** Base64, as the launch template holds it. */
  userData: string | undefined;
  instanceType: string | undefined;
}

/** A version of a launch template by number, `$Latest` or `$Default`. */
export async function readTemplateVersion(
  clients: AwsClients,
  templateId: string,
  version: string,
): Promise<TemplateVersion> {
  let found: LaunchTemplateVersion | undefined;
  try {
    const answer = await clients.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [version] }),
    );
    found = answer.LaunchTemplateVersions?.[0];
  } catch (error) {
    throw fromAwsError(error, `read version ${version} of launch template ${templateId}`);
  }
  if (!found) {
    throw new DeployError({
      what: `Launch template ${templateId} has no version ${version}.`,
      fix: "Point the group at an existing version of its launch template.",
      code: "LaunchTemplateVersionNotFound",
    });
  }
  const data = found.LaunchTemplateData;
  return {
    templateId,
    templateName: found.LaunchTemplateName ?? "",
    versionNumber: String(found.VersionNumber),
    description: found.VersionDescription,
    imageId: data?.ImageId,
    userData: data?.UserData,
    instanceType: data?.InstanceType,
  };
}

export interface NewTemplateVersion {
  templateId: string;
  /** The version the new one copies everything else from: the group's, as a number. */
  sourceVersion: string;
  imageId: string;
  /** Plain text; stored base64. Absent: the source version's user data is kept. */
  userData?: string | undefined;
  /** At most 255 characters; names the release and the run. */
  description: string;
}

/**
 * Creates the version a rollout moves to: the source version with a new image id (and user
 * data). The client token makes an SDK retry of a request that did reach AWS return the
 * same version instead of making a second one.
 */
export async function createTemplateVersion(clients: AwsClients, next: NewTemplateVersion): Promise<string> {
  const userData = next.userData === undefined ? undefined : Buffer.from(next.userData, "utf8").toString("base64");
  const token = createHash("sha256")
    .update(JSON.stringify({ ...next, userData }))
    .digest("hex")
    .slice(0, 40);
  try {
    const answer = await clients.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: next.templateId,
        SourceVersion: next.sourceVersion,
        VersionDescription: next.description,
        LaunchTemplateData: { ImageId: next.imageId, ...(userData !== undefined && { UserData: userData }) },
        ClientToken: `deploy-${token}`,
      }),
    );
    return String(answer.LaunchTemplateVersion?.VersionNumber);
  } catch (error) {
    throw fromAwsError(error, `create a version of launch template ${next.templateId}`);
  }
}

/**
 * What the new version changes. User data is never shown, only a digest of it: it is not
 * secret by design, but it is long and nobody needs it in a log.
 */
export function templateChanges(
  current: TemplateVersion,
  next: { imageId: string; userData?: string | undefined },
): TemplateChange[] {
  const changes: TemplateChange[] = [];
  if (current.imageId !== next.imageId) changes.push({ field: "ImageId", from: current.imageId, to: next.imageId });
  if (next.userData !== undefined) {
    const from = current.userData === undefined ? undefined : digest(Buffer.from(current.userData, "base64"));
    const to = digest(Buffer.from(next.userData, "utf8"));
    if (from !== to) changes.push({ field: "UserData", from, to });
  }
  return changes;
}

function digest(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}`;
}
