import { virtualClock } from "@deploy/core/testing";
import { addCheckRun, declareRepository } from "@deploy/sim";
import { describe, expect, it } from "vitest";
import { useGithubSim } from "../test/github-sim.ts";
import { recordDeployment, setDeploymentStatus } from "./deployments.ts";
import { type PromotionRequest, planPromotion } from "./promotion.ts";
import type { Release } from "./release.ts";

const TOKEN = "ghs_promotionTestToken00000000000000000000";
const LOG = "https://github.com/acme/shop/actions/runs/4242";
const DAY = 24 * 3_600_000;
const NOW = new Date("2026-12-01T12:00:00Z");

// One simulator for the file; each test has a repository of its own, so the lists it reads hold only its deployments.
const gh = useGithubSim(TOKEN);

/** Release n, made n days before the first of December. */
function releaseOf(n: number, daysAgo = 10 - n): Release {
  return {
    schema: 1,
    commit: n.toString(16).padStart(40, "c"),
    repository: gh.repository,
    amis: { "eu-west-1": `ami-${n.toString(16).padStart(17, "0")}` },
    createdAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString(),
    run: { id: 4000 + n, attempt: 1, url: LOG },
  };
}

async function deploy(release: Release, environment: string, states: ("in_progress" | "success" | "failure")[]) {
  const record = await recordDeployment(gh.client, {
    repository: gh.repository,
    commit: release.commit,
    environment,
    release,
  });
  for (const state of states) await setDeploymentStatus(gh.client, gh.repository, record.id, { state, logUrl: LOG });
  return record;
}

function check(release: Release, name: string, conclusion?: string, status?: "queued" | "in_progress") {
  const repo = declareRepository(gh.sim.world, { fullName: gh.repository });
  addCheckRun(
    gh.sim.world,
    repo,
    { headSha: release.commit, name, ...(conclusion && { conclusion }), ...(status && { status }) },
    gh.sim.world.clock.now(),
  );
}

function promote(extra: Partial<PromotionRequest> = {}) {
  return planPromotion({ clock: virtualClock(NOW.getTime()) }, gh.client, request(extra));
}

function request(extra: Partial<PromotionRequest> = {}): PromotionRequest {
  return {
    repository: gh.repository,
    from: "stage",
    to: "production",
    requiredChecks: [],
    allowRollback: false,
    ...extra,
  };
}

describe("planPromotion", () => {
  it("promotes the newest release that succeeded in stage, with its checks and what production runs", async () => {
    const old = releaseOf(1);
    const live = await deploy(old, "production", ["in_progress", "success"]);
    const release = releaseOf(2);
    const source = await deploy(release, "stage", ["in_progress", "success"]);
    check(release, "test");
    check(release, "lint", "neutral");

    const plan = await promote({ requiredChecks: ["test", "lint"] });

    expect(plan.release).toEqual(release);
    expect(plan.source).toMatchObject({ id: source.id, environment: "stage", commit: release.commit, logUrl: LOG });
    expect(plan.current).toMatchObject({ id: live.id, commit: old.commit, release: old });
    expect(plan.checks).toEqual([
      { name: "test", conclusion: "success", url: expect.stringMatching(/\/runs\/\d+$/), passed: true },
      { name: "lint", conclusion: "neutral", url: expect.any(String), passed: true },
    ]);
    expect(plan).toMatchObject({ skipped: [], rollback: false, sameCommit: false, ageMs: 8 * DAY, notes: [] });
  });

  it("refuses when no stage deployment succeeded, naming the environment and what it found", async () => {
    const failed = await deploy(releaseOf(3), "stage", ["in_progress", "failure"]);
    await deploy(releaseOf(4), "production", ["success"]);

    const planning = promote();

    await expect(planning).rejects.toMatchObject({
      what: "No deployment to stage has succeeded: there is no release to promote.",
      why: expect.stringContaining(`deployment ${failed.id} of ${releaseOf(3).commit.slice(0, 7)}`),
      fix: expect.stringContaining("Deploy to stage first"),
      code: "NoSuccessfulDeployment",
    });
  });

  it("says there is no deployment at all when stage has none", async () => {
    await expect(promote()).rejects.toMatchObject({
      why: `There is no deployment to stage in ${gh.repository}.`,
      code: "NoSuccessfulDeployment",
    });
  });

  it("takes an earlier success when the newest failed, listing the newer one with why", async () => {
    const earlier = await deploy(releaseOf(5), "stage", ["in_progress", "success"]);
    const newest = await deploy(releaseOf(6), "stage", ["in_progress", "failure"]);

    const plan = await promote();

    expect(plan.source.id).toBe(earlier.id);
    expect(plan.release.commit).toBe(releaseOf(5).commit);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        id: newest.id,
        commit: releaseOf(6).commit,
        state: "failure",
        reason: "its rollout failed",
      }),
    ]);
  });

  it("promotes a commit asked for from among its successful stage deployments", async () => {
    const wanted = releaseOf(7);
    const source = await deploy(wanted, "stage", ["success"]);
    await deploy(releaseOf(8), "stage", ["success"]);

    const plan = await promote({ wanted: { commit: wanted.commit.toUpperCase() } });

    expect(plan.source.id).toBe(source.id);
    expect(plan.release).toEqual(wanted);
  });

  it("refuses a commit that never succeeded in stage, and one that is not a sha before calling GitHub", async () => {
    const wanted = releaseOf(9);
    await deploy(wanted, "stage", ["failure"]);
    await deploy(releaseOf(10), "stage", ["success"]);

    await expect(promote({ wanted: { commit: wanted.commit } })).rejects.toMatchObject({
      what: `Commit ${wanted.commit.slice(0, 7)} never succeeded in stage, so it is not promoted.`,
      why: expect.stringContaining("its rollout failed"),
      input: "release",
      code: "ReleaseNeverSucceeded",
    });
    await expect(promote({ wanted: { commit: "3f9c2b7" } })).rejects.toMatchObject({
      code: "InvalidCommit",
      input: "release",
    });
  });

  it("verifies a full record: promoted when a success carries it, refused when its AMIs were never deployed", async () => {
    const recorded = releaseOf(11);
    const source = await deploy(recorded, "stage", ["success"]);

    const plan = await promote({ wanted: { release: { ...recorded } } });
    expect(plan.source.id).toBe(source.id);

    const forged = { ...recorded, amis: { "eu-west-1": "ami-0123456789abcdef0" } };
    await expect(promote({ wanted: { release: forged } })).rejects.toMatchObject({
      what: `The release given (commit ${recorded.commit.slice(0, 7)}) never succeeded in stage, so it is not promoted.`,
      why: expect.stringContaining(
        `deployment ${source.id} of ${recorded.commit.slice(0, 7)} (${plan.source.createdAt}): its release differs from the one given: AMIs eu-west-1 ${recorded.amis["eu-west-1"]}`,
      ),
      code: "ReleaseNeverSucceeded",
    });
  });

  it("refuses a record whose commit has no stage deployment, saying there is none", async () => {
    await deploy(releaseOf(12), "stage", ["success"]);
    const never = releaseOf(13);

    await expect(promote({ wanted: { release: never } })).rejects.toMatchObject({
      why: `There is no deployment of ${never.commit.slice(0, 7)} to stage in ${gh.repository}.`,
      code: "ReleaseNeverSucceeded",
    });
  });

  it("refuses a failed, a running and a missing required check, naming each with its conclusion and link", async () => {
    const release = releaseOf(14);
    await deploy(release, "stage", ["success"]);
    check(release, "test", "failure");
    check(release, "e2e", undefined, "in_progress");
    check(release, "lint", "skipped");

    const planning = promote({ requiredChecks: ["lint", "test", "e2e", "security"] });

    const error = await planning.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RequiredCheckFailed", input: "required-checks" });
    const { what } = error as { what: string };
    expect(what).toMatch(/"test" is failure \(https:\/\/github\.com\/acme\/shop-\d+\/runs\/\d+\)/);
    expect(what).toContain('"e2e" is in_progress');
    expect(what).toContain('"security" has not run on it');
    expect(what).not.toContain('"lint"');
  });

  it("refuses a missing check alone as missing, and a running one alone as pending", async () => {
    const release = releaseOf(15);
    await deploy(release, "stage", ["success"]);
    check(release, "e2e", undefined, "queued");

    await expect(promote({ requiredChecks: ["test"] })).rejects.toMatchObject({
      code: "RequiredCheckMissing",
      fix: expect.stringContaining('"required-checks"'),
    });
    await expect(promote({ requiredChecks: ["e2e"] })).rejects.toMatchObject({
      code: "RequiredCheckPending",
    });
  });

  it("refuses a release older than max-age", async () => {
    await deploy(releaseOf(16, 40), "stage", ["success"]);

    await expect(promote({ maxAgeMs: 30 * DAY })).rejects.toMatchObject({
      what: expect.stringMatching(/too old to promote/),
      why: expect.stringContaining("at most"),
      input: "max-age",
      code: "ReleaseTooOld",
    });
    expect((await promote({ maxAgeMs: 41 * DAY })).ageMs).toBe(40 * DAY);
  });

  it("refuses a rollback unless allowed, and then notes it", async () => {
    const newer = releaseOf(17, 1);
    await deploy(newer, "production", ["success"]);
    await deploy(releaseOf(18, 5), "stage", ["success"]);

    await expect(promote()).rejects.toMatchObject({
      what: `Promoting ${releaseOf(18).commit.slice(0, 7)} to production would roll it back.`,
      why: expect.stringContaining(`production runs ${newer.commit.slice(0, 7)}`),
      input: "allow-rollback",
      code: "Rollback",
    });
    const plan = await promote({ allowRollback: true });
    expect(plan.rollback).toBe(true);
    expect(plan.notes).toEqual([expect.stringMatching(/^This is a rollback, allowed by allow-rollback/)]);
  });

  it("allows promoting the commit production runs already, and notes it", async () => {
    const release = releaseOf(19);
    await deploy(release, "production", ["success"]);
    await deploy({ ...release, createdAt: new Date(NOW.getTime() - 20 * DAY).toISOString() }, "stage", ["success"]);

    const plan = await promote();

    expect(plan).toMatchObject({ sameCommit: true, rollback: false });
    expect(plan.notes).toEqual([expect.stringContaining("production runs cccccc")]);
  });

  it("refuses a malformed stage payload with an error naming the deployment", async () => {
    const broken = await gh.client.request<{ id: number }>("POST", `/repos/${gh.repository}/deployments`, {
      doing: "record a broken deployment",
      body: { ref: "main", environment: "stage", required_contexts: [], payload: { schema: 1, amis: "none" } },
    });
    await setDeploymentStatus(gh.client, gh.repository, broken.data.id, { state: "success", logUrl: LOG });

    await expect(promote()).rejects.toMatchObject({
      what: `The payload of deployment ${broken.data.id} is not a valid release record.`,
      why: expect.stringMatching(/Field "commit" is undefined\. It is the deployment of [0-9a-f]{7} to stage created /),
      fix: expect.stringContaining("Deploy a release to stage again"),
      code: "InvalidRelease",
    });
  });

  it("refuses when production's record cannot be read, unless rollbacks are allowed", async () => {
    const broken = await gh.client.request<{ id: number }>("POST", `/repos/${gh.repository}/deployments`, {
      doing: "record a broken deployment",
      body: { ref: "main", environment: "production", required_contexts: [], payload: { schema: 2 } },
    });
    await setDeploymentStatus(gh.client, gh.repository, broken.data.id, { state: "success", logUrl: LOG });
    await deploy(releaseOf(20), "stage", ["success"]);

    await expect(promote()).rejects.toMatchObject({
      what: `The payload of deployment ${broken.data.id} is not a valid release record.`,
      fix: expect.stringContaining('set "allow-rollback" to true'),
      code: "InvalidRelease",
    });
    const plan = await promote({ allowRollback: true });
    expect(plan.current).toBeUndefined();
    expect(plan.notes).toEqual([expect.stringContaining("could not be read")]);
  });
});
