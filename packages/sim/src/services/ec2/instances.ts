import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import type { Instance, Tag } from "./state.ts";

/**
 * The life of an instance, shared by RunInstances and by Auto Scaling groups: pending,
 * running after boot, the SSM agent online a little later; stopping and shutting-down
 * take time too. Instances of an image marked unhealthy boot but never pass a health check.
 */
export interface LaunchSpec {
  imageId: string;
  instanceType: string;
  subnetId?: string;
  securityGroupIds?: string[];
  tags?: Tag[];
  userData?: string;
  iamInstanceProfile?: string;
  launchTemplate?: { id: string; version: string };
  shutdownBehavior?: "stop" | "terminate";
  metadataHttpTokens?: "optional" | "required";
  autoScalingGroup?: string;
}

export function launchInstance(world: World, region: RegionState, spec: LaunchSpec, now: number): Instance {
  const image = region.ec2.images.get(spec.imageId);
  if (image?.state !== "available") {
    throw new AwsError("InvalidAMIID.NotFound", `The image id '[${spec.imageId}]' does not exist`);
  }
  const subnet = spec.subnetId ? region.ec2.subnets.get(spec.subnetId) : region.ec2.subnets.values().next().value;
  if (spec.subnetId && !subnet) {
    throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${spec.subnetId}' does not exist`);
  }
  const id = world.newId("i");
  const instance: Instance = {
    id,
    imageId: spec.imageId,
    instanceType: spec.instanceType,
    state: "pending",
    launchTime: now,
    subnetId: subnet?.id ?? "subnet-default",
    availabilityZone: subnet?.availabilityZone ?? `${region.name}a`,
    privateIpAddress: `10.0.${(world.randomFraction() * 250) | 0}.${((world.randomFraction() * 250) | 0) + 2}`,
    tags: [...(spec.tags ?? [])],
    securityGroupIds: spec.securityGroupIds ?? [],
    shutdownBehavior: spec.shutdownBehavior ?? "stop",
    metadataHttpTokens: spec.metadataHttpTokens ?? "optional",
    healthy: !image.unhealthy && !world.faults.unhealthyImages.has(image.id),
    ...(spec.userData !== undefined && { userData: spec.userData }),
    ...(spec.iamInstanceProfile !== undefined && { iamInstanceProfile: spec.iamInstanceProfile }),
    ...(spec.launchTemplate !== undefined && { launchTemplate: spec.launchTemplate }),
    ...(spec.autoScalingGroup !== undefined && { autoScalingGroup: spec.autoScalingGroup }),
  };
  region.ec2.instances.set(id, instance);
  world.created(id, now);
  world.scheduler.at(now + world.timings.instanceBootMs, `boot ${id}`, (at) => {
    if (instance.state !== "pending") return;
    instance.state = "running";
    instance.ssmOnlineAt = at + world.timings.ssmAgentMs;
  });
  return instance;
}

export function terminateInstance(world: World, instance: Instance, now: number, reason?: string): void {
  if (instance.state === "terminated" || instance.state === "shutting-down") return;
  instance.state = "shutting-down";
  if (reason) instance.stateReason = reason;
  delete instance.ssmOnlineAt;
  world.scheduler.at(now + world.timings.instanceTerminateMs, `terminate ${instance.id}`, () => {
    instance.state = "terminated";
  });
}

export function stopInstance(world: World, instance: Instance, now: number): void {
  if (instance.state === "terminated" || instance.state === "shutting-down") {
    throw new AwsError(
      "IncorrectInstanceState",
      `This instance '${instance.id}' is not in a state from which it can be stopped.`,
    );
  }
  if (instance.state === "stopped" || instance.state === "stopping") return;
  instance.state = "stopping";
  delete instance.ssmOnlineAt;
  world.scheduler.at(now + world.timings.instanceStopMs, `stop ${instance.id}`, () => {
    if (instance.state === "stopping") instance.state = "stopped";
  });
}

/** An instance by id, honouring eventual consistency: a just-launched one is not found yet. */
export function findInstance(world: World, region: RegionState, id: string, now: number): Instance {
  const instance = region.ec2.instances.get(id);
  if (!instance || !world.visible(id, now)) {
    throw new AwsError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
  }
  return instance;
}

/** True once the instance runs and its SSM agent has registered. */
export function ssmOnline(instance: Instance, now: number): boolean {
  return instance.state === "running" && instance.ssmOnlineAt !== undefined && now >= instance.ssmOnlineAt;
}
