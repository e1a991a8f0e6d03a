import type { QueryParams } from "../../protocol/query.ts";
import type { QueryService, RequestContext } from "../types.ts";
import { settle } from "./capacity.ts";
import {
  createAutoScalingGroup,
  deleteAutoScalingGroup,
  describeAutoScalingGroups,
  describeAutoScalingInstances,
  setDesiredCapacity,
  setInstanceProtection,
  terminateInstanceInAutoScalingGroup,
  updateAutoScalingGroup,
} from "./groups.ts";
import { describeScalingActivities, resumeProcesses, suspendProcesses } from "./processes.ts";
import {
  cancelInstanceRefresh,
  describeInstanceRefreshes,
  rollbackInstanceRefresh,
  startInstanceRefresh,
} from "./refreshes.ts";
import {
  attachLoadBalancerTargetGroups,
  attachTrafficSources,
  describeLoadBalancerTargetGroups,
  describeTrafficSources,
  detachLoadBalancerTargetGroups,
  detachTrafficSources,
} from "./traffic.ts";

export { type GroupSummary, groupSummary } from "./inspect.ts";
export { type AutoScalingSection, type SeedGroup, seedAutoScaling } from "./seed.ts";
export { trafficTargets } from "./traffic.ts";

type Handler = (q: QueryParams, ctx: RequestContext) => Record<string, unknown>;

/**
 * Every request sees the region's groups settled (an instance stopped through EC2 is
 * noticed), and a change takes effect in the request that makes it, as launches start
 * within moments on AWS.
 */
function settled(handler: Handler): Handler {
  return (q, ctx) => {
    settle(ctx.world, ctx.region, ctx.now);
    const result = handler(q, ctx);
    settle(ctx.world, ctx.region, ctx.now);
    return result;
  };
}

const operations: Record<string, Handler> = {
  CreateAutoScalingGroup: createAutoScalingGroup,
  UpdateAutoScalingGroup: updateAutoScalingGroup,
  DeleteAutoScalingGroup: deleteAutoScalingGroup,
  DescribeAutoScalingGroups: describeAutoScalingGroups,
  DescribeAutoScalingInstances: describeAutoScalingInstances,
  SetDesiredCapacity: setDesiredCapacity,
  SetInstanceProtection: setInstanceProtection,
  TerminateInstanceInAutoScalingGroup: terminateInstanceInAutoScalingGroup,
  StartInstanceRefresh: startInstanceRefresh,
  DescribeInstanceRefreshes: describeInstanceRefreshes,
  CancelInstanceRefresh: cancelInstanceRefresh,
  RollbackInstanceRefresh: rollbackInstanceRefresh,
  SuspendProcesses: suspendProcesses,
  ResumeProcesses: resumeProcesses,
  DescribeScalingActivities: describeScalingActivities,
  AttachLoadBalancerTargetGroups: attachLoadBalancerTargetGroups,
  DetachLoadBalancerTargetGroups: detachLoadBalancerTargetGroups,
  DescribeLoadBalancerTargetGroups: describeLoadBalancerTargetGroups,
  AttachTrafficSources: attachTrafficSources,
  DetachTrafficSources: detachTrafficSources,
  DescribeTrafficSources: describeTrafficSources,
};

export const autoScalingService: QueryService = {
  protocol: "query",
  xmlns: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  operations: Object.fromEntries(Object.entries(operations).map(([name, handler]) => [name, settled(handler)])),
};
