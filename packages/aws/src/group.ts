import { type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DeployError } from "@deploy/core";
import { fromAwsError } from "./aws-errors.ts";
import type { AwsClients } from "./clients.ts";
import type { GroupInfo } from "./rollout/types.ts";

/** The group as the rollout needs it; a DeployError naming the group and region when it does not exist. */
export async function describeGroup(clients: AwsClients, name: string): Promise<GroupInfo> {
  let group: AutoScalingGroup | undefined;
  try {
    const answer = await clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    group = answer.AutoScalingGroups?.[0];
  } catch (error) {
    throw fromAwsError(error, `describe the Auto Scaling group ${name}`);
  }
  if (!group) {
    throw new DeployError({
      what: `Auto Scaling group ${name} does not exist in ${clients.region}.`,
      why: "DescribeAutoScalingGroups found no group by that name.",
      fix: "Check the group's name (it is case-sensitive) and the region.",
      code: "GroupNotFound",
    });
  }
  return groupInfo(group);
}

export function groupInfo(group: AutoScalingGroup): GroupInfo {
  const template = group.LaunchTemplate;
  return {
    name: group.AutoScalingGroupName ?? "",
    ...(template?.LaunchTemplateId && {
      launchTemplate: {
        id: template.LaunchTemplateId,
        name: template.LaunchTemplateName ?? "",
        // AWS's own default when a group names no version.
        version: template.Version ?? "$Default",
      },
    }),
    ...(group.LaunchConfigurationName && { launchConfigurationName: group.LaunchConfigurationName }),
    ...(group.MixedInstancesPolicy && { mixedInstancesPolicy: true }),
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    instances: (group.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? "",
      lifecycleState: i.LifecycleState ?? "",
      healthStatus: i.HealthStatus ?? "",
      availabilityZone: i.AvailabilityZone ?? "",
      ...(i.LaunchTemplate?.Version && { launchTemplateVersion: i.LaunchTemplate.Version }),
      ...(i.ProtectedFromScaleIn && { protectedFromScaleIn: true }),
    })),
    targetGroupARNs: group.TargetGroupARNs ?? [],
    healthCheckType: group.HealthCheckType ?? "EC2",
    healthCheckGracePeriodSeconds: group.HealthCheckGracePeriod ?? 0,
    // -1 is how AWS says the default warmup was turned off.
    ...(group.DefaultInstanceWarmup !== undefined &&
      group.DefaultInstanceWarmup >= 0 && { defaultInstanceWarmupSeconds: group.DefaultInstanceWarmup }),
    subnetIds: (group.VPCZoneIdentifier ?? "").split(",").filter(Boolean),
    ...(group.AvailabilityZones && { availabilityZones: group.AvailabilityZones }),
    tags: Object.fromEntries((group.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    suspendedProcesses: (group.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? "").filter(Boolean),
  };
}
