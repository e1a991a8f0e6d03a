// The world and the step the promote end-to-end tests share: stage and production groups in
// one account and region, three releases baked there, and GitHub's record of them: what
// stage ran (the newest release failed there, the one before succeeded) and what
// production runs (the oldest), with the check runs of each commit.
import { readFileSync } from "node:fs";
import { type Simulator, startSimulator, type WorldFile } from "@deploy/sim";
import { type ActionRun, defaultGitHubContext, type RunActionOptions, runAction } from "@deploy/test/harness";
import { onTestFinished } from "vitest";

export { awsMutations, errors } from "./action-support.ts";

export const ACTION = "actions/promote";
export const REGION = "eu-west-1";
export const OTHER_REGION = "us-east-1";
export const ACCOUNT = "123456789012";
export const TARGET_ACCOUNT = "210987654321";
export const REPOSITORY = defaultGitHubContext.repository;
export const SPEED = 200;
export const RUN_TAG = `${defaultGitHubContext.runId}-${defaultGitHubContext.runAttempt}`;
export const TOKEN = "ghs_promote0e2e0token000000000000000000";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A release baked in REGION: its commit, AMI, bake key and age. */
export interface Baked {
  commit: string;
  ami: string;
  bakeKey: string;
  ageMs: number;
}

const baked = (n: number, ageMs: number): Baked => ({
  commit: `${n}`.repeat(40),
  ami: `ami-0a1b2c3d4e5f6000${n}`,
  bakeKey: `sha256:${`${n}e`.repeat(32)}`,
  ageMs,
});

/** Production runs OLD; stage ran OLD, then GOOD (success), then NEWEST (failure). */
export const OLD = baked(1, 3 * DAY);
export const GOOD = baked(2, DAY);
export const NEWEST = baked(3, HOUR);

export const IMAGE = (b: Baked) =>
  `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop@sha256:${b.commit.slice(0, 32)}${"0".repeat(32)}`;

/** The release record of a baked release, as bake-ami output it and rolling-replace recorded it. */
export function releaseOf(b: Baked, now = Date.now()) {
  return {
    schema: 1,
    commit: b.commit,
    repository: REPOSITORY,
    image: IMAGE(b),
    amis: { [REGION]: b.ami },
    bakeKey: b.bakeKey,
    createdAt: new Date(now - b.ageMs).toISOString(),
    run: {
      id: 4000 + Number(b.commit[0]),
      attempt: 1,
      url: `https://github.com/${REPOSITORY}/actions/runs/400${b.commit[0]}`,
    },
  };
}

const imageOf = (b: Baked) => ({
  id: b.ami,
  name: `shop-${b.commit.slice(0, 7)}-20261120-100000-${b.bakeKey.slice(7, 19)}`,
  architecture: "x86_64" as const,
  ownerId: "self",
  tags: {
    "deploy:managed-by": "deploy",
    "deploy:release": b.commit,
    "deploy:bake-key": b.bakeKey,
    "deploy:role": "image",
    "deploy:run": `400${b.commit[0]}-1`,
  },
});

/** The user data both environments render from one template; only the values differ. */
export function userData(environment: string): string {
  const text = `#!/bin/bash\nset -eu\necho "ENVIRONMENT=${environment}" > /etc/shop.env\nsystemctl start shop\n`;
  return Buffer.from(text).toString("base64");
}

export interface WorldOptions {
  /** Production's launch template data, over the default (t3.large, production's user data). */
  production?: Record<string, unknown>;
  /** Production's group, over the default. */
  productionGroup?: Record<string, unknown>;
  /** The deployments GitHub has, oldest first; default: stage OLD, GOOD, NEWEST (failed); production OLD. */
  deployments?: NonNullable<WorldFile["github"]>["deployments"];
  checkRuns?: NonNullable<WorldFile["github"]>["checkRuns"];
  timings?: WorldFile["timings"];
}

type DeploymentSeed = NonNullable<NonNullable<WorldFile["github"]>["deployments"]>[number];
type StatusSeed = NonNullable<DeploymentSeed["statuses"]>[number];

/** A deployment of a baked release to an environment: in progress, then `state`, with the release as payload. */
export function deployment(
  environment: string,
  b: Baked,
  state: Exclude<StatusSeed, string>["state"],
  payload: unknown = releaseOf(b),
): DeploymentSeed {
  return {
    repository: REPOSITORY,
    ref: b.commit,
    environment,
    payload,
    statuses: [
      "in_progress",
      {
        state,
        logUrl: `https://github.com/${REPOSITORY}/actions/runs/400${b.commit[0]}`,
        environmentUrl: `https://${environment}.shop.example`,
      },
    ],
  };
}

export const STAGE_HISTORY = [
  deployment("stage", OLD, "success"),
  deployment("production", OLD, "success"),
  deployment("stage", GOOD, "success"),
  deployment("stage", NEWEST, "failure"),
];

export const checkRun = (b: Baked, name: string, conclusion = "success") => ({
  repository: REPOSITORY,
  headSha: b.commit,
  name,
  conclusion,
  detailsUrl: `https://github.com/${REPOSITORY}/runs/${name}-${b.commit[0]}`,
});

/** An environment's group on version 1 of its launch template, behind a load balancer's health checks. */
function group(environment: string, minSize: number, maxSize: number, extra: Record<string, unknown> = {}) {
  const name = `shop-${environment}`;
  const desiredCapacity = minSize;
  return {
    name,
    launchTemplate: { name, version: "1" },
    minSize,
    maxSize,
    desiredCapacity,
    healthCheckType: "ELB",
    tags: { env: environment },
    ...extra,
  };
}

export function world(options: WorldOptions = {}): WorldFile {
  return {
    accountId: ACCOUNT,
    timings: { copyImageMs: 150_000, ...options.timings },
    regions: {
      [REGION]: {
        images: [imageOf(OLD), imageOf(GOOD), imageOf(NEWEST)],
        launchTemplates: [
          { name: "shop-stage", data: { ImageId: GOOD.ami, InstanceType: "t3.small", UserData: userData("stage") } },
          {
            name: "shop-production",
            data: {
              ImageId: OLD.ami,
              InstanceType: "t3.large",
              UserData: userData("production"),
              ...options.production,
            },
          },
        ],
        autoScalingGroups: [group("stage", 1, 2), group("production", 3, 9, options.productionGroup)],
      },
      [OTHER_REGION]: {},
    },
    github: {
      repositories: [{ name: REPOSITORY }],
      checkRuns: options.checkRuns ?? [
        checkRun(GOOD, "test"),
        checkRun(OLD, "test"),
        checkRun(NEWEST, "test", "failure"),
      ],
      deployments: options.deployments ?? STAGE_HISTORY,
    },
  };
}

/** The simulator of the running test, from `inWorld`. */
export let sim: Simulator;

/** Starts the running test's simulator (`sim`) on `file`, closed when the test ends. */
export async function inWorld(file: WorldFile = world()): Promise<Simulator> {
  sim = await simulator(file);
  const started = sim;
  onTestFinished(() => started.close());
  return sim;
}

/** Inputs that keep copies to a few real seconds, and the groups compared. */
export const FAST = {
  "github-token": TOKEN,
  region: REGION,
  "poll-interval": "1s",
  "source-group": "shop-stage",
  "target-group": "shop-production",
} as const;

/** Runs the bundled action against the test's simulator, with FAST inputs under `inputs`. */
export function promote(
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, "inputs"> = {},
  on: Simulator = sim,
): Promise<ActionRun> {
  return runAction(ACTION, {
    ...options,
    inputs: { ...FAST, ...inputs },
    env: { ...on.env(), ...options.env },
    secrets: [TOKEN],
  });
}

const tagMap = (tags: readonly { Key: string; Value: string }[]) =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/** This account's images in a region, with their tags as a map, after what is due by now ran. */
export function images(region = REGION) {
  sim.world.now();
  return [...sim.world.region(region).ec2.images.values()]
    .filter((i) => i.ownerId === ACCOUNT)
    .map((i) => ({ ...i, tagMap: tagMap(i.tags) }));
}

export function snapshots(region = REGION) {
  sim.world.now();
  return [...sim.world.region(region).ec2.snapshots.values()].map((s) => ({ ...s, tagMap: tagMap(s.tags) }));
}

/** GitHub calls that write (none is expected: promote only reads GitHub). */
export function githubWrites(on: Simulator = sim): string[] {
  return on.world.calls
    .mutating()
    .map((call) => call.operation)
    .filter((operation) => operation.startsWith("github:"));
}

/** A simulator of `file` that the caller closes. */
export function simulator(file: WorldFile = world()): Promise<Simulator> {
  return startSimulator({ speed: SPEED, world: file });
}

/** The AWS operations (`service:Operation`) the README's policy for the workflow's role allows. */
function policyActions(): Set<string> {
  const readme = readFileSync(new URL("../../actions/promote/README.md", import.meta.url), "utf8");
  const block = /<!-- iam-policy:workflow-role -->\s*```json\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("actions/promote/README.md has no policy after <!-- iam-policy:workflow-role -->");
  const policy = JSON.parse(block) as { Statement: { Effect: string; Action: string | string[] }[] };
  return new Set(policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat()));
}

/** AWS calls the simulator saw that the README's policy does not allow (GitHub's are not AWS's). */
export function callsOutsidePolicy(on: Simulator = sim): string[] {
  const allowed = policyActions();
  return Object.keys(on.world.calls.counts()).filter((op) => !op.startsWith("github:") && !allowed.has(op));
}
