import {
  type AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
  SetInstanceProtectionCommand,
} from "@aws-sdk/client-auto-scaling";
import { addLaunchTemplateVersion, createLaunchTemplate } from "../src/services/ec2/launch-templates.ts";
import type { LaunchTemplate } from "../src/services/ec2/state.ts";
import type { World } from "../src/world.ts";
import { REGION, type TestSim } from "./support.ts";

/**
 * Helpers for Auto Scaling tests, driven through the real SDK client (`useTestSim`). Images
 * and launch templates go straight into the world's EC2 model, as the EC2 API would put them.
 */

export function region(world: World) {
  return world.region(REGION);
}

/** A launch template with one version per image, version 1 the default. */
export function putLaunchTemplate(world: World, name: string, imageIds: string[]): LaunchTemplate {
  const now = world.clock.now();
  const data = (ImageId: string) => ({
    ImageId,
    InstanceType: "t3.micro",
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "from-template", Value: "yes" }] }],
  });
  const [first, ...rest] = imageIds.map(data);
  if (!first) throw new Error("a launch template needs at least one image");
  const template = createLaunchTemplate(world, region(world), { name, data: first }, now);
  for (const more of rest) addLaunchTemplateVersion(template, more, undefined, now);
  return template;
}

export function defaultSubnets(world: World): string[] {
  return [...region(world).ec2.subnets.keys()];
}

/** A group on `template` (version 1 unless said), in every default subnet, healthy instances right after boot. */
export async function createGroup(
  t: TestSim,
  template: LaunchTemplate,
  input: Partial<CreateAutoScalingGroupCommandInput> = {},
): Promise<string> {
  const name = input.AutoScalingGroupName ?? "web";
  await t.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateName: template.name, Version: "1" },
      MinSize: 1,
      MaxSize: 10,
      DesiredCapacity: 4,
      VPCZoneIdentifier: defaultSubnets(t.world).join(","),
      ...input,
    }),
  );
  return name;
}

export async function describeGroup(t: TestSim, name: string): Promise<AutoScalingGroup> {
  const { AutoScalingGroups } = await t.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const group = AutoScalingGroups?.[0];
  if (!group) throw new Error(`no group ${name}`);
  return group;
}

/** Lets virtual time pass until every instance of the group is InService and Healthy. */
export async function converge(t: TestSim, name: string): Promise<AutoScalingGroup> {
  for (let i = 0; i < 100; i++) {
    const group = await describeGroup(t, name);
    const instances = group.Instances ?? [];
    if (
      instances.length === group.DesiredCapacity &&
      instances.every((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy")
    ) {
      return group;
    }
    await t.world.clock.sleep(15_000);
  }
  throw new Error(`group ${name} did not converge`);
}

export async function protectFromScaleIn(t: TestSim, name: string, instanceId: string): Promise<void> {
  await t.autoscaling.send(
    new SetInstanceProtectionCommand({
      AutoScalingGroupName: name,
      InstanceIds: [instanceId],
      ProtectedFromScaleIn: true,
    }),
  );
}

export async function describeRefresh(t: TestSim, name: string, id: string): Promise<InstanceRefresh> {
  const { InstanceRefreshes } = await t.autoscaling.send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name, InstanceRefreshIds: [id] }),
  );
  const refresh = InstanceRefreshes?.[0];
  if (!refresh) throw new Error(`no instance refresh ${id}`);
  return refresh;
}

const FINAL = ["Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"];

/**
 * Polls the refresh every `stepMs` of virtual time until it ends, calling `observe` with
 * each answer and the group as it was at that moment. Returns every answer seen.
 */
export async function followRefresh(
  t: TestSim,
  name: string,
  id: string,
  options: { stepMs?: number; observe?: (refresh: InstanceRefresh, group: AutoScalingGroup) => void } = {},
): Promise<InstanceRefresh[]> {
  const seen: InstanceRefresh[] = [];
  for (let i = 0; i < 5_000; i++) {
    const refresh = await describeRefresh(t, name, id);
    seen.push(refresh);
    options.observe?.(refresh, await describeGroup(t, name));
    if (FINAL.includes(refresh.Status ?? "")) return seen;
    await t.world.clock.sleep(options.stepMs ?? 15_000);
  }
  throw new Error(`instance refresh ${id} did not end`);
}
