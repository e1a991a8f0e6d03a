import type { RegionState, World } from "../../world.ts";
import { reconcile, settle } from "./capacity.ts";
import { newGroup } from "./groups.ts";
import { aliveMembers, endActivity } from "./members.ts";
import { templateRef } from "./templates.ts";

/**
 * The Auto Scaling section of a world file's region, which describes a running fleet:
 *
 * ```json
 * "autoScalingGroups": [{
 *   "name": "web",
 *   "launchTemplate": { "name": "web", "version": "3" },
 *   "minSize": 2, "maxSize": 6, "desiredCapacity": 3,
 *   "subnets": ["subnet-0123456789abcdef0"],
 *   "healthCheckType": "ELB", "healthCheckGracePeriod": 300,
 *   "targetGroupARNs": ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"],
 *   "tags": { "env": "stage" }
 * }]
 * ```
 *
 * - `launchTemplate`: `name` or `id` of a template of the region (the EC2 section of the same
 *   file is seeded first), `version` a number, `$Latest` or `$Default` (the default).
 * - `launchConfigurationName` instead of `launchTemplate`: a group on a launch configuration,
 *   which the simulator cannot launch from, so it has no instances.
 * - `desiredCapacity` defaults to `minSize`; `subnets` to every subnet of the region;
 *   `healthCheckType` to EC2; `healthCheckGracePeriod` (seconds) to 0. `tags` propagate to
 *   the instances at launch.
 *
 * A group starts converged: its instances are InService, Healthy and running at load time.
 * Problems throw an Error naming the place (`autoScalingGroups[1].minSize must be ...`).
 */
export interface AutoScalingSection {
  autoScalingGroups?: SeedGroup[];
}

export interface SeedGroup {
  name: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  launchConfigurationName?: string;
  minSize: number;
  maxSize: number;
  desiredCapacity?: number;
  subnets?: string[];
  healthCheckType?: string;
  healthCheckGracePeriod?: number;
  targetGroupARNs?: string[];
  tags?: Record<string, string>;
}

const GROUP_KEYS = [
  "name",
  "launchTemplate",
  "launchConfigurationName",
  "minSize",
  "maxSize",
  "desiredCapacity",
  "subnets",
  "healthCheckType",
  "healthCheckGracePeriod",
  "targetGroupARNs",
  "tags",
];

export function seedAutoScaling(world: World, region: RegionState, section: AutoScalingSection): void {
  const groups: unknown = section.autoScalingGroups ?? [];
  if (!Array.isArray(groups)) throw new Error("autoScalingGroups must be a list");
  groups.forEach((value, i) => {
    const path = `autoScalingGroups[${i}]`;
    const seed = checkGroup(value, path);
    try {
      seedGroup(world, region, seed);
    } catch (error) {
      throw new Error(`${path} (${seed.name}): ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  settle(world, region, world.clock.now());
}

function seedGroup(world: World, region: RegionState, seed: SeedGroup): void {
  // Launched far enough in the past that the instances run, and their agents are online, now.
  const launchedAt = world.clock.now() - world.timings.instanceBootMs - world.timings.ssmAgentMs;
  const group = newGroup(
    world,
    region,
    {
      name: seed.name,
      launchTemplate: seed.launchTemplate && templateRef(region, seed.launchTemplate),
      launchConfigurationName: seed.launchConfigurationName,
      minSize: seed.minSize,
      maxSize: seed.maxSize,
      desiredCapacity: seed.desiredCapacity,
      subnetIds: seed.subnets ?? [...region.ec2.subnets.keys()],
      healthCheckType: seed.healthCheckType,
      healthCheckGracePeriod: seed.healthCheckGracePeriod,
      targetGroupARNs: seed.targetGroupARNs,
      tags: Object.entries(seed.tags ?? {}).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true })),
    },
    launchedAt,
  );
  reconcile(world, region, group, launchedAt);
  const members = aliveMembers(group);
  if (group.launchTemplate && members.length < group.desiredCapacity) {
    const failure = region.autoscaling.activities.findLast((a) => a.groupName === group.name)?.statusMessage;
    region.autoscaling.groups.delete(group.name);
    throw new Error(`cannot launch the group's instances: ${failure}`);
  }
  for (const member of members) {
    member.lifecycleState = "InService";
    member.inServiceAt = launchedAt + world.timings.instanceBootMs;
    if (member.launchActivity) endActivity(member.launchActivity, member.inServiceAt);
  }
}

function checkGroup(value: unknown, path: string): SeedGroup {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path} must be an object`);
  const seed = value as Record<string, unknown>;
  for (const key of Object.keys(seed)) {
    if (!GROUP_KEYS.includes(key))
      throw new Error(`${path}.${key} is not a field of a group (fields: ${GROUP_KEYS.join(", ")})`);
  }
  if (typeof seed.name !== "string" || seed.name === "") throw new Error(`${path}.name must be a non-empty string`);
  for (const key of ["minSize", "maxSize", "desiredCapacity", "healthCheckGracePeriod"]) {
    const n = seed[key];
    const required = key === "minSize" || key === "maxSize";
    if ((n !== undefined || required) && !(Number.isInteger(n) && (n as number) >= 0)) {
      throw new Error(`${path}.${key} must be a whole number, 0 or more, not ${JSON.stringify(n)}`);
    }
  }
  for (const key of ["launchConfigurationName", "healthCheckType"]) {
    if (seed[key] !== undefined && typeof seed[key] !== "string") throw new Error(`${path}.${key} must be a string`);
  }
  for (const key of ["subnets", "targetGroupARNs"]) {
    const list = seed[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((s) => typeof s === "string"))) {
      throw new Error(`${path}.${key} must be a list of strings`);
    }
  }
  const stringMap = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === "string");
  if (seed.tags !== undefined && !stringMap(seed.tags))
    throw new Error(`${path}.tags must map tag keys to string values`);
  const template = seed.launchTemplate;
  if (template !== undefined) {
    if (!stringMap(template) || Object.keys(template as object).some((k) => !["id", "name", "version"].includes(k))) {
      throw new Error(`${path}.launchTemplate must be { id or name, version? } with string values`);
    }
  }
  if ((template === undefined) === (seed.launchConfigurationName === undefined)) {
    throw new Error(`${path}: give either launchTemplate or launchConfigurationName`);
  }
  return seed as unknown as SeedGroup;
}
