/**
 * The EC2 part of a region: instances, images, snapshots, launch templates and the network
 * they launch into. Other services (Auto Scaling, SSM) act on instances through
 * `instances.ts`, never by editing these records directly.
 */
export type Tag = { Key: string; Value: string };

export type InstanceState = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

export interface Instance {
  id: string;
  imageId: string;
  instanceType: string;
  state: InstanceState;
  stateReason?: string;
  launchTime: number;
  subnetId: string;
  availabilityZone: string;
  privateIpAddress: string;
  tags: Tag[];
  userData?: string;
  iamInstanceProfile?: string;
  securityGroupIds: string[];
  launchTemplate?: { id: string; version: string };
  /** `stop` or `terminate`: what a shutdown from inside the instance does. */
  shutdownBehavior: "stop" | "terminate";
  metadataHttpTokens: "optional" | "required";
  /** False when its image is marked unhealthy: it never passes a health check. */
  healthy: boolean;
  /** When the SSM agent registers with SSM (undefined until the instance runs). */
  ssmOnlineAt?: number;
  /** The Auto Scaling group that launched it, if any. */
  autoScalingGroup?: string;
  /** The RunInstances call that launched it; instances launched together share it. */
  reservationId?: string;
  /** The ClientToken of the RunInstances call that launched it, which DescribeInstances shows. */
  clientToken?: string;
}

export type ImageState = "pending" | "available" | "failed" | "deregistered";

export interface Image {
  id: string;
  name: string;
  description?: string;
  state: ImageState;
  stateReason?: string;
  ownerId: string;
  creationDate: number;
  architecture: "x86_64" | "arm64";
  rootDeviceName: string;
  snapshotIds: string[];
  tags: Tag[];
  /** Accounts with launch permission besides the owner. */
  launchPermissions: string[];
  isPublic: boolean;
  deprecationTime?: number;
  sourceInstanceId?: string;
  sourceImageId?: string;
  sourceRegion?: string;
  /** Instances launched from this image fail health checks. */
  unhealthy: boolean;
  encrypted: boolean;
  kmsKeyId?: string;
}

export interface Snapshot {
  id: string;
  volumeSize: number;
  state: "pending" | "completed" | "error";
  startTime: number;
  ownerId: string;
  description?: string;
  tags: Tag[];
  encrypted: boolean;
  kmsKeyId?: string;
  /** Accounts allowed to create volumes from it. */
  createVolumePermissions: string[];
}

export interface LaunchTemplateVersion {
  versionNumber: number;
  description?: string;
  createTime: number;
  /** The launch template data as the API takes it: ImageId, InstanceType, UserData, ... */
  data: Record<string, unknown>;
}

export interface LaunchTemplate {
  id: string;
  name: string;
  createTime: number;
  defaultVersion: number;
  latestVersion: number;
  versions: LaunchTemplateVersion[];
  tags: Tag[];
}

export interface Subnet {
  id: string;
  availabilityZone: string;
  cidrBlock: string;
  vpcId: string;
}

export interface Ec2State {
  instances: Map<string, Instance>;
  images: Map<string, Image>;
  snapshots: Map<string, Snapshot>;
  launchTemplates: Map<string, LaunchTemplate>;
  subnets: Map<string, Subnet>;
  securityGroups: Set<string>;
}

export function emptyEc2State(): Ec2State {
  return {
    instances: new Map(),
    images: new Map(),
    snapshots: new Map(),
    launchTemplates: new Map(),
    subnets: new Map(),
    securityGroups: new Set(),
  };
}
