/**
 * The Auto Scaling part of a region: groups with their member instances, their instance
 * refreshes, and the scaling activities that record what the groups did. The EC2 side of
 * each member lives in `ec2.instances`; a member here is the group's view of it
 * (lifecycle state, health, the launch template version it came from).
 */

/** The processes SuspendProcesses can stop. */
export const SCALING_PROCESSES = [
  "Launch",
  "Terminate",
  "AddToLoadBalancer",
  "AlarmNotification",
  "AZRebalance",
  "HealthCheck",
  "InstanceRefresh",
  "ReplaceUnhealthy",
  "ScheduledActions",
] as const;

export type ScalingProcess = (typeof SCALING_PROCESSES)[number];

/**
 * A launch template as a group names it. `version` is what the caller asked for (`$Latest`,
 * `$Default` or a number) on a group and a refresh; on a member it is the number it launched with.
 */
export interface LaunchTemplateRef {
  id: string;
  name: string;
  version: string;
}

export type LifecycleState = "Pending" | "InService" | "Terminating";

export type HealthStatus = "Healthy" | "Unhealthy";

export interface Activity {
  id: string;
  groupName: string;
  groupArn: string;
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: "InProgress" | "Successful" | "Failed";
  statusMessage?: string;
  progress: number;
  details: string;
}

export interface Member {
  id: string;
  availabilityZone: string;
  instanceType: string;
  lifecycleState: LifecycleState;
  healthStatus: HealthStatus;
  launchTemplate?: LaunchTemplateRef;
  protectedFromScaleIn: boolean;
  launchedAt: number;
  inServiceAt?: number;
  terminatingAt?: number;
  launchActivity?: Activity;
  terminateActivity?: Activity;
}

export interface GroupTag {
  Key: string;
  Value: string;
  PropagateAtLaunch: boolean;
}

export type TrafficSourceType = "elb" | "elbv2" | "vpc-lattice";

/** A load balancer (`elb`: its name) or target group (`elbv2`, `vpc-lattice`: its ARN) that sends traffic to a group. */
export interface TrafficSource {
  identifier: string;
  type: TrafficSourceType;
}

export interface Group {
  name: string;
  arn: string;
  createdAt: number;
  launchTemplate?: LaunchTemplateRef;
  launchConfigurationName?: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  availabilityZones: string[];
  subnetIds: string[];
  healthCheckType: string;
  /** Seconds. */
  healthCheckGracePeriod: number;
  /** Seconds. */
  defaultInstanceWarmup?: number;
  /** Target groups attached at creation or with AttachLoadBalancerTargetGroups. */
  targetGroupARNs: string[];
  /** Traffic sources attached with AttachTrafficSources (traffic.ts). */
  trafficSources: TrafficSource[];
  tags: GroupTag[];
  newInstancesProtectedFromScaleIn: boolean;
  suspended: Map<ScalingProcess, string>;
  members: Map<string, Member>;
  /** Set by DeleteAutoScalingGroup with ForceDelete: the group goes once its instances are gone. */
  deleting: boolean;
  /** Oldest first. */
  refreshes: InstanceRefresh[];
  /** When the reconciler is next due, so that it is scheduled once, not once per change. */
  wakeAt?: number;
  /** Launch failures in a row, for the retry backoff. */
  launchFailures: number;
  retryLaunchAt?: number;
}

export type RefreshStatus =
  | "Pending"
  | "InProgress"
  | "Baking"
  | "Successful"
  | "Failed"
  | "Cancelling"
  | "Cancelled"
  | "RollbackInProgress"
  | "RollbackSuccessful"
  | "RollbackFailed";

/** A refresh is active, and blocks another, in these states. */
export const ACTIVE_REFRESH_STATUSES: readonly RefreshStatus[] = [
  "Pending",
  "InProgress",
  "Baking",
  "Cancelling",
  "RollbackInProgress",
];

/** Preferences with every default resolved; durations in seconds, as the API gives them. */
export interface RefreshPreferences {
  minHealthyPercentage: number;
  /** Undefined when not given: AWS then terminates and launches together instead of launching first. */
  maxHealthyPercentage?: number;
  instanceWarmup: number;
  checkpointPercentages: number[];
  checkpointDelay: number;
  skipMatching: boolean;
  autoRollback: boolean;
  scaleInProtectedInstances: "Refresh" | "Ignore" | "Wait";
  standbyInstances: "Terminate" | "Ignore" | "Wait";
  alarms?: string[];
  bakeTime: number;
}

/**
 * One sweep of replacements towards a target configuration: the refresh itself, and its
 * rollback back to the group's configuration.
 */
export interface ReplacementPass {
  /** What new instances launch with, the version pinned; none for a group on a launch configuration. */
  target?: LaunchTemplateRef;
  /** Members still to be replaced, chosen when the pass starts. */
  toReplace: Set<string>;
  total: number;
  /** Members launched while the pass ran: they count towards its progress once ready. */
  launched: Set<string>;
  /** Launched members that failed their health check. */
  failed: Set<string>;
  /** Launches that failed outright. */
  launchErrors: number;
}

export interface InstanceRefresh {
  id: string;
  groupName: string;
  status: RefreshStatus;
  statusReason?: string;
  startTime: number;
  endTime?: number;
  preferences: RefreshPreferences;
  /** As given: the group takes it on when the refresh succeeds. */
  desiredConfiguration?: LaunchTemplateRef;
  /** The group's configuration when the refresh started: what a rollback goes back to. */
  previous?: LaunchTemplateRef;
  pass: ReplacementPass;
  rollback?: {
    reason: string;
    startTime: number;
    percentageComplete: number;
    instancesToUpdate: number;
    pass: ReplacementPass;
  };
  percentageComplete: number;
  instancesToUpdate: number;
  /** Index of the next checkpoint not yet reached. */
  nextCheckpoint: number;
  pausedUntil?: number;
  bakeUntil?: number;
  /** Since when only scale-in protected instances are left to replace (preference Wait). */
  protectedWaitSince?: number;
  /** CancelInstanceRefresh's WaitForTransitioningInstances. */
  cancelWaits: boolean;
}

export interface AutoScalingState {
  groups: Map<string, Group>;
  /** Newest last; kept after a group is deleted, as DescribeScalingActivities can still show them. */
  activities: Activity[];
}

export function emptyAutoScalingState(): AutoScalingState {
  return { groups: new Map(), activities: [] };
}
