import { describe, expect, it } from "vitest";
import { addCheckRun } from "../src/services/github/check-runs.ts";
import { declareRepository, repository } from "../src/services/github/repositories.ts";
import { useTestSim } from "./support.ts";

const t = useTestSim();

const repo = { owner: "acme", repo: "shop" };
const SHA = "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

/** The status code and body of a rejected Octokit call. */
async function failure(call: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown> }> {
  const error = (await call.then(
    () => {
      throw new Error("the call succeeded");
    },
    (e: unknown) => e,
  )) as { status: number; response: { data: Record<string, unknown> } };
  return { status: error.status, data: error.response.data };
}

describe("GitHub deployments", () => {
  it("creates a deployment with GitHub's fields and defaults, the payload as an object", async () => {
    const release = { schema: 1, commit: SHA, amis: { "eu-west-1": "ami-0a1b2c3d4e5f60718" } };
    const { status, data } = await t.octokit.rest.repos.createDeployment({
      ...repo,
      ref: SHA,
      payload: JSON.stringify(release),
      environment: "stage",
      description: "shop to stage",
      required_contexts: [],
      auto_merge: false,
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      id: expect.any(Number),
      node_id: expect.any(String),
      sha: SHA,
      ref: SHA,
      task: "deploy",
      payload: release,
      original_environment: "stage",
      environment: "stage",
      description: "shop to stage",
      creator: { login: "github-actions[bot]", type: "Bot" },
      created_at: "2026-11-26T10:00:00Z",
      updated_at: "2026-11-26T10:00:00Z",
      transient_environment: false,
      production_environment: false,
      repository_url: `${t.server.url}/github/repos/acme/shop`,
    });
    if (!("id" in data)) throw new Error("no deployment");
    expect(data.url).toBe(`${t.server.url}/github/repos/acme/shop/deployments/${data.id}`);
    expect(data.statuses_url).toBe(`${data.url}/statuses`);

    const fetched = await t.octokit.rest.repos.getDeployment({ ...repo, deployment_id: data.id });
    expect(fetched.data).toEqual(data);

    const production = await t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: [] });
    expect(production.data).toMatchObject({ environment: "production", production_environment: true, payload: {} });
  });

  it("resolves a branch to a commit: the declared sha, or the same derived sha every time", async () => {
    declareRepository(t.world, { fullName: "acme/declared", refs: { main: SHA } });
    const declared = await t.octokit.rest.repos.createDeployment({
      owner: "acme",
      repo: "declared",
      ref: "main",
      required_contexts: [],
    });
    expect(declared.data).toMatchObject({ ref: "main", sha: SHA });
    expect(
      await failure(
        t.octokit.rest.repos.createDeployment({ owner: "acme", repo: "declared", ref: "nope", required_contexts: [] }),
      ),
    ).toMatchObject({ status: 422, data: { message: "No ref found for: nope" } });

    const first = await t.octokit.rest.repos.createDeployment({ ...repo, ref: "release/1", required_contexts: [] });
    const second = await t.octokit.rest.repos.createDeployment({ ...repo, ref: "release/1", required_contexts: [] });
    const other = await t.octokit.rest.repos.createDeployment({ ...repo, ref: "release/2", required_contexts: [] });
    if (!("sha" in first.data && "sha" in second.data && "sha" in other.data)) throw new Error("no deployment");
    expect(first.data.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(second.data.sha).toBe(first.data.sha);
    expect(other.data.sha).not.toBe(first.data.sha);
  });

  it("refuses a commit whose checks have not passed unless required_contexts says which count", async () => {
    const shop = repository(t.world, "acme", "shop");
    addCheckRun(t.world, shop, { headSha: SHA, name: "test", conclusion: "success" }, t.world.clock.now());
    addCheckRun(t.world, shop, { headSha: SHA, name: "lint", conclusion: "failure" }, t.world.clock.now());

    const refused = await failure(t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA }));
    expect(refused).toMatchObject({
      status: 409,
      data: {
        message: `Conflict: Commit status checks failed for ${SHA}.`,
        errors: [{ contexts: [{ context: "lint", state: "failure" }], field: "required_contexts", code: "invalid" }],
      },
    });
    await expect(
      t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: ["test"] }),
    ).resolves.toMatchObject({ status: 201 });
    expect(
      await failure(t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: ["build"] })),
    ).toMatchObject({ status: 409 });
  });

  it("answers GitHub's errors: 422 for a missing ref, 404 for an unknown deployment", async () => {
    expect(await failure(t.octokit.request("POST /repos/acme/shop/deployments", {}))).toEqual({
      status: 422,
      data: {
        message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
        documentation_url: "https://docs.github.com/rest/deployments/deployments#create-a-deployment",
        status: "422",
      },
    });
    expect(
      await failure(t.octokit.request("POST /repos/acme/shop/deployments", { ref: "main", auto_merge: "yes" })),
    ).toMatchObject({ status: 422, data: { message: expect.stringContaining("'properties/auto_merge'") } });
    expect(await failure(t.octokit.rest.repos.getDeployment({ ...repo, deployment_id: 999 }))).toMatchObject({
      status: 404,
      data: { message: "Not Found", documentation_url: expect.stringContaining("docs.github.com") },
    });
    expect(await failure(t.octokit.request("GET /repos/{owner}/{repo}/pulls", repo))).toMatchObject({ status: 404 });
  });

  it("lists newest first, filtered by sha, ref, task and environment, a page at a time with a Link header", async () => {
    const created: number[] = [];
    for (const environment of ["stage", "production", "stage", "stage", "stage"]) {
      const { data } = await t.octokit.rest.repos.createDeployment({
        ...repo,
        ref: "main",
        environment,
        required_contexts: [],
      });
      if ("id" in data) created.push(data.id);
      await t.world.clock.sleep(1000);
    }
    const stageIds = [created[4], created[3], created[2], created[0]];

    const firstPage = await t.octokit.rest.repos.listDeployments({ ...repo, environment: "stage", per_page: 3 });
    expect(firstPage.data.map((d) => d.id)).toEqual(stageIds.slice(0, 3));
    expect(firstPage.headers.link).toBe(
      `<${t.server.url}/github/repos/acme/shop/deployments?environment=stage&per_page=3&page=2>; rel="next", ` +
        `<${t.server.url}/github/repos/acme/shop/deployments?environment=stage&per_page=3&page=2>; rel="last"`,
    );
    const all = await t.octokit.paginate(t.octokit.rest.repos.listDeployments, {
      ...repo,
      environment: "stage",
      per_page: 3,
    });
    expect(all.map((d) => d.id)).toEqual(stageIds);

    expect((await t.octokit.rest.repos.listDeployments({ ...repo, task: "deploy:migrations" })).data).toEqual([]);
    expect((await t.octokit.rest.repos.listDeployments({ ...repo, ref: "main" })).data).toHaveLength(5);
    expect((await t.octokit.rest.repos.listDeployments({ ...repo, sha: SHA })).data).toEqual([]);
  });
});

describe("GitHub deployment statuses", () => {
  async function deploy(environment: string, extra: { transient_environment?: boolean } = {}): Promise<number> {
    const { data } = await t.octokit.rest.repos.createDeployment({
      ...repo,
      ref: SHA,
      environment,
      required_contexts: [],
      ...extra,
    });
    if (!("id" in data)) throw new Error("no deployment");
    return data.id;
  }
  const latestState = async (deployment_id: number) =>
    (await t.octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id })).data[0]?.state;

  it("records statuses newest first, with log_url standing for target_url, and moves the environment", async () => {
    const id = await deploy("stage");
    const progress = await t.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: "in_progress",
      log_url: "https://github.com/acme/shop/actions/runs/4242",
    });
    expect(progress.status).toBe(201);
    expect(progress.data).toMatchObject({
      state: "in_progress",
      target_url: "https://github.com/acme/shop/actions/runs/4242",
      log_url: "https://github.com/acme/shop/actions/runs/4242",
      environment: "stage",
      deployment_url: `${t.server.url}/github/repos/acme/shop/deployments/${id}`,
      creator: { login: "github-actions[bot]" },
    });
    await t.world.clock.sleep(60_000);
    await t.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: "success",
      environment: "stage-eu",
      environment_url: "https://stage.shop.example",
    });

    const { data } = await t.octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    expect(data.map((s) => [s.state, s.environment])).toEqual([
      ["success", "stage-eu"],
      ["in_progress", "stage"],
    ]);
    const deployment = await t.octokit.rest.repos.getDeployment({ ...repo, deployment_id: id });
    expect(deployment.data).toMatchObject({
      environment: "stage-eu",
      original_environment: "stage",
      updated_at: "2026-11-26T10:01:00Z",
    });
    const one = await t.octokit.rest.repos.getDeploymentStatus({
      ...repo,
      deployment_id: id,
      status_id: data[1]?.id as number,
    });
    expect(one.data.state).toBe("in_progress");
  });

  it("marks earlier successful deployments of the same non-production environment inactive on success", async () => {
    const old = await deploy("stage");
    await t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: old, state: "success" });
    const failed = await deploy("stage");
    await t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: failed, state: "failure" });
    const preview = await deploy("stage", { transient_environment: true });
    await t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: preview, state: "success" });
    const prod = await deploy("production");
    await t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: prod, state: "success" });

    const current = await deploy("stage");
    await t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: current, state: "success" });

    expect(await latestState(old)).toBe("inactive");
    expect(await latestState(failed)).toBe("failure");
    expect(await latestState(preview)).toBe("success");
    expect(await latestState(prod)).toBe("success");
    expect(await latestState(current)).toBe("success");

    const kept = await deploy("stage");
    await t.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: kept,
      state: "success",
      auto_inactive: false,
    });
    expect(await latestState(current)).toBe("success");
  });

  it("validates the state and the description's length", async () => {
    const id = await deploy("stage");
    expect(
      await failure(t.octokit.request(`POST /repos/acme/shop/deployments/${id}/statuses`, { state: "done" })),
    ).toMatchObject({
      status: 422,
      data: { message: "Validation Failed", errors: [{ resource: "DeploymentStatus", field: "state" }] },
    });
    expect(
      await failure(
        t.octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: id,
          state: "success",
          description: "x".repeat(141),
        }),
      ),
    ).toMatchObject({ status: 422, data: { errors: [{ field: "description" }] } });
    expect(
      await failure(t.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: 12345, state: "success" })),
    ).toMatchObject({ status: 404 });
  });
});

describe("GitHub check runs", () => {
  it("lists the latest run of each check on a ref, filtered by name and status", async () => {
    const shop = declareRepository(t.world, { fullName: "acme/shop", refs: { main: SHA } });
    const at = t.world.clock.now();
    addCheckRun(t.world, shop, { headSha: SHA, name: "test", conclusion: "failure" }, at);
    addCheckRun(t.world, shop, { headSha: SHA, name: "test", conclusion: "success", detailsUrl: "https://ci/1" }, at);
    addCheckRun(t.world, shop, { headSha: SHA, name: "e2e", status: "in_progress" }, at);
    addCheckRun(t.world, shop, { headSha: "0".repeat(40), name: "test" }, at);

    const latest = await t.octokit.rest.checks.listForRef({ ...repo, ref: "main" });
    expect(latest.data.total_count).toBe(2);
    expect(latest.data.check_runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([
      ["e2e", "in_progress", null],
      ["test", "completed", "success"],
    ]);
    expect(latest.data.check_runs[1]).toMatchObject({
      head_sha: SHA,
      details_url: "https://ci/1",
      started_at: "2026-11-26T10:00:00Z",
      completed_at: "2026-11-26T10:00:00Z",
      html_url: expect.stringMatching(/^https:\/\/github\.com\/acme\/shop\/runs\/\d+$/),
    });

    const all = await t.octokit.rest.checks.listForRef({ ...repo, ref: SHA, filter: "all", check_name: "test" });
    expect(all.data.check_runs.map((r) => r.conclusion)).toEqual(["success", "failure"]);
    const running = await t.octokit.rest.checks.listForRef({ ...repo, ref: SHA, status: "in_progress" });
    expect(running.data.check_runs.map((r) => r.name)).toEqual(["e2e"]);
    expect(await failure(t.octokit.rest.checks.listForRef({ ...repo, ref: "gone" }))).toMatchObject({ status: 422 });
  });
});

describe("the GitHub endpoint", () => {
  it("answers GET /repos/{owner}/{repo} and logs calls by route, never by token", async () => {
    const { data } = await t.octokit.rest.repos.get(repo);
    expect(data).toMatchObject({ name: "shop", full_name: "acme/shop", default_branch: "main" });
    await t.octokit.rest.repos.listDeployments(repo);
    expect(t.world.calls.counts()).toEqual({
      "github:GET /repos/{owner}/{repo}": 1,
      "github:GET /repos/{owner}/{repo}/deployments": 1,
    });
    expect(JSON.stringify(t.world.calls.records)).not.toContain("ghs_");
    expect(JSON.stringify([...t.world.github.repositories.values()])).not.toContain("ghs_");
  });

  it("throttles with GitHub's secondary rate limit when a fault says so", async () => {
    t.world.faults.add({ operation: "github:POST /repos/{owner}/{repo}/deployments", kind: "throttle", count: 1 });
    expect(
      await failure(t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: [] })),
    ).toMatchObject({ status: 403, data: { message: expect.stringContaining("secondary rate limit") } });
    await expect(
      t.octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: [] }),
    ).resolves.toMatchObject({ status: 201 });
  });
});
