// The world and the step the bake-ami end-to-end tests share: the simulator on a scaled
// clock with recipes really run by bash, and a workspace holding the recipe's files.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLOCK_ENV } from "@deploy/core";
import { type Simulator, startSimulator, type WorldFile } from "@deploy/sim";
import { type ActionRun, defaultGitHubContext, type RunActionOptions, runAction } from "@deploy/test/harness";
import { afterEach, beforeEach } from "vitest";
import { BASE, writeWorkspace } from "../../actions/bake-ami/test/bad-inputs.ts";

export { awsMutations, errors } from "./action-support.ts";

export const ACTION = "actions/bake-ami";
export const REGION = "eu-west-1";
/** Simulated time runs this many times faster than real time. */
export const SPEED = 200;
/** The run tag of the harness's default run and attempt. */
export const RUN_TAG = `${defaultGitHubContext.runId}-${defaultGitHubContext.runAttempt}`;

/**
 * Every region starts with Amazon Linux 2023 and its public SSM parameter; commands run
 * for real. Images and copies take 2.5 simulated minutes, under a real second: a step that
 * polls every second sees them done at its first look.
 */
export function world(extra: Partial<WorldFile> = {}): WorldFile {
  return {
    commands: "exec",
    regions: { [REGION]: {} },
    ...extra,
    timings: { createImageMs: 150_000, copyImageMs: 150_000, ...extra.timings },
  };
}

/**
 * Images and copies that take 10 simulated minutes (3 real seconds): long enough for a
 * step to be cancelled while AWS is still making them, and for copies made one after the
 * other to take visibly longer than copies made side by side.
 */
export const SLOW_IMAGES = { createImageMs: 600_000, copyImageMs: 600_000 } as const;

export function simulator(file: WorldFile = world()): Promise<Simulator> {
  return startSimulator({ speed: SPEED, world: file });
}

/** The simulator and workspace of the running test, when the file asked for one per test. */
export let sim: Simulator;
export let workspace: string;

/** Gives each test of the calling file a fresh simulator (`sim`) and workspace (`workspace`). */
export function simulatorPerTest(file: () => WorldFile = () => world()): void {
  beforeEach(async () => {
    sim = await simulator(file());
    workspace = newWorkspace();
  });
  afterEach(async () => {
    await sim.close();
    rmSync(workspace, { recursive: true, force: true });
  });
}

/** A repository checkout with the recipe of BASE (bake/10-packages.sh, bake/20-app.sh). */
export function newWorkspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bake-ami-e2e-"));
  writeWorkspace(dir);
  return dir;
}

export function writeRecipe(dir: string, file: string, script: string): void {
  writeFileSync(path.join(dir, file), script, { mode: 0o755 });
}

/**
 * The environment that puts an action's own clock on the simulator's time (its deadlines
 * and waits run SPEED times faster), for a test that needs its "timeout" to run out.
 */
export const ON_SIMULATED_TIME = { [CLOCK_ENV.speed]: String(SPEED) };

/** Inputs that keep a bake to a few real seconds. */
export const FAST = { ...BASE, "poll-interval": "1s" } as const;

/** Runs the bundled action against the simulator (the test's, unless `on` is given), with FAST inputs under `inputs`. */
export function bakeAmi(
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, "inputs"> = {},
  on: Simulator = sim,
): Promise<ActionRun> {
  return runAction(ACTION, {
    workspace,
    ...options,
    inputs: { ...FAST, ...inputs },
    env: { ...on.env(), ...options.env },
  });
}

const tagMap = (tags: readonly { Key: string; Value: string }[]) =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** This account's images in a region, with their tags as a map, after what is due by now ran. */
export function images(region = REGION) {
  sim.world.now();
  return [...sim.world.region(region).ec2.images.values()]
    .filter((i) => i.ownerId === sim.world.accountId)
    .map((i) => ({ ...i, tagMap: tagMap(i.tags) }));
}

export function instances(region = REGION) {
  sim.world.now();
  return [...sim.world.region(region).ec2.instances.values()].map((i) => ({ ...i, tagMap: tagMap(i.tags) }));
}

export function snapshots(region = REGION) {
  sim.world.now();
  return [...sim.world.region(region).ec2.snapshots.values()].map((s) => ({ ...s, tagMap: tagMap(s.tags) }));
}

/**
 * What a run attempt left that it should not have, in a region: instances that are
 * running, pending or stopped (or on their way there), and images still pending.
 */
export function leftovers(region = REGION, run = RUN_TAG) {
  return {
    instances: instances(region)
      .filter((i) => i.tagMap["deploy:run"] === run && i.state !== "terminated" && i.state !== "shutting-down")
      .map((i) => `${i.id} ${i.state}`),
    pendingImages: images(region)
      .filter((i) => i.tagMap["deploy:run"] === run && i.state === "pending")
      .map((i) => i.id),
  };
}

/** The step's outputs, parsed. */
export function outputsOf(run: ActionRun) {
  return {
    amiId: run.outputs["ami-id"],
    amis: JSON.parse(run.outputs.amis ?? "{}") as Record<string, string>,
    bakeKey: run.outputs["bake-key"],
    reused: run.outputs.reused,
    release: JSON.parse(run.outputs.release ?? "{}") as Record<string, unknown>,
  };
}
