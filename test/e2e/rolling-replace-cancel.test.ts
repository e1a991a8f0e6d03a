// End-to-end: a job cancelled while rolling-replace waits. The runner sends SIGINT; the
// step stops waiting, and its post step applies on-cancel to the refresh it left.
import { describe, expect, it, vi } from "vitest";
import {
  github,
  group,
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

const IN_PROGRESS = /^(Pending|InProgress|Baking)$/;

async function cancelled(onCancel: string) {
  const run = await rollout(sim, { ...SLOW, "on-cancel": onCancel, environment: "stage" }, { cancel: WHILE_WAITING });
  expect(run.main.outcome).toBe("cancelled");
  expect(run.post?.outcome).toBe("success");
  expect(JSON.parse(run.state.rollout ?? "null")).toMatchObject({ strategy: "rolling", newVersion: "2" });
  expect(run.state["deploy-phase"]).toBe("changing");
  expect(run.summary).toContain(`on-cancel is **${onCancel}**`);
  const id = JSON.parse(run.state.deployment ?? "{}").id as number;
  const statuses = await github<{ state: string }[]>(sim, `/repos/${REPOSITORY}/deployments/${id}/statuses`);
  return { run, states: statuses.map((s) => s.state) };
}

describe("rolling-replace cancelled during the wait", () => {
  it("on-cancel rollback: the post step rolls the refresh back and waits for it", async () => {
    const { states } = await cancelled("rollback");

    expect(refreshStatuses(sim)).toEqual(["RollbackSuccessful"]);
    expect(group(sim)).toMatchObject({
      launchTemplate: { name: TEMPLATE, version: "1" },
      versions: { [`${TEMPLATE}:1`]: 4 },
    });
    expect(states).toEqual(["failure", "in_progress"]);
  });

  it("on-cancel cancel: the post step cancels the refresh and waits for it", async () => {
    const { states } = await cancelled("cancel");

    expect(refreshStatuses(sim)).toEqual(["Cancelled"]);
    expect(group(sim).launchTemplate).toMatchObject({ name: TEMPLATE, version: "1" });
    expect(states).toEqual(["failure", "in_progress"]);
  });

  it("on-cancel leave: the refresh goes on after the step, and the deployment is inactive", async () => {
    const { states } = await cancelled("leave");

    expect(refreshStatuses(sim)).toEqual([expect.stringMatching(IN_PROGRESS)]);
    expect(states).toEqual(["inactive", "in_progress"]);
    await vi.waitFor(() => expect(refreshStatuses(sim)).toEqual(["Successful"]), { timeout: 30_000, interval: 100 });
    expect(group(sim).versions).toEqual({ [`${TEMPLATE}:2`]: 4 });
  });
});
