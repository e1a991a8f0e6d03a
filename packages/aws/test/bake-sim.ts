import type { memoryLogger } from "@deploy/core";
import type { WorldFile } from "@deploy/sim";
import { bake } from "../src/bake/bake.ts";
import type {
  BakeContext,
  BakePhase,
  BakeRequest,
  BakeResult,
  CreatedResource,
  RecipeFile,
} from "../src/bake/types.ts";
import { runTagValue, TAG } from "../src/tags.ts";
import { REGION, type RolloutSim, RUN } from "./rollout-sim.ts";

/**
 * The simulator for bake tests: recipes really run with bash (`commands: "exec"`), on a
 * world with one base AMI, and a context that records what the bake reports.
 */
export const BASE_AMI = "ami-0000000000000ba5e";

export function bakeWorld(extra: Partial<WorldFile> = {}): WorldFile {
  return {
    commands: "exec",
    regions: {
      [REGION]: { images: [{ id: BASE_AMI, name: "al2023-base-x86_64", ownerId: "amazon", public: true }] },
    },
    ...extra,
  };
}

export const recipeFile = (path: string, script: string): RecipeFile => ({ path, content: Buffer.from(script) });

/** Two files: the first leaves a file behind on the builder, the second reads it. */
export const RECIPE: RecipeFile[] = [
  recipeFile("recipe/10-install.sh", 'echo "installing $APP_NAME"\necho "$GREETING" > "$HOME/marker"\n'),
  recipeFile("recipe/20-check.sh", '#!/bin/bash -eu\necho "marker says: $(cat "$HOME/marker")"\n'),
];

export function bakeRequest(overrides: Partial<BakeRequest> = {}): BakeRequest {
  return {
    region: REGION,
    base: { kind: "id", imageId: BASE_AMI },
    recipe: RECIPE,
    recipeEnv: { APP_NAME: "shop", GREETING: "it's baked" },
    instanceType: "t3.small",
    securityGroupIds: [],
    iamInstanceProfile: "bake-builder",
    amiNameTemplate: "shop-{{short-commit}}-{{bake-key}}",
    tags: { team: "web" },
    copyToRegions: [],
    shareWithAccounts: [],
    encrypt: false,
    kmsKeyIds: {},
    forceRebake: false,
    timeoutMs: 60 * 60_000,
    pollIntervalMs: 5_000,
    ...overrides,
  };
}

export type BakeTestContext = BakeContext & {
  logger: ReturnType<typeof memoryLogger>;
  created: CreatedResource[];
  phases: BakePhase[];
};

export function bakeContext(t: RolloutSim, overrides: Partial<BakeContext> = {}): BakeTestContext {
  const created: CreatedResource[] = [];
  const phases: BakePhase[] = [];
  return {
    ...t.context(),
    onCreated: (r) => created.push(r),
    onPhase: (p) => phases.push(p),
    created,
    phases,
    ...overrides,
  } as BakeTestContext;
}

export async function bakeWith(
  t: RolloutSim,
  request: BakeRequest,
  overrides: Partial<BakeContext> = {},
): Promise<{ result: BakeResult; ctx: BakeTestContext }> {
  const ctx = bakeContext(t, overrides);
  return { result: await bake(ctx, request), ctx };
}

const tagsOf = (tags: readonly { Key: string; Value: string }[]) =>
  Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]));

/** What the simulator holds in a region, as the tests look at it. */
export function holdings(t: RolloutSim, region = REGION) {
  const ec2 = t.sim.world.region(region).ec2;
  const ofRun = (tags: readonly { Key: string; Value: string }[], run = runTagValue(RUN)) =>
    tagsOf(tags)[TAG.run] === run;
  return {
    instances: [...ec2.instances.values()].map((i) => ({ ...i, tagMap: tagsOf(i.tags) })),
    /** Images this account made (not the world's base AMI). */
    images: [...ec2.images.values()]
      .filter((i) => i.ownerId === t.sim.world.accountId)
      .map((i) => ({ ...i, tagMap: tagsOf(i.tags) })),
    snapshots: [...ec2.snapshots.values()].map((s) => ({ ...s, tagMap: tagsOf(s.tags) })),
    /** Builders of the run that are neither terminated nor on their way. */
    liveBuilders: [...ec2.instances.values()].filter(
      (i) => ofRun(i.tags) && i.state !== "terminated" && i.state !== "shutting-down",
    ),
    pendingImages: [...ec2.images.values()].filter((i) => ofRun(i.tags) && i.state === "pending"),
  };
}
