import type { RegionState, World } from "../../world.ts";
import { launchInstance, terminateInstance } from "../ec2/instances.ts";
import { launchSpecFromTemplate } from "../ec2/launch-templates.ts";
import type { Instance } from "../ec2/state.ts";
import { mergeTags } from "../ec2/tags.ts";
import type { Activity, Group, LaunchTemplateRef, Member } from "./state.ts";

/**
 * A group's members as the group sees them, and the two things a group does to them:
 * launch one from a launch template version, and take one out of service. Each is a
 * scaling activity, as DescribeScalingActivities shows it.
 */
export function aliveMembers(group: Group): Member[] {
  return [...group.members.values()].filter((m) => m.lifecycleState !== "Terminating");
}

/** AWS writes times in activity causes to the second. */
export function isoSeconds(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A UUID from the world's seeded generator, so runs repeat. */
export function newUuid(world: World): string {
  let hex = "";
  while (hex.length < 32) hex += Math.floor(world.randomFraction() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function startActivity(
  world: World,
  region: RegionState,
  group: Group,
  now: number,
  fields: { description: string; cause: string; details?: Record<string, string> },
): Activity {
  const activity: Activity = {
    id: newUuid(world),
    groupName: group.name,
    groupArn: group.arn,
    description: fields.description,
    cause: fields.cause,
    startTime: now,
    statusCode: "InProgress",
    progress: 0,
    details: JSON.stringify(fields.details ?? {}),
  };
  region.autoscaling.activities.push(activity);
  return activity;
}

export function endActivity(activity: Activity, now: number, failure?: string): void {
  activity.statusCode = failure === undefined ? "Successful" : "Failed";
  activity.endTime = now;
  activity.progress = 100;
  if (failure !== undefined) activity.statusMessage = failure;
}

/**
 * Launches one instance of `ref` (pinned or not) into `subnetId`, tagged with the group's
 * name and its tags that propagate. Throws the error of a launch that cannot happen (its
 * image is gone, say), after recording it as a failed activity.
 */
export function launchMember(
  world: World,
  region: RegionState,
  group: Group,
  ref: LaunchTemplateRef,
  subnetId: string | undefined,
  now: number,
  cause: string,
): Member {
  let instance: Instance;
  try {
    const spec = launchSpecFromTemplate(world, region, { id: ref.id, version: ref.version });
    const groupTags = group.tags.filter((t) => t.PropagateAtLaunch).map(({ Key, Value }) => ({ Key, Value }));
    instance = launchInstance(
      world,
      region,
      {
        ...spec,
        subnetId: subnetId ?? spec.subnetId,
        tags: mergeTags(spec.tags ?? [], [...groupTags, { Key: "aws:autoscaling:groupName", Value: group.name }]),
        autoScalingGroup: group.name,
      },
      now,
    );
  } catch (error) {
    const activity = startActivity(world, region, group, now, { description: "Launching a new EC2 instance.", cause });
    endActivity(
      activity,
      now,
      `${error instanceof Error ? error.message : String(error)}. Launching EC2 instance failed.`,
    );
    throw error;
  }
  const member: Member = {
    id: instance.id,
    availabilityZone: instance.availabilityZone,
    instanceType: instance.instanceType,
    lifecycleState: "Pending",
    healthStatus: "Healthy",
    launchTemplate: { ...ref, version: instance.launchTemplate?.version ?? ref.version },
    protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    launchedAt: now,
  };
  member.launchActivity = startActivity(world, region, group, now, {
    description: `Launching a new EC2 instance: ${instance.id}`,
    cause,
    details: { "Subnet ID": instance.subnetId, "Availability Zone": instance.availabilityZone },
  });
  group.members.set(member.id, member);
  return member;
}

/** Takes a member out of service and terminates its instance; it leaves the group once terminated. */
export function terminateMember(
  world: World,
  region: RegionState,
  group: Group,
  member: Member,
  now: number,
  cause: string,
): void {
  member.lifecycleState = "Terminating";
  member.terminatingAt = now;
  member.terminateActivity = startActivity(world, region, group, now, {
    description: `Terminating EC2 instance: ${member.id}`,
    cause,
    details: { "Availability Zone": member.availabilityZone },
  });
  const instance = region.ec2.instances.get(member.id);
  if (instance) terminateInstance(world, instance, now, "Client.UserInitiatedShutdown: User initiated shutdown");
}
