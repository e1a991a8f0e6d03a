// End-to-end: the bundled rolling-replace action, run as the runner runs it, against the
// simulator on a scaled clock. Rolling strategy: success, auto-rollback, dry run,
// throttling, the deployment record, a running refresh, a re-run.
import { describe, expect, it } from "vitest";
import {
  AMI,
  awsMutations,
  errors,
  GROUP,
  github,
  group,
  REGION,
  REPOSITORY,
  refreshStatuses,
  rollout,
  SLOW,
  sim,
  simulatorPerTest,
  TEMPLATE,
  WHILE_WAITING,
} from "./rolling-replace-support.ts";

simulatorPerTest();

const RELEASE = {
  schema: 1,
  commit: "b".repeat(40),
  repository: REPOSITORY,
  amis: { [REGION]: AMI.new, "us-east-1": "ami-0f1e2d3c4b5a69788" },
  createdAt: "2026-11-26T10:00:00Z",
  run: { id: 4200, attempt: 1, url: `https://github.com/${REPOSITORY}/actions/runs/4200` },
};
const RUN_URL = `https://github.com/${REPOSITORY}/actions/runs/4242`;

interface Deployment {
  id: number;
  sha: string;
  environment: string;
  payload: unknown;
  production_environment: boolean;
}
interface DeploymentStatus {
  state: string;
  log_url: string;
  environment_url: string;
}

describe("rolling-replace (rolling)", () => {
  it("rolls the new AMI out to every instance and reports it", async () => {
    const run = await rollout(sim);

    expect(run.main.outcome).toBe("success");
    expect(run.outputs).toMatchObject({
      status: "Successful",
      "auto-scaling-group": GROUP,
      "launch-template-version": "2",
      "previous-launch-template-version": "1",
    });
    expect(run.outputs["instance-refresh-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.outputs["launch-template-id"]).toMatch(/^lt-[0-9a-f]+$/);
    expect(Number(run.outputs["duration-seconds"])).toBeGreaterThanOrEqual(0);
    expect(group(sim)).toMatchObject({
      launchTemplate: { name: TEMPLATE, version: "2" },
      inService: 4,
      healthy: 4,
      versions: { [`${TEMPLATE}:2`]: 4 },
    });
    expect(refreshStatuses(sim)).toEqual(["Successful"]);
    expect(run.state["deploy-phase"]).toBe("reported");
    // The summary: before and after, the timeline as a Mermaid chart, links.
    expect(run.summary).toContain("| Launch template version | 1 | 2 |");
    expect(run.summary).toMatch(/```mermaid\ngantt\n/);
    expect(run.summary).toContain(`[Workflow run](${RUN_URL})`);
    // The post step found nothing left to do: nothing changed after main.
    expect(run.post?.outcome).toBe("success");
    expect(run.post?.summary).toBe("");
  });

  it("refuses an AMI the group's instance type cannot run, naming ami-id, before any change", async () => {
    const run = await rollout(sim, { "ami-id": AMI.arm, environment: "stage" });

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain(`AMI ${AMI.arm} is arm64, and t3.small`);
    expect(awsMutations(sim)).toEqual([]);
    expect(sim.world.calls.mutating().filter((c) => c.operation.startsWith("github:"))).toEqual([]);
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:1`]: 4 });
    expect(run.post?.outcome ?? "success").toBe("success");
  });

  it("rolls back a bad AMI, fails naming the version restored, and records the failure", async () => {
    const run = await rollout(sim, {
      "ami-id": AMI.bad,
      environment: "stage",
      "environment-url": "https://stage.shop.example",
    });

    expect(run.main.outcome).toBe("failure");
    expect(run.outputs.status).toBe("RollbackSuccessful");
    expect(errors(run)).toMatch(/rolled back \(RollbackSuccessful\): the group is on launch template version 1\./);
    expect(group(sim)).toMatchObject({
      launchTemplate: { name: TEMPLATE, version: "1" },
      healthy: 4,
      versions: { [`${TEMPLATE}:1`]: 4 },
    });
    expect(refreshStatuses(sim)).toEqual(["RollbackSuccessful"]);
    const statuses = await github<DeploymentStatus[]>(
      sim,
      `/repos/${REPOSITORY}/deployments/${run.outputs["deployment-id"]}/statuses`,
    );
    expect(statuses.map((s) => s.state)).toEqual(["failure", "in_progress"]);
    expect(run.state["deploy-phase"]).toBe("reported");
  });

  it("records the deployment with the release as payload, in_progress then success", async () => {
    const run = await rollout(sim, {
      "ami-id": "",
      release: JSON.stringify(RELEASE),
      environment: "stage",
      "environment-url": "https://stage.shop.example",
    });

    expect(run.main.outcome).toBe("success");
    const id = run.outputs["deployment-id"];
    const deployment = await github<Deployment>(sim, `/repos/${REPOSITORY}/deployments/${id}`);
    expect(deployment).toMatchObject({
      sha: RELEASE.commit,
      environment: "stage",
      payload: RELEASE,
      production_environment: false,
    });
    const statuses = await github<DeploymentStatus[]>(sim, `/repos/${REPOSITORY}/deployments/${id}/statuses`);
    expect(statuses.map((s) => [s.state, s.log_url, s.environment_url])).toEqual([
      ["success", RUN_URL, "https://stage.shop.example"],
      ["in_progress", RUN_URL, "https://stage.shop.example"],
    ]);
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:2`]: 4 });
  });

  it("dry run: prints the plan and makes no mutating call", async () => {
    const run = await rollout(sim, { "dry-run": "true", environment: "stage" });

    expect(run.main.outcome).toBe("success");
    expect(sim.world.calls.mutating()).toEqual([]);
    expect(run.outputs).toMatchObject({ status: "DryRun", "previous-launch-template-version": "1" });
    const log = run.maskedLog("main");
    expect(log).toContain(`Image: ${AMI.old} -> ${AMI.new}`);
    expect(log).toContain("Instances to replace: 4");
    expect(log).toMatch(/Estimated duration: \S+/);
    expect(run.summary).toContain(`Image: ${AMI.old} -> ${AMI.new}`);
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:1`]: 4 });
  });

  it("ends the same with 20% of AWS calls throttled", async () => {
    for (const service of ["ec2", "autoscaling", "ssm"]) {
      sim.world.faults.add({ operation: `${service}:*`, kind: "throttle", rate: 0.2 });
    }
    const run = await rollout(sim);

    expect(sim.world.calls.records.some((call) => call.error !== undefined)).toBe(true);
    expect(run.main.outcome).toBe("success");
    expect(run.outputs).toMatchObject({
      status: "Successful",
      "launch-template-version": "2",
      "previous-launch-template-version": "1",
    });
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:2`]: 4 });
    expect(refreshStatuses(sim)).toEqual(["Successful"]);
  });
});

describe("rolling-replace with a refresh already running", () => {
  /**
   * Another run's refresh, left running: it pauses 20 simulated minutes (6 real seconds)
   * at its 50% checkpoint, long enough for the step under test to find it running.
   */
  async function foreignRefresh(): Promise<void> {
    const other = await rollout(
      sim,
      { "checkpoint-percentages": "50, 100", "checkpoint-delay": "20m" },
      { github: { runId: "1111" }, cancel: WHILE_WAITING, post: false },
    );
    expect(other.main.outcome).toBe("cancelled");
    expect(refreshStatuses(sim)).toEqual([expect.stringMatching(/^(Pending|InProgress)$/)]);
    sim.world.calls.reset();
  }

  it("fail (default): fails naming the running refresh, before any change", async () => {
    await foreignRefresh();
    const run = await rollout(sim);

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain("if-refresh-running");
    expect(awsMutations(sim)).toEqual([]);
    expect(refreshStatuses(sim)).toEqual([expect.stringMatching(/^(Pending|InProgress)$/)]);
  });

  it("wait: waits for it to end, then rolls out", async () => {
    await foreignRefresh();
    const run = await rollout(sim, { "if-refresh-running": "wait" });

    expect(run.main.outcome).toBe("success");
    expect(refreshStatuses(sim)).toEqual(["Successful", "Successful"]);
    expect(run.outputs["launch-template-version"]).toBe("3");
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:3`]: 4 });
  });

  it("cancel: cancels it, then rolls out", async () => {
    await foreignRefresh();
    const run = await rollout(sim, { "if-refresh-running": "cancel" });

    expect(run.main.outcome).toBe("success");
    expect(sim.world.calls.count("autoscaling:CancelInstanceRefresh")).toBe(1);
    expect(refreshStatuses(sim)).toEqual(["Cancelled", "Successful"]);
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:3`]: 4 });
  });

  it("a re-run of the same run (attempt 2) attaches to the refresh its first attempt started", async () => {
    const first = await rollout(sim, SLOW, { cancel: WHILE_WAITING, post: false });
    expect(first.main.outcome).toBe("cancelled");
    const started = JSON.parse(first.state.rollout ?? "{}") as { instanceRefreshId?: string };

    const rerun = await rollout(sim, SLOW, { github: { runAttempt: "2" } });

    expect(rerun.main.outcome).toBe("success");
    expect(rerun.outputs["instance-refresh-id"]).toBe(started.instanceRefreshId);
    expect(rerun.outputs["launch-template-version"]).toBe("2");
    expect(sim.world.calls.count("autoscaling:StartInstanceRefresh")).toBe(1);
    expect(sim.world.calls.count("ec2:CreateLaunchTemplateVersion")).toBe(1);
    expect(refreshStatuses(sim)).toEqual(["Successful"]);
  });
});
