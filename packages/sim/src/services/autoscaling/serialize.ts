import type { Activity, Group, InstanceRefresh, LaunchTemplateRef, Member } from "./state.ts";
import { trafficSources } from "./traffic.ts";

/**
 * The Auto Scaling records as the API returns them, with AWS's element names. Lists the
 * API always returns are present even when empty.
 */
export function launchTemplateXml(ref: LaunchTemplateRef | undefined) {
  return ref && { LaunchTemplateId: ref.id, LaunchTemplateName: ref.name, Version: ref.version };
}

export function memberXml(member: Member) {
  return {
    InstanceId: member.id,
    InstanceType: member.instanceType,
    AvailabilityZone: member.availabilityZone,
    LifecycleState: member.lifecycleState,
    HealthStatus: member.healthStatus,
    LaunchTemplate: launchTemplateXml(member.launchTemplate),
    ProtectedFromScaleIn: member.protectedFromScaleIn,
  };
}

export function groupXml(group: Group, accountId: string, includeInstances = true) {
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchConfigurationName: group.launchConfigurationName,
    LaunchTemplate: launchTemplateXml(group.launchTemplate),
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldown,
    AvailabilityZones: group.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: group.targetGroupARNs,
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: group.healthCheckGracePeriod,
    Instances: includeInstances ? [...group.members.values()].map(memberXml) : undefined,
    CreatedTime: new Date(group.createdAt),
    SuspendedProcesses: [...group.suspended].map(([ProcessName, SuspensionReason]) => ({
      ProcessName,
      SuspensionReason,
    })),
    VPCZoneIdentifier: group.subnetIds.join(","),
    EnabledMetrics: [],
    Status: group.deleting ? "Delete in progress" : undefined,
    Tags: group.tags.map((t) => ({
      ResourceId: group.name,
      ResourceType: "auto-scaling-group",
      Key: t.Key,
      Value: t.Value,
      PropagateAtLaunch: t.PropagateAtLaunch,
    })),
    TerminationPolicies: ["Default"],
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
    DefaultInstanceWarmup: group.defaultInstanceWarmup,
    TrafficSources: trafficSources(group).map((s) => ({ Identifier: s.identifier, Type: s.type })),
  };
}

export function refreshXml(refresh: InstanceRefresh) {
  const p = refresh.preferences;
  const checkpoints = p.checkpointPercentages.length > 0;
  const rollback = refresh.rollback;
  const instancesToUpdate = rollback ? rollback.instancesToUpdate : refresh.instancesToUpdate;
  return {
    InstanceRefreshId: refresh.id,
    AutoScalingGroupName: refresh.groupName,
    Status: refresh.status,
    StatusReason: refresh.statusReason,
    StartTime: new Date(refresh.startTime),
    EndTime: refresh.endTime === undefined ? undefined : new Date(refresh.endTime),
    PercentageComplete: refresh.percentageComplete,
    InstancesToUpdate: instancesToUpdate,
    ProgressDetails: progressXml(refresh.percentageComplete, instancesToUpdate),
    Preferences: {
      MinHealthyPercentage: p.minHealthyPercentage,
      InstanceWarmup: p.instanceWarmup,
      CheckpointPercentages: checkpoints ? p.checkpointPercentages : undefined,
      CheckpointDelay: checkpoints ? p.checkpointDelay : undefined,
      SkipMatching: p.skipMatching,
      AutoRollback: p.autoRollback,
      ScaleInProtectedInstances: p.scaleInProtectedInstances,
      StandbyInstances: p.standbyInstances,
      AlarmSpecification: p.alarms && { Alarms: p.alarms },
      MaxHealthyPercentage: p.maxHealthyPercentage,
      BakeTime: p.bakeTime,
    },
    DesiredConfiguration: refresh.desiredConfiguration && {
      LaunchTemplate: launchTemplateXml(refresh.desiredConfiguration),
    },
    RollbackDetails: rollback && {
      RollbackReason: rollback.reason,
      RollbackStartTime: new Date(rollback.startTime),
      PercentageCompleteOnRollback: rollback.percentageComplete,
      InstancesToUpdateOnRollback: rollback.instancesToUpdate,
      ProgressDetailsOnRollback: progressXml(rollback.percentageComplete, rollback.instancesToUpdate),
    },
    Strategy: "Rolling",
  };
}

/** Groups here have no warm pool: its part of the work is always done. */
function progressXml(percentageComplete: number, instancesToUpdate: number) {
  return {
    LivePoolProgress: { PercentageComplete: percentageComplete, InstancesToUpdate: instancesToUpdate },
    WarmPoolProgress: { PercentageComplete: 100, InstancesToUpdate: 0 },
  };
}

export function activityXml(activity: Activity, groupExists: boolean) {
  return {
    ActivityId: activity.id,
    AutoScalingGroupName: activity.groupName,
    Description: activity.description,
    Cause: activity.cause,
    StartTime: new Date(activity.startTime),
    EndTime: activity.endTime === undefined ? undefined : new Date(activity.endTime),
    StatusCode: activity.statusCode,
    StatusMessage: activity.statusMessage,
    Progress: activity.progress,
    Details: activity.details,
    AutoScalingGroupState: groupExists ? "InService" : "Deleted",
    AutoScalingGroupARN: activity.groupArn,
  };
}
