import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState, World } from "../../world.ts";
import { withClientToken } from "../idempotency.ts";
import type { RequestContext } from "../types.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { stableId, wellFormed } from "./ids.ts";
import { findImage } from "./image-store.ts";
import { instanceXml } from "./instance-xml.ts";
import { findInstance, launchInstance, stopInstance, terminateInstance } from "./instances.ts";
import { completeLaunchSpec, launchSpecFromData } from "./launch-spec.ts";
import { readLaunchTemplateData } from "./launch-template-data.ts";
import { templateLaunchSpec } from "./launch-templates.ts";
import { findSubnet } from "./network.ts";
import { pager } from "./paging.ts";
import type { Instance } from "./state.ts";
import { instanceState } from "./states.ts";
import { mergeTags, tagSpecifications } from "./tags.ts";

const RUN_INSTANCES_TAG_TYPES = ["instance", "volume", "network-interface", "spot-instances-request"];
const USER_SHUTDOWN = "Client.UserInitiatedShutdown: User initiated shutdown";

/** The longest RunInstances ClientToken (the API reference and the idempotency page both say 64). */
const RUN_INSTANCES_TOKEN_LENGTH = 64;

/**
 * RunInstances under its client token. Idempotency is zonal when the request names an
 * Availability Zone (`Placement.AvailabilityZone`) or implies one (`SubnetId`), regional
 * otherwise (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html#run-instances-idempotency);
 * a zone given only by the launch template is not mentioned there, so it counts as regional.
 * A retry answers the same reservation and instances in their current state, terminated
 * ones included: the older API reference page
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Run_Instance_Idempotency.html)
 * said the same response comes back with only the instances' state differing, and that a
 * token stays valid at least 24 hours after the instance's termination. Neither page says
 * whether other members (tags added since) are updated: they are rendered as they are now.
 */
function runInstances(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const { world, region } = ctx;
  const zone = params.str("Placement.AvailabilityZone");
  const subnetId = params.str("SubnetId");
  const scope =
    zone ?? (subnetId === undefined ? undefined : (region.ec2.subnets.get(subnetId)?.availabilityZone ?? subnetId));
  return withClientToken(
    params,
    ctx,
    { maxLength: RUN_INSTANCES_TOKEN_LENGTH, scope, ignore: ["Placement.AvailabilityZone"] },
    () => {
      const result = launch(params, ctx);
      const ids = result.instances.map((i) => i.id);
      return {
        result: reservationXml(world, region, result.reservationId, result.instances),
        replay: () =>
          reservationXml(
            world,
            region,
            result.reservationId,
            ids.flatMap((id) => region.ec2.instances.get(id) ?? []),
          ),
      };
    },
  );
}

/**
 * Explicit parameters over the launch template's (tags are merged, the request's winning
 * on the same key). Capacity never runs out, so MaxCount instances start.
 */
function launch(
  params: QueryParams,
  { world, region, now }: RequestContext,
): { reservationId: string; instances: Instance[] } {
  const minCount = requiredCount(params, "MinCount");
  const maxCount = requiredCount(params, "MaxCount");
  if (maxCount < minCount) {
    throw new AwsError("InvalidParameterValue", `MaxCount (${maxCount}) must not be less than MinCount (${minCount})`);
  }
  const template = params.struct("LaunchTemplate");
  const fromTemplate = template
    ? templateLaunchSpec(world, region, {
        id: template.str("LaunchTemplateId"),
        name: template.str("LaunchTemplateName"),
        version: template.str("Version"),
      })
    : {};
  const subnetId = params.str("SubnetId");
  const explicit = launchSpecFromData(world, region, {
    ...readLaunchTemplateData(params, { strict: false }),
    ...(subnetId !== undefined && { SubnetId: subnetId }),
  });
  const tags = tagSpecifications(params, RUN_INSTANCES_TAG_TYPES).get("instance") ?? [];
  const spec = completeLaunchSpec(region, {
    ...fromTemplate,
    ...explicit,
    tags: mergeTags(fromTemplate.tags ?? [], tags),
  });
  const image = findImage(world, region, spec.imageId, now);
  if (image.state !== "available") {
    throw new AwsError("InvalidAMIID.Unavailable", `The image ${image.id} is not available: it is ${image.state}`);
  }
  if (spec.subnetId !== undefined) findSubnet(region, spec.subnetId);

  const reservationId = world.newId("r");
  const clientToken = params.str("ClientToken") || undefined;
  const instances = Array.from({ length: maxCount }, () => {
    const instance = launchInstance(world, region, spec, now);
    instance.reservationId = reservationId;
    if (clientToken !== undefined) instance.clientToken = clientToken;
    return instance;
  });
  return { reservationId, instances };
}

function requiredCount(params: QueryParams, name: string): number {
  const value = params.int(name);
  if (value === undefined) throw new AwsError("MissingParameter", `The request must contain the parameter ${name}`);
  if (value < 1) throw new AwsError("InvalidParameterValue", `Value (${value}) for parameter ${name} is invalid.`);
  return value;
}

/** Instances launched by Auto Scaling have a reservation of their own each. */
function reservationOf(instance: Instance): string {
  return instance.reservationId ?? stableId("r", instance.id);
}

function reservationXml(world: World, region: RegionState, reservationId: string, instances: Instance[]) {
  return {
    reservationId,
    ownerId: world.accountId,
    instancesSet: instances.map((instance) => instanceXml(region, instance)),
  };
}

function describeInstances(params: QueryParams, { world, region, now }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 5, max: 1000, exclusiveWith: "InstanceId" });
  const ids = params.strings("InstanceId");
  const instances =
    ids.length > 0
      ? ids.map((id) => findInstance(world, region, wellFormed("instance", id), now))
      : [...region.ec2.instances.values()];
  const filtered = applyFilters(instances, readFilters(params), {
    "instance-id": (i) => i.id,
    "instance-state-name": (i) => i.state,
    "instance-state-code": (i) => instanceState(i.state).code,
    "image-id": (i) => i.imageId,
    "instance-type": (i) => i.instanceType,
    "subnet-id": (i) => i.subnetId,
    "vpc-id": (i) => region.ec2.subnets.get(i.subnetId)?.vpcId,
    "availability-zone": (i) => i.availabilityZone,
    "private-ip-address": (i) => i.privateIpAddress,
    "iam-instance-profile.arn": (i) => i.iamInstanceProfile,
    "instance.group-id": (i) => i.securityGroupIds,
    "reservation-id": reservationOf,
  });
  const result = paging(filtered);
  const reservations = new Map<string, Instance[]>();
  for (const instance of result.page) {
    const id = reservationOf(instance);
    reservations.set(id, [...(reservations.get(id) ?? []), instance]);
  }
  return {
    reservationSet: [...reservations].map(([id, members]) => reservationXml(world, region, id, members)),
    nextToken: result.nextToken,
  };
}

/** Every instance is found before any changes, so an unknown id changes nothing. */
function changeStates(
  params: QueryParams,
  { world, region, now }: RequestContext,
  change: (instance: Instance) => void,
): Record<string, unknown> {
  const ids = params.strings("InstanceId");
  if (ids.length === 0) throw new AwsError("MissingParameter", "The request must contain the parameter InstanceId");
  const instances = ids.map((id) => findInstance(world, region, wellFormed("instance", id), now));
  return {
    instancesSet: instances.map((instance) => {
      const previousState = instanceState(instance.state);
      change(instance);
      return { instanceId: instance.id, currentState: instanceState(instance.state), previousState };
    }),
  };
}

function stopInstances(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  return changeStates(params, ctx, (instance) => {
    const before = instance.state;
    stopInstance(ctx.world, instance, ctx.now);
    if (instance.state !== before) instance.stateReason = USER_SHUTDOWN;
  });
}

function terminateInstances(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  return changeStates(params, ctx, (instance) => terminateInstance(ctx.world, instance, ctx.now, USER_SHUTDOWN));
}

export const instanceOperations = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StopInstances: stopInstances,
  TerminateInstances: terminateInstances,
};
