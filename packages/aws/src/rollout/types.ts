import type { AwsContext } from "../clients.ts";

/**
 * The contract between the rolling-replace action and the rollout logic. The action reads
 * inputs into a RolloutRequest, asks for a plan (read-only pre-flight), then executes it;
 * its post step finishes what a cancelled main step left with `finishAbandoned`.
 */

/** An Auto Scaling group as the rollout needs it. */
export interface GroupInfo {
  name: string;
  /** Absent when the group uses a launch configuration (refused by pre-flight). */
  launchTemplate?: { id: string; name: string; version: string };
  launchConfigurationName?: string;
  /** The group launches through a mixed instances policy (refused by pre-flight: its refresh needs a MixedInstancesPolicy). */
  mixedInstancesPolicy?: boolean;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: GroupInstance[];
  targetGroupARNs: string[];
  healthCheckType: string;
  healthCheckGracePeriodSeconds: number;
  defaultInstanceWarmupSeconds?: number;
  subnetIds: string[];
  /** The zones the group launches in, as AWS reports them. */
  availabilityZones?: string[];
  tags: Record<string, string>;
  suspendedProcesses: string[];
}

export interface GroupInstance {
  id: string;
  lifecycleState: string;
  healthStatus: string;
  availabilityZone: string;
  launchTemplateVersion?: string;
  protectedFromScaleIn?: boolean;
}

/** The instance refresh preferences, as the action's inputs give them. */
export interface RefreshPreferences {
  minHealthyPercentage: number;
  maxHealthyPercentage?: number;
  instanceWarmupSeconds?: number;
  checkpointPercentages?: number[];
  checkpointDelaySeconds?: number;
  skipMatching: boolean;
  autoRollback: boolean;
  /** CloudWatch alarm names that fail the refresh (AlarmSpecification). */
  alarms?: string[];
  bakeTimeSeconds?: number;
  scaleInProtectedInstances?: "Refresh" | "Ignore" | "Wait";
  standbyInstances?: "Terminate" | "Ignore" | "Wait";
}

export type Strategy = "rolling" | "blue-green";
export type IfRefreshRunning = "fail" | "wait" | "cancel";
export type OnCancel = "rollback" | "cancel" | "leave";

export interface RolloutRequest {
  /** The group's region. */
  region: string;
  groupName: string;
  imageId: string;
  strategy: Strategy;
  preferences: RefreshPreferences;
  ifRefreshRunning: IfRefreshRunning;
  /** Rendered user data (plain text); base64 is applied when it goes into the launch template. */
  userData?: string;
  /** The new launch template version's description: names the release and the run. */
  description: string;
  /** User timeout; the plan's default applies when absent. */
  timeoutMs?: number;
  pollIntervalMs: number;
}

/** The step's context (AWS, time, cancellation, logging, the run for tags), and what the rollout reports as it goes. */
export interface RolloutContext extends AwsContext {
  /** Called as soon as something exists that the post step must be able to finish or undo. */
  onStarted?: (saved: SavedRollout) => void;
  /** Called at least every 30 s while waiting. */
  onProgress?: (progress: RolloutProgress) => void;
}

/** One change of a launch-template field between the group's version and the new one. */
export interface TemplateChange {
  field: string;
  from: string | undefined;
  to: string | undefined;
}

/** The read-only pre-flight's answer: what will change, how, and how long it should take. */
export interface RolloutPlan {
  group: GroupInfo;
  launchTemplate: { id: string; name: string; currentVersion: string };
  currentImageId: string | undefined;
  newImageId: string;
  changes: TemplateChange[];
  instancesToReplace: number;
  /** Instances replaced per batch, in order. */
  batches: number[];
  estimatedMs: number;
  /** The timeout used when the request has none: the estimate with room to spare. */
  defaultTimeoutMs: number;
  /** A refresh already running on the group, and whether this run (any attempt) started it. */
  runningRefresh?: {
    id: string;
    status: string;
    startedByThisRun: boolean;
    /** The launch-template version the running refresh rolls out (what an attaching re-run reports as new). */
    desiredVersion?: string;
  };
}

export interface RolloutProgress {
  percentageComplete: number;
  instancesToUpdate: number;
  status: string;
  statusReason?: string;
}

/** What the main step saves as soon as it exists, so the post step can finish or undo it. */
export type SavedRollout =
  | {
      strategy: "rolling";
      region: string;
      groupName: string;
      instanceRefreshId: string;
      launchTemplateId: string;
      newVersion: string;
      previousVersion: string;
    }
  | {
      strategy: "blue-green";
      region: string;
      /** The group that served traffic before. */
      blueGroupName: string;
      /** The group created for the new release. */
      greenGroupName: string;
      launchTemplateId: string;
      newVersion: string;
      previousVersion: string;
    };

export type RolloutStatus =
  | "Successful"
  | "Failed"
  | "Cancelled"
  | "RollbackSuccessful"
  | "RollbackFailed"
  | "TimedOut";

export interface RolloutResult {
  status: RolloutStatus;
  /** The group serving traffic now (the green group after a successful blue/green). */
  autoScalingGroup: string;
  instanceRefreshId?: string;
  launchTemplateId: string;
  launchTemplateVersion: string;
  previousLaunchTemplateVersion: string;
  /** The launch-template version the serving group is on now, after any rollback. */
  activeLaunchTemplateVersion: string;
  /** For the summary's timeline: what happened when (clock ms). */
  timeline: { at: number; event: string }[];
  statusReason?: string;
}
