import { addCheckRun, declareRepository, type Simulator } from "@deploy/sim";
import { beforeEach, describe, expect, it } from "vitest";
import { useGithubSim } from "../test/github-sim.ts";
import {
  findLatestSuccessfulDeployment,
  isProductionEnvironment,
  recordDeployment,
  setDeploymentStatus,
  truncate,
} from "./deployments.ts";
import type { GithubClient } from "./github.ts";
import { parseRelease, type Release } from "./release.ts";

const TOKEN = "ghs_deploymentsTestToken000000000000000000";
const LOG = "https://github.com/acme/shop/actions/runs/4242";

// One simulator for the file; each test has a repository of its own, so the lists it reads hold only its deployments.
const gh = useGithubSim(TOKEN);
let sim: Simulator;
let client: GithubClient;
let repository: string;
beforeEach(() => {
  ({ sim, client, repository } = gh);
});

function releaseOf(n: number): Release {
  const commit = n.toString(16).padStart(40, "a");
  return {
    schema: 1,
    commit,
    repository,
    amis: { "eu-west-1": `ami-${n.toString(16).padStart(17, "0")}` },
    createdAt: "2026-11-26T10:00:00Z",
    run: { id: 4000 + n, attempt: 1, url: LOG },
  };
}

async function deploy(n: number, environment: string, states: ("in_progress" | "success" | "failure")[]) {
  const release = releaseOf(n);
  const record = await recordDeployment(client, { repository, commit: release.commit, environment, release });
  for (const state of states) await setDeploymentStatus(client, repository, record.id, { state, logUrl: LOG });
  return record;
}

async function get<T>(path: string): Promise<T> {
  return (await client.request<T>("GET", `/repos/${repository}${path}`, { doing: "read it back" })).data;
}

describe("recordDeployment", () => {
  it("creates the deployment of the commit with the release as payload, whatever the commit's checks say", async () => {
    const release = releaseOf(1);
    const repo = declareRepository(sim.world, { fullName: repository });
    addCheckRun(
      sim.world,
      repo,
      { headSha: release.commit, name: "test", conclusion: "failure" },
      sim.world.clock.now(),
    );

    const record = await recordDeployment(client, {
      repository,
      commit: release.commit,
      ref: "refs/heads/main",
      environment: "stage",
      release,
    });

    const deployment = await get<Record<string, unknown>>(`/deployments/${record.id}`);
    expect(record.url).toBe(deployment.url);
    expect(deployment).toMatchObject({
      sha: release.commit,
      ref: release.commit,
      task: "deploy",
      environment: "stage",
      production_environment: false,
      transient_environment: false,
      description: `Release ${release.commit.slice(0, 7)} from main, run 4001`,
    });
    expect(parseRelease(deployment.payload, "the payload")).toEqual(release);
  });

  it("takes production and prod, in any case, for production environments", () => {
    expect(["production", "prod", "Production", "stage", "production-eu"].map(isProductionEnvironment)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it.each([
    ["production", undefined, true],
    ["stage", undefined, false],
    ["production", false, false],
    ["live", true, true],
  ])("records %s as production (asked: %s): %s", async (environment, productionEnvironment, expected) => {
    const release = releaseOf(2);
    const record = await recordDeployment(client, {
      repository,
      commit: release.commit,
      environment,
      release,
      ...(productionEnvironment !== undefined && { productionEnvironment }),
    });

    expect((await get<Record<string, unknown>>(`/deployments/${record.id}`)).production_environment).toBe(expected);
  });

  it("refuses a commit that is not a full sha before calling GitHub", async () => {
    const recording = recordDeployment(client, {
      repository,
      commit: "3f9c2b7",
      environment: "stage",
      release: releaseOf(3),
    });

    await expect(recording).rejects.toMatchObject({ what: 'Cannot record a deployment of "3f9c2b7".' });
    expect(sim.world.calls.count()).toBe(0);
  });
});

describe("setDeploymentStatus", () => {
  it("records statuses with the run's log, the environment's URL and a description cut to 140 characters", async () => {
    const { id } = await deploy(4, "stage", []);
    await setDeploymentStatus(client, repository, id, {
      state: "in_progress",
      logUrl: LOG,
      description: "Rolling out",
    });
    const long = `Rolled out to 10 instances ${"x".repeat(200)}`;
    const done = await setDeploymentStatus(client, repository, id, {
      state: "success",
      logUrl: LOG,
      environmentUrl: "https://stage.shop.example",
      description: long,
    });

    expect(done.state).toBe("success");
    const statuses = await get<Record<string, string>[]>(`/deployments/${id}/statuses`);
    expect(statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
    expect(statuses[0]).toMatchObject({
      id: done.id,
      log_url: LOG,
      environment_url: "https://stage.shop.example",
      description: `${long.slice(0, 139)}…`,
    });
    expect(statuses[1]).toMatchObject({ log_url: LOG, environment_url: "", description: "Rolling out" });
  });

  it("says which deployment was not found", async () => {
    const setting = setDeploymentStatus(client, repository, 999_999, { state: "failure", logUrl: LOG });

    await expect(setting).rejects.toMatchObject({
      what: `Could not set the status of deployment 999999 in ${repository} to failure: GitHub answered 404.`,
      code: "GithubNotFound",
    });
  });

  it("truncates by characters, never inside one", () => {
    expect(truncate("short")).toBe("short");
    expect(truncate("é".repeat(140))).toBe("é".repeat(140));
    const cut = truncate("🚀".repeat(200));
    expect(Array.from(cut)).toHaveLength(140);
    expect(cut.endsWith("🚀…")).toBe(true);
  });
});

describe("findLatestSuccessfulDeployment", () => {
  it("finds the newest success with its release, passing over newer failed and unfinished ones", async () => {
    await deploy(10, "stage", ["in_progress", "success"]);
    const good = await deploy(11, "stage", ["in_progress", "success"]);
    const failed = await deploy(12, "stage", ["in_progress", "failure"]);
    const running = await deploy(13, "stage", ["in_progress"]);
    await deploy(14, "production", ["in_progress", "success"]);

    const found = await findLatestSuccessfulDeployment(client, repository, "stage");

    expect(found.deployment).toMatchObject({
      id: good.id,
      url: good.url,
      commit: releaseOf(11).commit,
      environment: "stage",
      state: "success",
      logUrl: LOG,
    });
    expect(found.deployment?.release).toEqual(releaseOf(11));
    expect(found.skipped).toEqual([
      expect.objectContaining({
        id: running.id,
        state: "in_progress",
        reason: expect.stringMatching(/did not finish/),
      }),
      expect.objectContaining({
        id: failed.id,
        commit: releaseOf(12).commit,
        state: "failure",
        reason: "its rollout failed",
      }),
    ]);
    expect(found.truncated).toBe(false);
  });

  it("passes over deployments deploy did not record, and still finds the success one of them made inactive", async () => {
    const ours = await deploy(20, "stage", ["in_progress", "success"]);
    // What GitHub records for a job with `environment: stage`: no payload, and its success
    // makes ours inactive.
    const job = await client.request<{ id: number }>("POST", `/repos/${repository}/deployments`, {
      doing: "record the job's deployment",
      body: { ref: "main", environment: "stage", required_contexts: [] },
    });
    await setDeploymentStatus(client, repository, job.data.id, { state: "success", logUrl: LOG });

    const found = await findLatestSuccessfulDeployment(client, repository, "stage");

    expect(found.deployment).toMatchObject({ id: ours.id, state: "inactive", release: releaseOf(20) });
    expect(found.skipped).toEqual([
      {
        id: job.data.id,
        commit: expect.any(String),
        createdAt: expect.any(String),
        reason: expect.stringMatching(/no release/),
      },
    ]);
  });

  it("looks only at the commit asked for", async () => {
    const wanted = await deploy(30, "stage", ["success"]);
    await deploy(31, "stage", ["success"]);

    const found = await findLatestSuccessfulDeployment(client, repository, "stage", { commit: releaseOf(30).commit });

    expect(found.deployment?.id).toBe(wanted.id);
  });

  it("fails clearly when the successful deployment's payload is not a valid release", async () => {
    const broken = await client.request<{ id: number }>("POST", `/repos/${repository}/deployments`, {
      doing: "record a broken deployment",
      body: {
        ref: "main",
        environment: "stage",
        required_contexts: [],
        payload: { schema: 1, commit: "3f9c2b7" },
      },
    });
    await setDeploymentStatus(client, repository, broken.data.id, { state: "success", logUrl: LOG });

    await expect(findLatestSuccessfulDeployment(client, repository, "stage")).rejects.toMatchObject({
      what: `The payload of deployment ${broken.data.id} is not a valid release record.`,
      why: expect.stringMatching(/Field "commit" is "3f9c2b7"/),
      code: "InvalidRelease",
    });
  });

  it("stops at its limit, saying so, with one call per deployment and per page", async () => {
    for (let n = 40; n < 45; n++) await deploy(n, "stage", ["failure"]);
    await deploy(45, "other", ["success"]);
    sim.world.calls.reset();

    const found = await findLatestSuccessfulDeployment(client, repository, "stage", { limit: 3 });

    expect(found.deployment).toBeUndefined();
    expect(found.truncated).toBe(true);
    expect(found.skipped.map((s) => s.commit)).toEqual([44, 43, 42].map((n) => releaseOf(n).commit));
    expect(sim.world.calls.counts()).toEqual({
      "github:GET /repos/{owner}/{repo}/deployments": 1,
      "github:GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": 3,
    });
  });

  it("answers nothing found for an environment never deployed", async () => {
    expect(await findLatestSuccessfulDeployment(client, repository, "stage")).toEqual({
      skipped: [],
      truncated: false,
    });
  });
});
