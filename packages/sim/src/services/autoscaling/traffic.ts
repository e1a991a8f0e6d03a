import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState, World } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import { settle } from "./capacity.ts";
import { maxRecords, requireGroup, validation } from "./errors.ts";
import { aliveMembers } from "./members.ts";
import { activeRefresh } from "./refresh.ts";
import type { Group, TrafficSource, TrafficSourceType } from "./state.ts";

/**
 * What sends traffic to a group's instances. Two generations of the API attach it, and as
 * on AWS each detaches and describes only what it attached: *LoadBalancerTargetGroups works
 * on `group.targetGroupARNs` (which CreateAutoScalingGroup's TargetGroupARNs also fills),
 * *TrafficSources on `group.trafficSources`, and DescribeTrafficSources and
 * DescribeAutoScalingGroups' TrafficSources list both.
 *
 * There is no load balancer behind them: a well-formed ARN in the request's region is taken
 * to exist, and a target group "sends traffic" to the InService, Healthy instances of the
 * groups attached to it (`trafficTargets`). Detaching takes effect at once (no `Removing`
 * state while connections drain).
 */

const MAX_PER_CALL = 10;
const TYPES: readonly TrafficSourceType[] = ["elb", "elbv2", "vpc-lattice"];

export function attachLoadBalancerTargetGroups(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const arns = readList(q.strings("TargetGroupARNs"), "targetGroupARNs");
  for (const arn of arns) {
    if (!isArn(region, arn, "elasticloadbalancing")) {
      throw validation("Provided Target Groups may not be valid. Please ensure they exist and try again.");
    }
  }
  refuseDuringRefresh(group);
  for (const arn of arns) if (!group.targetGroupARNs.includes(arn)) group.targetGroupARNs.push(arn);
  return {};
}

export function detachLoadBalancerTargetGroups(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const arns = readList(q.strings("TargetGroupARNs"), "targetGroupARNs");
  if (arns.some((arn) => !group.targetGroupARNs.includes(arn))) {
    throw validation("Trying to remove Target Groups that are not part of the group");
  }
  group.targetGroupARNs = group.targetGroupARNs.filter((arn) => !arns.includes(arn));
  return {};
}

export function describeLoadBalancerTargetGroups(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"), false);
  const { page, nextToken } = paginate(group.targetGroupARNs, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 100),
    defaultMax: 100,
  });
  const state = attachmentState(group, "elbv2");
  return {
    LoadBalancerTargetGroups: page.map((arn) => ({ LoadBalancerTargetGroupARN: arn, State: state })),
    NextToken: nextToken,
  };
}

export function attachTrafficSources(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const sources = readList(q.structs("TrafficSources"), "trafficSources").map((s) =>
    readSource(region, s.requiredStr("Identifier"), s.str("Type")),
  );
  refuseDuringRefresh(group);
  for (const source of sources) {
    if (!trafficSources(group).some((s) => s.identifier === source.identifier)) group.trafficSources.push(source);
  }
  return {};
}

export function detachTrafficSources(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"));
  const ids = readList(q.structs("TrafficSources"), "trafficSources").map((s) => s.requiredStr("Identifier"));
  const attached = new Set(trafficSources(group).map((s) => s.identifier));
  if (ids.some((id) => !attached.has(id))) {
    throw validation("Trying to remove Traffic Sources that are not part of the group");
  }
  group.targetGroupARNs = group.targetGroupARNs.filter((arn) => !ids.includes(arn));
  group.trafficSources = group.trafficSources.filter((s) => !ids.includes(s.identifier));
  return {};
}

export function describeTrafficSources(q: QueryParams, { region }: RequestContext) {
  const group = requireGroup(region, q.requiredStr("AutoScalingGroupName"), false);
  const type = q.str("TrafficSourceType");
  const sources = trafficSources(group).filter((s) => type === undefined || s.type === type);
  const { page, nextToken } = paginate(sources, {
    nextToken: q.str("NextToken"),
    maxResults: maxRecords(q.int("MaxRecords"), 50),
    defaultMax: 50,
  });
  return {
    TrafficSources: page.map((s) => ({
      TrafficSource: s.identifier,
      Identifier: s.identifier,
      Type: s.type,
      State: attachmentState(group, s.type),
    })),
    NextToken: nextToken,
  };
}

/** Every traffic source of the group, whichever API attached it. */
export function trafficSources(group: Group): TrafficSource[] {
  return [
    ...group.targetGroupARNs.map((identifier): TrafficSource => ({ identifier, type: "elbv2" })),
    ...group.trafficSources,
  ];
}

/**
 * The instances a traffic source sends traffic to, per group: the InService, Healthy
 * members of the groups attached to it, groups being deleted aside. A group with no such
 * member is not listed. For tests: "exactly one group serves the target group".
 */
export function trafficTargets(
  world: World,
  region: RegionState | string,
  identifier: string,
): Record<string, string[]> {
  const state = typeof region === "string" ? world.region(region) : region;
  settle(world, state, world.now());
  const targets: Record<string, string[]> = {};
  for (const group of state.autoscaling.groups.values()) {
    if (group.deleting || !trafficSources(group).some((s) => s.identifier === identifier)) continue;
    const serving = aliveMembers(group).filter((m) => m.lifecycleState === "InService" && m.healthStatus === "Healthy");
    if (serving.length > 0) targets[group.name] = serving.map((m) => m.id).sort();
  }
  return targets;
}

/**
 * `InService` once an instance passes the load balancer's health check, which the group
 * follows only with the matching health check type; `Adding` while instances launch;
 * `Added` otherwise.
 */
function attachmentState(group: Group, type: TrafficSourceType): "Adding" | "Added" | "InService" {
  const members = aliveMembers(group);
  const check = type === "vpc-lattice" ? "VPC_LATTICE" : "ELB";
  if (
    group.healthCheckType === check &&
    members.some((m) => m.lifecycleState === "InService" && m.healthStatus === "Healthy")
  ) {
    return "InService";
  }
  return members.some((m) => m.lifecycleState === "Pending") ? "Adding" : "Added";
}

/** The documented AttachTrafficSources rule: Type may be left out for an ARN, not for a Classic Load Balancer's name. */
function readSource(region: RegionState, identifier: string, type: string | undefined): TrafficSource {
  const inferred =
    type ??
    (isArn(region, identifier, "elasticloadbalancing")
      ? "elbv2"
      : isArn(region, identifier, "vpc-lattice")
        ? "vpc-lattice"
        : undefined);
  if (inferred === undefined) {
    throw validation(`The traffic source ${identifier} needs a Type: elb for the name of a Classic Load Balancer.`);
  }
  if (!TYPES.includes(inferred as TrafficSourceType)) {
    throw validation(`Invalid traffic source type ${inferred}: valid types are ${TYPES.join(", ")}.`);
  }
  const valid =
    inferred === "elb"
      ? /^[A-Za-z0-9-]{1,32}$/.test(identifier)
      : isArn(region, identifier, inferred === "elbv2" ? "elasticloadbalancing" : "vpc-lattice");
  if (!valid) throw validation("Provided Traffic Sources may not be valid. Please ensure they exist and try again.");
  return { identifier, type: inferred as TrafficSourceType };
}

/** A target group's ARN of `service` in the request's region. */
function isArn(region: RegionState, value: string, service: string): boolean {
  const parts = value.split(":");
  return (
    parts.length === 6 &&
    /^arn:aws[a-z-]*$/.test(`${parts[0]}:${parts[1]}`) &&
    parts[2] === service &&
    parts[3] === region.name &&
    /^\d{12}$/.test(parts[4] ?? "") &&
    /^targetgroup\/[^/]+(\/[0-9a-f]+)?$/.test(parts[5] ?? "")
  );
}

/** A required list of at most ten, as both attach and detach calls take. */
function readList<T>(items: T[], member: string): T[] {
  if (items.length === 0) {
    throw validation(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (items.length > MAX_PER_CALL) throw validation(`You can specify up to ${MAX_PER_CALL} ${member} in one call.`);
  return items;
}

function refuseDuringRefresh(group: Group): void {
  if (activeRefresh(group)) {
    throw new AwsError(
      "InstanceRefreshInProgress",
      `An instance refresh is in progress for Auto Scaling group ${group.name}: traffic sources cannot be attached until it ends.`,
    );
  }
}
