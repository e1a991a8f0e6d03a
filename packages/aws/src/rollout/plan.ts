import { DeployError } from "@deploy/core";
import type { AwsClients } from "../clients.ts";
import { describeGroup } from "../group.ts";
import { checkImage } from "../images.ts";
import { checkArchitecture } from "../instance-types.ts";
import { readTemplateVersion, type TemplateVersion, templateChanges } from "../launch-template.ts";
import type { TagContext } from "../tags.ts";
import { planReplacement } from "./batches.ts";
import { servingGroup } from "./family.ts";
import { activeRefresh } from "./refreshes.ts";
import { namesRun } from "./run-marker.ts";
import type { GroupInfo, RolloutContext, RolloutPlan, RolloutRequest } from "./types.ts";

/**
 * The pre-flight, read-only (Describe calls only): the group exists and launches from a
 * launch template, AutoRollback can work, the AMI is available in the region, and any
 * refresh already running is found, with whether this run started it. Then what will
 * change, in which batches, and how long it should take (see batches.ts).
 */
export async function planRollout(ctx: RolloutContext, request: RolloutRequest): Promise<RolloutPlan> {
  const clients = ctx.aws(request.region);
  // Blue/green replaces whichever group of the family serves now, found from any of its names.
  const group =
    request.strategy === "blue-green"
      ? await servingGroup(clients, request.groupName)
      : await describeGroup(clients, request.groupName);
  const template = launchTemplateOf(group);
  const current = await readTemplateVersion(clients, template.id, template.version);
  if (request.strategy === "rolling" && request.preferences.autoRollback) {
    refuseUnreversible(group.name, template.version, current);
  }
  const image = await checkImage(clients, request.imageId, ctx);
  if (current.instanceType) {
    await checkArchitecture(clients, image, current.instanceType, {
      launches: `the instance type of ${group.name}'s launch template`,
      input: "ami-id",
    });
  }
  const runningRefresh = await findRunningRefresh(clients, group.name, ctx.run);
  const replacement = planReplacement(group, request.preferences, {
    strategy: request.strategy,
    ...(runningRefresh?.startedByThisRun && { targetVersion: runningRefresh.desiredVersion }),
  });
  return {
    group,
    launchTemplate: { id: template.id, name: template.name, currentVersion: current.versionNumber },
    currentImageId: current.imageId,
    newImageId: request.imageId,
    changes: templateChanges(current, { imageId: request.imageId, userData: request.userData }),
    ...replacement,
    ...(runningRefresh && { runningRefresh }),
  };
}

/** AWS's AutoRollback preconditions: it returns the group to the version the group names, so that must be a fixed AMI. */
function refuseUnreversible(groupName: string, groupVersion: string, current: TemplateVersion): void {
  if (groupVersion === "$Latest" || groupVersion === "$Default") {
    throw new DeployError({
      what: `Auto Scaling group ${groupName} uses its launch template's ${groupVersion} version, so AWS cannot roll an instance refresh back.`,
      why: `A rollback returns the group to the version it names, and ${groupVersion} moves when a version is added.`,
      fix: `Set the group's launch template version to a number (${groupVersion} is version ${current.versionNumber} now), or set auto-rollback to false.`,
      input: "auto-rollback",
      code: "AutoRollbackUnsupported",
    });
  }
  if (current.imageId?.startsWith("resolve:ssm:")) {
    throw new DeployError({
      what: `Launch template ${current.templateName} version ${current.versionNumber}, which group ${groupName} uses, takes its image id from an SSM parameter (${current.imageId}), so AWS cannot roll an instance refresh back to it.`,
      fix: "Put an AMI id into the group's launch template version (the versions this action creates always have one), or set auto-rollback to false.",
      input: "auto-rollback",
      code: "AutoRollbackUnsupported",
    });
  }
}

function launchTemplateOf(group: GroupInfo): NonNullable<GroupInfo["launchTemplate"]> {
  if (group.launchTemplate) return group.launchTemplate;
  if (group.launchConfigurationName) {
    throw new DeployError({
      what: `Auto Scaling group ${group.name} uses the launch configuration ${group.launchConfigurationName}, not a launch template.`,
      why: "Rolling out a new AMI creates a launch-template version and refreshes the group to it; launch configurations have no versions, and AWS no longer adds features to them.",
      fix: "Migrate the group to a launch template (the EC2 console copies a launch configuration to one) with an explicit version number, then run this step again.",
      code: "LaunchConfigurationUnsupported",
    });
  }
  throw new DeployError({
    what: `Auto Scaling group ${group.name} launches through a mixed instances policy, which this action does not roll out to yet.`,
    fix: "Use a group with a launch template of its own (LaunchTemplate, not MixedInstancesPolicy).",
    code: "MixedInstancesPolicyUnsupported",
  });
}

/**
 * The group's active refresh, and whether this run started it: the version it rolls out to
 * has a description naming this run (see run-marker.ts). Any attempt of the run counts, so
 * a re-run attaches to the refresh the first attempt left running.
 */
async function findRunningRefresh(
  clients: AwsClients,
  groupName: string,
  run: TagContext,
): Promise<RolloutPlan["runningRefresh"]> {
  const refresh = await activeRefresh(clients, groupName);
  if (!refresh?.InstanceRefreshId) return undefined;
  const found = { id: refresh.InstanceRefreshId, status: refresh.Status ?? "Unknown" };
  const desired = refresh.DesiredConfiguration?.LaunchTemplate;
  if (!desired?.LaunchTemplateId || !desired.Version) return { ...found, startedByThisRun: false };
  const version = await readTemplateVersion(clients, desired.LaunchTemplateId, desired.Version);
  return {
    ...found,
    startedByThisRun: namesRun(version.description, run.runId),
    desiredVersion: version.versionNumber,
  };
}
