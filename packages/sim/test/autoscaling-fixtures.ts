import {
  AutoScalingClient,
  type AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
} from "@aws-sdk/client-auto-scaling";
import { afterEach, beforeEach } from "vitest";
import { startServer } from "../src/server.ts";
import type { LaunchTemplate } from "../src/services/ec2/state.ts";
import { World, type WorldOptions } from "../src/world.ts";

/**
 * A world and a server for Auto Scaling tests, driven through the real SDK client. Images
 * and launch templates go straight into the world's EC2 model, as the EC2 API would put them.
 */
export const REGION = "eu-west-1";

export interface AsgFixture {
  world: World;
  asg: AutoScalingClient;
}

export function useAutoScaling(options: WorldOptions = {}): AsgFixture {
  const fixture = {} as AsgFixture;
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    fixture.world = new World(options);
    const server = await startServer(fixture.world);
    close = server.close;
    fixture.asg = new AutoScalingClient({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    fixture.asg.destroy();
    await close();
  });
  return fixture;
}

export function region(world: World) {
  return world.region(REGION);
}

/** An available image; `unhealthy` ones launch instances that never pass a health check. */
export function putImage(world: World, options: { unhealthy?: boolean } = {}): string {
  const id = world.newId("ami");
  region(world).ec2.images.set(id, {
    id,
    name: `app-${id}`,
    state: "available",
    ownerId: world.accountId,
    creationDate: world.clock.now(),
    architecture: "x86_64",
    rootDeviceName: "/dev/xvda",
    snapshotIds: [],
    tags: [],
    launchPermissions: [],
    isPublic: false,
    unhealthy: options.unhealthy ?? false,
    encrypted: false,
  });
  return id;
}

/** A launch template with one version per image, version 1 the default. */
export function putLaunchTemplate(world: World, name: string, imageIds: string[]): LaunchTemplate {
  const now = world.clock.now();
  const template: LaunchTemplate = {
    id: world.newId("lt"),
    name,
    createTime: now,
    defaultVersion: 1,
    latestVersion: imageIds.length,
    versions: imageIds.map((ImageId, i) => ({
      versionNumber: i + 1,
      createTime: now,
      data: {
        ImageId,
        InstanceType: "t3.micro",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "from-template", Value: "yes" }] }],
      },
    })),
    tags: [],
  };
  region(world).ec2.launchTemplates.set(template.id, template);
  return template;
}

export function defaultSubnets(world: World): string[] {
  return [...region(world).ec2.subnets.keys()];
}

/** A group on `template` (version 1 unless said), in every default subnet, healthy instances right after boot. */
export async function createGroup(
  t: AsgFixture,
  template: LaunchTemplate,
  input: Partial<CreateAutoScalingGroupCommandInput> = {},
): Promise<string> {
  const name = input.AutoScalingGroupName ?? "web";
  await t.asg.send(
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

export async function describeGroup(t: AsgFixture, name: string): Promise<AutoScalingGroup> {
  const { AutoScalingGroups } = await t.asg.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const group = AutoScalingGroups?.[0];
  if (!group) throw new Error(`no group ${name}`);
  return group;
}

/** Lets virtual time pass until every instance of the group is InService and Healthy. */
export async function converge(t: AsgFixture, name: string): Promise<AutoScalingGroup> {
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

export async function describeRefresh(t: AsgFixture, name: string, id: string): Promise<InstanceRefresh> {
  const { InstanceRefreshes } = await t.asg.send(
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
  t: AsgFixture,
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
