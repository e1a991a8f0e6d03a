import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { defaultSecurityGroupId } from "./defaults.ts";
import type { LaunchSpec } from "./instances.ts";
import type { LaunchTemplateData } from "./launch-template-data.ts";
import { securityGroupIds } from "./network.ts";
import type { Tag } from "./state.ts";

/**
 * From launch parameters (launch template data, or RunInstances' own, which use the same
 * member names) to the LaunchSpec the instance life cycle takes. Checks happen here, at
 * launch, as in AWS: a launch template may hold anything until it is used.
 */
interface LaunchFields {
  ImageId?: string;
  InstanceType?: string;
  SubnetId?: string;
  UserData?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  NetworkInterfaces?: { DeviceIndex?: number; SubnetId?: string; Groups?: string[] }[];
  IamInstanceProfile?: { Arn?: string; Name?: string };
  InstanceInitiatedShutdownBehavior?: string;
  MetadataOptions?: { HttpTokens?: string };
  TagSpecifications?: { ResourceType?: string; Tags?: Tag[] }[];
}

const USER_DATA_LIMIT = 16 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The launch parameters `data` sets, and only those, so that specs can be layered with spread. */
export function launchSpecFromData(world: World, region: RegionState, data: LaunchTemplateData): Partial<LaunchSpec> {
  const d = data as LaunchFields;
  const primary = d.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  const subnetId = d.SubnetId ?? primary?.SubnetId;
  const groupIds = d.SecurityGroupIds ?? primary?.Groups;
  const groups = groupIds || d.SecurityGroups ? securityGroupIds(region, groupIds ?? [], d.SecurityGroups) : undefined;
  return {
    ...(d.ImageId !== undefined && { imageId: d.ImageId }),
    ...(d.InstanceType !== undefined && { instanceType: instanceType(d.InstanceType) }),
    ...(subnetId !== undefined && { subnetId }),
    ...(groups !== undefined && { securityGroupIds: groups }),
    ...(d.UserData !== undefined && { userData: userData(d.UserData) }),
    ...(d.IamInstanceProfile !== undefined && { iamInstanceProfile: profileArn(world, d.IamInstanceProfile) }),
    ...(d.InstanceInitiatedShutdownBehavior !== undefined && {
      shutdownBehavior: oneOf("InstanceInitiatedShutdownBehavior", d.InstanceInitiatedShutdownBehavior, [
        "stop",
        "terminate",
      ] as const),
    }),
    ...(d.MetadataOptions?.HttpTokens !== undefined && {
      metadataHttpTokens: oneOf("HttpTokens", d.MetadataOptions.HttpTokens, ["optional", "required"] as const),
    }),
  };
}

/** The tags `data` gives the instances it launches. */
export function instanceTags(data: LaunchTemplateData): Tag[] {
  return ((data as LaunchFields).TagSpecifications ?? [])
    .filter((spec) => spec.ResourceType === "instance")
    .flatMap((spec) => spec.Tags ?? []);
}

/** A spec ready to launch: an image is required; the rest has AWS's defaults. */
export function completeLaunchSpec(region: RegionState, spec: Partial<LaunchSpec>): LaunchSpec {
  if (spec.imageId === undefined)
    throw new AwsError("MissingParameter", "The request must contain the parameter ImageId");
  return {
    ...spec,
    imageId: spec.imageId,
    instanceType: spec.instanceType ?? "m1.small",
    securityGroupIds: spec.securityGroupIds ?? [defaultSecurityGroupId(region.name)],
  };
}

function instanceType(value: string): string {
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(value)) {
    throw new AwsError("InvalidParameterValue", `Invalid value '${value}' for InstanceType.`);
  }
  return value;
}

function userData(value: string): string {
  if (!BASE64.test(value)) throw new AwsError("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
  if (Buffer.from(value, "base64").length > USER_DATA_LIMIT) {
    throw new AwsError("InvalidParameterValue", `User data is limited to ${USER_DATA_LIMIT} bytes`);
  }
  return value;
}

/** Instances know their profile by ARN, whichever way the request named it. */
function profileArn(world: World, profile: { Arn?: string; Name?: string }): string {
  if (profile.Arn !== undefined) {
    if (!/^arn:aws[\w-]*:iam::\d{12}:instance-profile\/.+$/.test(profile.Arn)) {
      throw new AwsError(
        "InvalidParameterValue",
        `Value (${profile.Arn}) for parameter iamInstanceProfile.arn is invalid.`,
      );
    }
    return profile.Arn;
  }
  if (profile.Name === undefined) {
    throw new AwsError("InvalidParameterCombination", "IamInstanceProfile needs an Arn or a Name");
  }
  return `arn:aws:iam::${world.accountId}:instance-profile/${profile.Name}`;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AwsError("InvalidParameterValue", `Value (${value}) for parameter ${name} is invalid.`);
  }
  return value as T;
}
