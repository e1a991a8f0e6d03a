// End-to-end: a failure after the rollout settled. GitHub answers 500 to the last deployment
// status (every retry of it), so the main step fails after AWS finished; the post step must
// leave the new release serving, change nothing on AWS, and mark the deployment record.
import { trafficTargets } from "@deploy/sim";
import type { ActionRun } from "@deploy/test/harness";
import { describe, expect, it } from "vitest";
import {
  awsMutations,
  errors,
  GROUP,
  github,
  group,
  REGION,
  REPOSITORY,
  rollout,
  sim,
  simulatorPerTest,
  TARGET_GROUP,
  TEMPLATE,
} from "./rolling-replace-support.ts";

simulatorPerTest();

/** The GitHub client's attempts per call: all of them fail, so the step's own call fails. */
const STATUS_ATTEMPTS = 4;
const STATUSES = "github:POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses";

interface DeploymentStatus {
  state: string;
  description: string;
}

/**
 * Rolls out with a deployment record; once the record is in_progress, GitHub fails the next
 * status calls: the final one of the main step, with its retries. The AWS calls of each step
 * are kept apart, to show what the post step did on AWS.
 */
async function rolloutThenGithubFails(inputs: Record<string, string>) {
  let mainMutations: string[] | undefined;
  const run = await rollout(
    sim,
    { environment: "stage", ...inputs },
    {
      onLine(line, step) {
        if (step === "main" && line.text.startsWith("Recorded deployment")) {
          sim.world.faults.add({ operation: STATUSES, kind: "error", status: 500, count: STATUS_ATTEMPTS });
        }
        // As of the main step's last line (its failure), every AWS call of it has been made.
        if (step === "main") mainMutations = awsMutations(sim);
      },
    },
  );
  const postMutations = awsMutations(sim).slice(mainMutations?.length ?? 0);
  const statuses = await github<DeploymentStatus[]>(
    sim,
    `/repos/${REPOSITORY}/deployments/${deploymentId(run)}/statuses`,
  );
  return { run, postMutations, statuses };
}

function deploymentId(run: ActionRun): number {
  return JSON.parse(run.state.deployment ?? "{}").id as number;
}

function expectReportedByPost(run: ActionRun, statuses: DeploymentStatus[], postMutations: string[]): void {
  expect(run.main.outcome).toBe("failure");
  expect(errors(run)).toMatch(/500/);
  expect(run.state["deploy-phase"]).toBe("settled");
  expect(run.post?.outcome).toBe("success");
  // Nothing undone: the post step made no change on AWS at all.
  expect(postMutations).toEqual([]);
  // The record says what happened, marked by the post step after the main step could not.
  expect(statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
  expect(statuses[0]?.description).toMatch(/succeeded \(Successful\)/);
  expect(run.post?.summary).toContain("the rollout settled, but the step failed after it");
  expect(run.post?.summary).toContain(`marked **success** by the post step`);
}

describe("rolling-replace when GitHub fails after the rollout settled", () => {
  it("rolling: the group stays on the new version and the post step marks the deployment", async () => {
    const { run, statuses, postMutations } = await rolloutThenGithubFails({});

    expectReportedByPost(run, statuses, postMutations);
    expect(group(sim)).toMatchObject({ launchTemplate: { version: "2" }, versions: { [`${TEMPLATE}:2`]: 4 } });
  });

  it("blue-green: the new group keeps the traffic, the old one stays retired", async () => {
    const { run, statuses, postMutations } = await rolloutThenGithubFails({ strategy: "blue-green" });

    expectReportedByPost(run, statuses, postMutations);
    const green = run.outputs["auto-scaling-group"] as string;
    expect(green).not.toBe(GROUP);
    expect(Object.keys(trafficTargets(sim.world, REGION, TARGET_GROUP))).toEqual([green]);
    expect(group(sim, green)).toMatchObject({ healthy: 4, versions: { [`${TEMPLATE}:2`]: 4 } });
    const live = [...sim.world.region(REGION).autoscaling.groups.values()].filter((g) => !g.deleting);
    expect(live.map((g) => g.name).sort()).toEqual([GROUP, green].sort());
  });
});
