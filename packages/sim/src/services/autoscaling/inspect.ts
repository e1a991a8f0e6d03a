import type { RegionState, World } from "../../world.ts";
import { settle } from "./capacity.ts";
import { aliveMembers } from "./members.ts";
import type { LaunchTemplateRef } from "./state.ts";

/** A group at a glance, for tests: "the group is back on its old version, all healthy". */
export interface GroupSummary {
  desiredCapacity: number;
  /** The group's launch template as it names it (`$Latest`, `$Default` or a number). */
  launchTemplate?: LaunchTemplateRef;
  inService: number;
  pending: number;
  terminating: number;
  healthy: number;
  unhealthy: number;
  /** Members not terminating, per launch template and version they launched from: `{ "web:1": 3 }`. */
  versions: Record<string, number>;
}

/** The group as it is now, with every event due by now run first. */
export function groupSummary(world: World, region: RegionState | string, name: string): GroupSummary {
  const state = typeof region === "string" ? world.region(region) : region;
  settle(world, state, world.now());
  const group = state.autoscaling.groups.get(name);
  if (!group) throw new Error(`no Auto Scaling group ${name} in ${state.name}`);
  const members = [...group.members.values()];
  const count = (keep: (m: (typeof members)[number]) => boolean) => members.filter(keep).length;
  const versions: Record<string, number> = {};
  for (const m of aliveMembers(group)) {
    const key = m.launchTemplate ? `${m.launchTemplate.name}:${m.launchTemplate.version}` : "none";
    versions[key] = (versions[key] ?? 0) + 1;
  }
  return {
    desiredCapacity: group.desiredCapacity,
    ...(group.launchTemplate && { launchTemplate: { ...group.launchTemplate } }),
    inService: count((m) => m.lifecycleState === "InService"),
    pending: count((m) => m.lifecycleState === "Pending"),
    terminating: count((m) => m.lifecycleState === "Terminating"),
    healthy: count((m) => m.lifecycleState !== "Terminating" && m.healthStatus === "Healthy"),
    unhealthy: count((m) => m.lifecycleState !== "Terminating" && m.healthStatus === "Unhealthy"),
    versions,
  };
}
