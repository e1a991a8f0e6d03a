// End-to-end: the bundled promote action, run as the runner runs it, against the
// simulator's AWS and GitHub: what it promotes, what it refuses (each before any AWS
// change, and nothing is ever written to GitHub), the parity report.
import { parseRelease } from "@deploy/release";
import { describe, expect, it } from "vitest";
import {
  awsMutations,
  callsOutsidePolicy,
  checkRun,
  deployment,
  errors,
  GOOD,
  githubWrites,
  inWorld,
  NEWEST,
  OLD,
  promote,
  REGION,
  releaseOf,
  STAGE_HISTORY,
  sim,
  TOKEN,
  world,
} from "./promote-support.ts";

const short = (commit: string) => commit.slice(0, 7);

describe("promote", () => {
  it("promotes what last succeeded in stage: the same AMI and image, nothing rebuilt, nothing written", async () => {
    await inWorld();
    const run = await promote({ "required-checks": "test" });

    expect(run.main.outcome).toBe("success");
    const release = parseRelease(run.outputs.release);
    // Stage's release as it was recorded: the same commit, image, AMI and bake key.
    expect(release).toEqual({ ...releaseOf(GOOD), createdAt: release.createdAt });
    expect(run.outputs).toMatchObject({
      "ami-id": GOOD.ami,
      commit: GOOD.commit,
      image: release.image,
      rollback: "false",
    });
    const sourceId = run.outputs["source-deployment-id"];
    expect(Number(sourceId)).toBeGreaterThan(0);
    // Stage's AMI is already where production runs: nothing to copy or share; GitHub is only read.
    expect(awsMutations(sim)).toEqual([]);
    expect(githubWrites()).toEqual([]);
    expect(callsOutsidePolicy()).toEqual([]);

    const summary = run.summary;
    expect(summary).toContain(`## Promote stage → production: ${short(GOOD.commit)} ✅`);
    expect(summary).toContain(
      `succeeded in stage as deployment [${sourceId}](https://github.com/acme/shop/deployments/stage)`,
    );
    expect(summary).toContain("Nothing was rebuilt");
    // Passed over: the newest stage deployment, which failed.
    expect(summary).toMatch(new RegExp(`\\| \\d+ \\| ${short(NEWEST.commit)} \\| failure \\| [^|]+ \\|`));
    // What production runs now, and what it gets.
    expect(summary).toContain(`| Commit | ${short(OLD.commit)} | ${short(GOOD.commit)} |`);
    expect(summary).toContain(`| AMI in ${REGION} | ${OLD.ami} | ${GOOD.ami} |`);
    expect(summary).toMatch(/\| \[test\]\(https:\/\/github\.com\/acme\/shop\/runs\/\d+\) \| success ✅ \|/);
    // Parity: the groups side by side; capacity differs, as it may.
    expect(summary).toContain(
      "| Aspect | stage: shop-stage (eu-west-1) | production: shop-production (eu-west-1) |  |",
    );
    expect(summary).toMatch(/\| [^|\n]*[Cc]apacity[^|\n]* \| [^|\n]+ \| [^|\n]+ \| differs \(expected\) \|/);
    expect(summary).not.toContain("differs ⚠️");
    expect(run.main.annotations.filter((a) => a.level === "warning")).toEqual([]);
    expect(run.maskedLog("main")).not.toContain(TOKEN);
    // Nothing left for the post step.
    expect(run.state["deploy-phase"]).toBe("reported");
    expect(run.post?.summary ?? "").toBe("");
  });

  it("fails clearly, naming the environment, when stage has no successful deployment", async () => {
    await inWorld(
      world({ deployments: [deployment("stage", NEWEST, "failure"), deployment("production", OLD, "success")] }),
    );
    const run = await promote();

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toMatch(/\bstage\b/);
    expect(errors(run)).toMatch(/succeeded/);
    expect(awsMutations(sim)).toEqual([]);
    expect(run.summary).toContain("## Promote stage → production: refused ❌");
    expect(run.post?.summary ?? "").toBe("");
  });

  it("promotes the earlier success when the newest stage deployment failed, and says so", async () => {
    await inWorld();
    const run = await promote();

    expect(run.main.outcome).toBe("success");
    expect(run.outputs.commit).toBe(GOOD.commit);
    expect(run.summary).toContain("Newer stage deployments passed over:");
    expect(run.summary).toContain(`| ${short(NEWEST.commit)} | failure |`);
    expect(run.maskedLog("main")).toMatch(new RegExp(`Passed over: stage deployment \\d+ of ${short(NEWEST.commit)}`));
  });

  it("refuses an explicit release that never succeeded in stage, as a record or as a commit", async () => {
    await inWorld();
    for (const release of [JSON.stringify(releaseOf(NEWEST)), NEWEST.commit]) {
      const run = await promote({ release });
      expect(run.main.outcome, release).toBe("failure");
      expect(errors(run)).toContain(short(NEWEST.commit));
      expect(errors(run)).toMatch(/\bstage\b/);
    }
    expect(awsMutations(sim)).toEqual([]);
  });

  it("promotes an explicit commit that succeeded in stage, and refuses a record that differs from stage's", async () => {
    await inWorld();
    const byCommit = await promote({ release: GOOD.commit });
    expect(byCommit.main.outcome).toBe("success");
    expect(byCommit.outputs.commit).toBe(GOOD.commit);

    const forged = { ...releaseOf(GOOD), amis: { [REGION]: NEWEST.ami } };
    const refused = await promote({ release: JSON.stringify(forged) });
    expect(refused.main.outcome).toBe("failure");
    expect(errors(refused)).toContain(short(GOOD.commit));
    expect(awsMutations(sim)).toEqual([]);
  });

  it("refuses a release whose required check failed, with the check's link", async () => {
    await inWorld(world({ checkRuns: [checkRun(GOOD, "test"), checkRun(GOOD, "lint", "failure")] }));
    const run = await promote({ "required-checks": "test, lint" });

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain('"lint" is failure');
    expect(errors(run)).toMatch(/"lint" is failure \(https:\/\/github\.com\/acme\/shop\/runs\/\d+\)/);
    expect(awsMutations(sim)).toEqual([]);
  });

  it("refuses a release older than max-age", async () => {
    await inWorld();
    const run = await promote({ "max-age": "12h" });
    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain('"max-age"');
    expect(awsMutations(sim)).toEqual([]);
  });

  it("refuses a release older than production's without allow-rollback, and promotes it with it", async () => {
    // Production runs GOOD; OLD succeeded in stage before it.
    await inWorld(
      world({
        deployments: [
          deployment("stage", OLD, "success"),
          deployment("stage", GOOD, "success"),
          deployment("production", GOOD, "success"),
        ],
      }),
    );
    const refused = await promote({ release: OLD.commit });
    expect(refused.main.outcome).toBe("failure");
    expect(errors(refused)).toMatch(/roll it back/);
    expect(errors(refused)).toContain(short(GOOD.commit));
    expect(errors(refused)).toContain("allow-rollback");
    expect(awsMutations(sim)).toEqual([]);

    const allowed = await promote({ release: OLD.commit, "allow-rollback": "true" });
    expect(allowed.main.outcome).toBe("success");
    expect(allowed.outputs).toMatchObject({ commit: OLD.commit, "ami-id": OLD.ami, rollback: "true" });
    expect(allowed.summary).toMatch(/roll(ed)? ?back/i);
  });

  it("fails clearly on a malformed payload, naming the deployment", async () => {
    const broken = { ...releaseOf(GOOD), amis: { [REGION]: "not-an-ami" } };
    await inWorld(world({ deployments: [...STAGE_HISTORY.slice(0, 2), deployment("stage", GOOD, "success", broken)] }));
    const run = await promote();

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toMatch(/deployment \d+/i);
    expect(errors(run)).toContain("not-an-ami");
    expect(awsMutations(sim)).toEqual([]);
  });
});

describe("promote: parity", () => {
  const planted = () =>
    world({ production: { InstanceType: "m7i.large" }, productionGroup: { healthCheckType: "EC2" } });

  it("shows a planted difference side by side, as warnings", async () => {
    await inWorld(planted());
    const run = await promote();

    expect(run.main.outcome).toBe("success");
    expect(run.summary).toMatch(/\| [^|\n]*[Ff]amily[^|\n]* \| t3[^|\n]* \| m7i[^|\n]* \| differs ⚠️ \|/);
    expect(run.summary).toMatch(/\| [^|\n]*[Hh]ealth check[^|\n]* \| ELB \| EC2 \| differs ⚠️ \|/);
    expect(run.summary).toContain("warnings (require-parity would fail the promotion)");
    const warnings = run.main.annotations.filter((a) => a.level === "warning").map((a) => a.message);
    expect(warnings.join("\n")).toMatch(/differs: stage has .*t3.*, production has .*m7i/);
  });

  it("fails on it with require-parity, before any copy", async () => {
    await inWorld(planted());
    const run = await promote({ "require-parity": "true", "copy-to-regions": "us-east-1" });

    expect(run.main.outcome).toBe("failure");
    expect(errors(run)).toContain("require-parity");
    expect(errors(run)).toMatch(/[Hh]ealth check/);
    expect(run.summary).toContain("refused ❌");
    expect(run.summary).toContain("differs ⚠️");
    expect(run.outputs.release).toBeUndefined();
    expect(awsMutations(sim)).toEqual([]);
  });

  it("says the groups were not compared when no groups are given", async () => {
    await inWorld();
    const run = await promote({ "source-group": "", "target-group": "" });
    expect(run.main.outcome).toBe("success");
    expect(run.summary).toContain("Not compared: source-group and target-group are not set");
  });
});
