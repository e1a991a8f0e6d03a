// The rehearsal's workflow runner on the real reusable workflows: the steps it derives are
// the files' own, in their order, and a run of deploy.yml hands each of the suite's actions
// the inputs the workflow's expressions give for an environment's variables.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentVariables, ROOT } from "../src/rehearsal.ts";
import { type ActionCall, actionsUsed, readWorkflow, runWorkflow, stepKind } from "../src/workflow.ts";

const DEPLOY = path.join(ROOT, ".github/workflows/deploy.yml");
const PROMOTE = path.join(ROOT, ".github/workflows/promote.yml");
const RELEASE = '{"schema":1,"commit":"c0ffee","amis":{"eu-west-1":"ami-0123456789abcdef0"}}';

/** The suite's actions in the order the file's text names them. */
function inTextOrder(file: string): string[] {
  return [
    ...readFileSync(file, "utf8").matchAll(/^\s*(?:-\s+)?uses:\s+deploy-actions\/deploy\/actions\/([\w-]+)@/gm),
  ].map((m) => `actions/${m[1]}`);
}

/** Runs deploy.yml with fake actions (each output named after the step), recording the calls. */
async function rehearseDeploy(environment: "stage" | "production", inputs: Record<string, string> = {}) {
  const calls: ActionCall[] = [];
  const skipped: string[] = [];
  const vars = environmentVariables("127.0.0.1:5000/acme/shop");
  const result = await runWorkflow(
    { workflow: readWorkflow(DEPLOY), inputs: { environment, ...inputs }, secrets: { DATABASE_URL: "postgres://x" } },
    {
      root: ROOT,
      github: { sha: "c0ffee", repository: "acme/shop", token: "t" },
      vars: (name) => (name === environment ? vars[environment] : {}),
      runAction: async (call) => {
        calls.push(call);
        return {
          outcome: "success",
          outputs: { image: "img@sha256:1", release: call.action === "actions/bake-ami" ? RELEASE : "{}" },
        };
      },
      events: { skipped: (job, step, why) => skipped.push(`${job.id}: ${step.uses ?? "run"}: ${why}`) },
    },
  );
  return { calls, skipped, result };
}

describe("the rehearsal's reading of the reusable workflows", () => {
  it("derives the suite's steps of deploy.yml and promote.yml in the files' order", () => {
    expect(actionsUsed(readWorkflow(DEPLOY), ROOT)).toEqual(inTextOrder(DEPLOY));
    expect(actionsUsed(readWorkflow(DEPLOY), ROOT)).toEqual([
      "actions/build-image",
      "actions/bake-ami",
      "actions/rolling-replace",
      "actions/seed-mock-data",
    ]);
    // promote.yml: its own step, then deploy.yml's through the call.
    expect(actionsUsed(readWorkflow(PROMOTE), ROOT)).toEqual([...inTextOrder(PROMOTE), ...inTextOrder(DEPLOY)]);
  });

  it("sorts jobs by needs, and names a reason for every step it does not run", () => {
    const workflow = readWorkflow(DEPLOY);
    expect(workflow.jobs.map((j) => j.id)).toEqual(["build", "deploy", "seed"]);
    for (const step of workflow.jobs.flatMap((j) => j.steps)) {
      const kind = stepKind(step);
      if (kind.kind === "skipped") expect(kind.why).not.toBe("");
      else expect(step.uses).toMatch(/^deploy-actions\/deploy\/actions\//);
    }
  });

  it("runs stage's build, bake, rollout and seed with the inputs the expressions give", async () => {
    const { calls, skipped, result } = await rehearseDeploy("stage", { recipe: "deploy/recipe" });

    expect(calls.map((c) => `${c.job.id}/${c.action}`)).toEqual([
      "build/actions/build-image",
      "build/actions/bake-ami",
      "deploy/actions/rolling-replace",
      "seed/actions/seed-mock-data",
    ]);
    const [build, bake, rollout, seed] = calls;
    expect(build?.inputs).toMatchObject({ image: "127.0.0.1:5000/acme/shop", context: "." });
    expect(bake?.inputs).toMatchObject({
      image: "img@sha256:1",
      recipe: "deploy/recipe",
      "iam-instance-profile": "bake-ami-builder",
      "subnet-id": "subnet-0de10000000000001",
    });
    expect(rollout?.inputs).toMatchObject({
      release: RELEASE,
      "auto-scaling-group": "shop-stage",
      strategy: "rolling",
      environment: "stage",
    });
    expect(rollout?.environmentUrl).toBe("https://stage.shop.example");
    expect(seed?.inputs).toMatchObject({ "seed-file": "seed/shop.yaml", "database-url": "postgres://x" });
    expect(seed?.secrets).toEqual(["postgres://x"]);
    expect(skipped).toContain("build: aws-actions/amazon-ecr-login@v2: if: contains(vars.IMAGE, '.dkr.ecr.') is false");
    expect(result.outputs.release).toBe(RELEASE);
  });

  it("runs only the rollout for production given a release: no build, no seed", async () => {
    const { calls, result } = await rehearseDeploy("production", { release: RELEASE });

    expect(calls.map((c) => c.action)).toEqual(["actions/rolling-replace"]);
    expect(calls[0]?.inputs).toMatchObject({ release: RELEASE, "auto-scaling-group": "shop-production" });
    expect(result.jobs).toMatchObject({
      build: { result: "skipped" },
      deploy: { result: "success" },
      seed: { result: "skipped" },
    });
    expect(result.outputs.release).toBe(RELEASE);
  });
});
