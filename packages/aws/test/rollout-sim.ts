import { CancelledError, memoryLogger } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import { type Simulator, startSimulator, type WorldFile } from "@deploy/sim";
import { afterEach, beforeEach, expect } from "vitest";
import { type AwsClients, type AwsContext, withAws } from "../src/clients.ts";
import { executeRollout } from "../src/rollout/execute.ts";
import { planRollout } from "../src/rollout/plan.ts";
import type { RolloutContext, RolloutProgress, RolloutRequest, SavedRollout } from "../src/rollout/types.ts";

/**
 * The simulator in-process for rollout tests: a world with a group `web` on version 1 of
 * launch template `web` (image OLD_AMI), the images a rollout may be given, and a context
 * whose clock is the simulator's, so that an hour of rollout runs in milliseconds.
 */
export const REGION = "eu-west-1";
export const OLD_AMI = "ami-0000000000000a001";
export const NEW_AMI = "ami-0000000000000b002";
/** Its instances never pass health checks. */
export const BAD_AMI = "ami-0000000000000bad3";
export const FAILED_AMI = "ami-0000000000000f004";
export const MISSING_AMI = "ami-0000000000000dead";
/** An arm64 build, which the group's t3.micro cannot run. */
export const ARM_AMI = "ami-0000000000000a4e6";
export const OLD_USER_DATA = "#!/bin/sh\necho old\n";
export const RUN = testRunContext({
  commit: "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
  runId: "4242",
  runAttempt: "1",
});

export interface WorldOptions {
  instances?: number;
  /** The version the group names (`$Latest`, `$Default` or a number). */
  groupVersion?: string;
  /** The group launches from a launch configuration instead. */
  launchConfiguration?: boolean;
  /** The template's image id, e.g. an SSM parameter (which the simulator cannot launch: give 0 instances). */
  templateImageId?: string;
}

export function rolloutWorld(options: WorldOptions = {}): WorldFile {
  const instances = options.instances ?? 4;
  return {
    regions: {
      [REGION]: {
        images: [
          { id: OLD_AMI, name: "shop-old" },
          { id: NEW_AMI, name: "shop-new" },
          { id: BAD_AMI, name: "shop-bad", unhealthy: true },
          { id: FAILED_AMI, name: "shop-failed", state: "failed" },
          { id: ARM_AMI, name: "shop-arm64", architecture: "arm64" },
        ],
        launchTemplates: [
          {
            name: "web",
            data: {
              ImageId: options.templateImageId ?? OLD_AMI,
              InstanceType: "t3.micro",
              UserData: Buffer.from(OLD_USER_DATA).toString("base64"),
            },
          },
        ],
        autoScalingGroups: [
          {
            name: "web",
            ...(options.launchConfiguration
              ? { launchConfigurationName: "web-lc" }
              : { launchTemplate: { name: "web", version: options.groupVersion ?? "1" } }),
            minSize: Math.min(1, instances),
            maxSize: Math.max(2, instances * 2),
            desiredCapacity: instances,
            healthCheckGracePeriod: 30,
          },
        ],
      },
    },
  };
}

type TestContext = RolloutContext & { logger: ReturnType<typeof memoryLogger> };

export interface RolloutSim {
  readonly sim: Simulator;
  /** A fresh context: a new logger and signal, the simulator's clock, this run, its own AWS clients. */
  context(overrides?: Partial<RolloutContext>): TestContext;
  /** Clients for calls a test makes itself, around the code under test. */
  clients(region?: string): AwsClients;
}

/**
 * A simulator with the SDK pointed at it through the environment, as the actions are.
 * One at a time: the environment is the process's.
 */
export async function startRolloutSim(world: WorldFile): Promise<RolloutSim & { close(): Promise<void> }> {
  const sim = await startSimulator({ world });
  Object.assign(process.env, sim.env());
  const context = (): AwsContext =>
    withAws({ clock: sim.world.clock, signal: new AbortController().signal, logger: memoryLogger(), run: RUN });
  const own = context();
  return {
    sim,
    context: (overrides = {}) => ({ ...context(), ...overrides }) as TestContext,
    clients: (region = REGION) => own.aws(region),
    async close() {
      await sim.close();
    },
  };
}

/** A simulator per test; `world` is called per test. */
export function useRolloutSim(world: () => WorldFile = () => rolloutWorld()): RolloutSim {
  let current: Awaited<ReturnType<typeof startRolloutSim>> | undefined;
  beforeEach(async () => {
    current = await startRolloutSim(world());
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const started = () => {
    if (!current) throw new Error("useRolloutSim: the simulator runs only inside a test");
    return current;
  };
  return {
    get sim() {
      return started().sim;
    },
    context: (overrides) => started().context(overrides),
    clients: (region) => started().clients(region),
  };
}

export function rolloutRequest(overrides: Partial<RolloutRequest> = {}): RolloutRequest {
  return {
    region: REGION,
    groupName: "web",
    imageId: NEW_AMI,
    strategy: "rolling",
    preferences: { minHealthyPercentage: 50, instanceWarmupSeconds: 60, skipMatching: true, autoRollback: true },
    ifRefreshRunning: "fail",
    description: "shop 3f9c2b1a",
    pollIntervalMs: 15_000,
    ...overrides,
  };
}

export type SavedRolling = Extract<SavedRollout, { strategy: "rolling" }>;

/**
 * A main step cancelled by the runner (SIGINT) as soon as its refresh exists, or once
 * `cancelWhen` says so on a progress report: what it saved for its post step.
 */
export async function cancelledRollout(
  t: RolloutSim,
  request: RolloutRequest = rolloutRequest(),
  cancelWhen?: (progress: RolloutProgress) => boolean,
): Promise<SavedRolling> {
  const controller = new AbortController();
  const cancel = () => controller.abort(new CancelledError("SIGINT"));
  let saved: SavedRollout | undefined;
  const ctx = t.context({
    signal: controller.signal,
    onStarted: (s) => {
      saved = s;
      if (!cancelWhen) cancel();
    },
    onProgress: (p) => {
      if (cancelWhen?.(p)) cancel();
    },
  });
  await expect(executeRollout(ctx, request, await planRollout(ctx, request))).rejects.toBeInstanceOf(CancelledError);
  return saved as SavedRolling;
}
