// The world and the step the rolling-replace end-to-end tests share: a small group on a
// scaled clock, so a rollout takes simulated minutes and real seconds.
import { type GroupSummary, groupSummary, type Simulator, startSimulator, type WorldFile } from "@deploy/sim";
import { type ActionRun, defaultGitHubContext, type RunActionOptions, runAction } from "@deploy/test/harness";
import { afterEach, beforeEach } from "vitest";

export { awsMutations, errors } from "./action-support.ts";

export const ACTION = "actions/rolling-replace";
export const REGION = "eu-west-1";
export const GROUP = "shop-stage";
export const TEMPLATE = "shop-stage";
export const REPOSITORY = defaultGitHubContext.repository;
export const AMI = {
  old: "ami-0a1b2c3d4e5f60001",
  new: "ami-0a1b2c3d4e5f60002",
  /** Its instances never pass their health checks. */
  bad: "ami-0badbadbadbadbad0",
  /** An arm64 build, which the group's t3.small cannot run. */
  arm: "ami-0a1b2c3d4e5f6a4e6",
} as const;
export const TARGET_GROUP =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-stage/0a1b2c3d4e5f6071";
/** Simulated time runs this many times faster than real time. */
export const SPEED = 200;

/**
 * A group of four instances on launch template version 1. Its grace period is one second:
 * blue/green waits it out on the action's real clock before it trusts a healthy instance.
 */
export function world(): WorldFile {
  return {
    regions: {
      [REGION]: {
        images: [
          { id: AMI.old, name: "shop-old", ownerId: "self" },
          { id: AMI.new, name: "shop-new", ownerId: "self" },
          { id: AMI.bad, name: "shop-bad", ownerId: "self", unhealthy: true },
          { id: AMI.arm, name: "shop-arm64", ownerId: "self", architecture: "arm64" },
        ],
        launchTemplates: [{ name: TEMPLATE, data: { ImageId: AMI.old, InstanceType: "t3.small" } }],
        autoScalingGroups: [
          {
            name: GROUP,
            launchTemplate: { name: TEMPLATE, version: "1" },
            minSize: 2,
            maxSize: 8,
            desiredCapacity: 4,
            healthCheckGracePeriod: 1,
            targetGroupARNs: [TARGET_GROUP],
            tags: { env: "stage" },
          },
        ],
      },
    },
    github: { repositories: [{ name: REPOSITORY }] },
  };
}

export function simulator(): Promise<Simulator> {
  return startSimulator({ speed: SPEED, world: world() });
}

/** The simulator of the running test, when the file asked for one per test. */
export let sim: Simulator;

/** Gives each test of the calling file a fresh simulator, as `sim`. */
export function simulatorPerTest(): void {
  beforeEach(async () => {
    sim = await simulator();
  });
  afterEach(async () => {
    await sim.close();
  });
}

/** Inputs that keep a rollout of four instances to a few real seconds. */
export const FAST = {
  "auto-scaling-group": GROUP,
  "ami-id": AMI.new,
  "min-healthy-percentage": "50",
  "instance-warmup": "30s",
  "poll-interval": "1s",
} as const;

/** Runs the bundled action against the simulator, with FAST inputs under `inputs`. */
export function rollout(
  sim: Simulator,
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, "inputs"> = {},
): Promise<ActionRun> {
  return runAction(ACTION, {
    ...options,
    inputs: { ...FAST, ...inputs },
    env: { ...sim.env(), ...options.env },
  });
}

export function group(sim: Simulator, name = GROUP): GroupSummary {
  return groupSummary(sim.world, REGION, name);
}

/** The statuses of a group's instance refreshes, oldest first, as of now. */
export function refreshStatuses(sim: Simulator, name = GROUP): string[] {
  group(sim, name); // runs what is due by now first
  return (
    sim.world
      .region(REGION)
      .autoscaling.groups.get(name)
      ?.refreshes.map((r) => r.status) ?? []
  );
}

/** What the simulator's GitHub answers, for checking deployment records. */
export async function github<T>(sim: Simulator, path: string): Promise<T> {
  const response = await fetch(`${sim.url}/github${path}`, { headers: { accept: "application/vnd.github+json" } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Cancels the step once it waits on a rollout, after what it started has been saved. */
export const WHILE_WAITING = { whenLog: /Waiting for instance refresh \S+ to finish/ } as const;

/**
 * Refresh preferences that pause the refresh 10 simulated minutes (3 real seconds) half
 * way, so that it outlives a step cancelled while waiting for it.
 */
export const SLOW = { "checkpoint-percentages": "50, 100", "checkpoint-delay": "10m" } as const;
