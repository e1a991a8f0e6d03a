import type { RegionState } from "../../world.ts";
import { stateReason } from "./image-xml.ts";
import { securityGroupName } from "./network.ts";
import type { Instance } from "./state.ts";
import { instanceState } from "./states.ts";
import { tagSet } from "./tags.ts";

/** An instance as RunInstances and DescribeInstances answer it (`instancesSet/item`). */
export function instanceXml(region: RegionState, instance: Instance): Record<string, unknown> {
  const image = region.ec2.images.get(instance.imageId);
  const dnsSuffix = region.name === "us-east-1" ? "ec2.internal" : `${region.name}.compute.internal`;
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: instanceState(instance.state),
    privateDnsName: `ip-${instance.privateIpAddress.replaceAll(".", "-")}.${dnsSuffix}`,
    amiLaunchIndex: 0,
    instanceType: instance.instanceType,
    launchTime: new Date(instance.launchTime),
    placement: { availabilityZone: instance.availabilityZone, tenancy: "default" },
    monitoring: { state: "disabled" },
    subnetId: instance.subnetId,
    vpcId: region.ec2.subnets.get(instance.subnetId)?.vpcId,
    privateIpAddress: instance.privateIpAddress,
    sourceDestCheck: true,
    groupSet: instance.securityGroupIds.map((groupId) => ({ groupId, groupName: securityGroupName(region, groupId) })),
    stateReason: instance.stateReason ? stateReason(instance.stateReason) : undefined,
    architecture: image?.architecture ?? "x86_64",
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    virtualizationType: "hvm",
    hypervisor: "xen",
    tagSet: tagSet(instance.tags),
    iamInstanceProfile: instance.iamInstanceProfile ? { arn: instance.iamInstanceProfile } : undefined,
    clientToken: instance.clientToken,
    ebsOptimized: false,
    enaSupport: true,
    metadataOptions: { state: "applied", httpTokens: instance.metadataHttpTokens, httpEndpoint: "enabled" },
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    bootMode: "uefi-preferred",
  };
}
