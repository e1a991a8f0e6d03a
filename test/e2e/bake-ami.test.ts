// End-to-end: the bundled bake-ami action, run as the runner runs it, against the
// simulator on a scaled clock, recipes really run by bash: a fresh bake, a reuse, a
// changed recipe, a failing recipe, an extended release.
import { parseRelease } from "@deploy/release";
import { defaultGitHubContext } from "@deploy/test/harness";
import { describe, expect, it } from "vitest";
import { IMAGE, RELEASE } from "../../actions/bake-ami/test/bad-inputs.ts";
import {
  awsMutations,
  bakeAmi,
  errors,
  images,
  instances,
  leftovers,
  outputsOf,
  REGION,
  RUN_TAG,
  sim,
  simulatorPerTest,
  snapshots,
  workspace,
  writeRecipe,
} from "./bake-ami-support.ts";

simulatorPerTest();

const COMMIT = defaultGitHubContext.sha;
const RUN_URL = `https://github.com/${defaultGitHubContext.repository}/actions/runs/${defaultGitHubContext.runId}`;

describe("bake-ami", () => {
  it("bakes a fresh AMI: the recipe runs on the builder, which is gone after; the AMI is tagged and reported", async () => {
    const run = await bakeAmi({ "recipe-env": "APP_PORT=8080", tags: "team=web" });

    expect(run.main.outcome).toBe("success");
    const out = outputsOf(run);
    expect(out.amiId).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(out.amis).toEqual({ [REGION]: out.amiId });
    expect(out.bakeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.reused).toBe("false");
    expect(Number(run.outputs["duration-seconds"])).toBeGreaterThanOrEqual(0);

    // The AMI: available, named from the template, tagged with the suite's tags and the user's.
    const [image, ...others] = images();
    expect(others).toEqual([]);
    expect(image).toMatchObject({ id: out.amiId, state: "available" });
    expect(image?.name).toMatch(new RegExp(`^shop-${COMMIT.slice(0, 7)}-\\d{8}-\\d{6}-${out.bakeKey?.slice(7, 19)}$`));
    expect(image?.tagMap).toEqual({
      "deploy:managed-by": "deploy",
      "deploy:release": COMMIT,
      "deploy:run": RUN_TAG,
      "deploy:bake-key": out.bakeKey,
      "deploy:role": "image",
      team: "web",
    });
    for (const snapshot of snapshots().filter((s) => image?.snapshotIds.includes(s.id))) {
      expect(snapshot.tagMap["deploy:bake-key"]).toBe(out.bakeKey);
    }
    // The builder: IMDSv2, terminate on shutdown, terminated now.
    const builders = instances().filter((i) => i.tagMap["deploy:role"] === "builder");
    expect(builders).toHaveLength(1);
    expect(builders[0]).toMatchObject({
      state: expect.stringMatching(/^(shutting-down|terminated)$/),
      metadataHttpTokens: "required",
      shutdownBehavior: "terminate",
    });
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });

    // The recipe really ran, in order, with recipe-env and the action's RELEASE.
    const log = run.maskedLog("main");
    expect(log.indexOf("packages")).toBeLessThan(log.indexOf(`app ${COMMIT}`));
    expect(log).toMatch(/Recipe 1\/2: bake\/10-packages\.sh/);

    // The release: a new one of the run's commit with the AMI and the key.
    const release = parseRelease(run.outputs.release);
    expect(release).toMatchObject({
      commit: COMMIT,
      repository: defaultGitHubContext.repository,
      amis: { [REGION]: out.amiId },
      bakeKey: out.bakeKey,
      run: { id: 4242, attempt: 1, url: RUN_URL },
    });
    expect(release.image).toBeUndefined();

    // The summary: base AMI, key, baked, the phases, the AMI per region, links.
    expect(run.summary).toContain(`| Bake key | \`${out.bakeKey}\` |`);
    expect(run.summary).toContain("| Result | baked |");
    expect(run.summary).toMatch(/\| Base AMI \| ami-\S+ \(al2023-ami-\S+\), from ssm:\/aws\/service\//);
    expect(run.summary).toMatch(/\| Recipe \| Success, exit code 0 \(2 files\) \|/);
    for (const phase of ["resolving", "launching", "configuring", "imaging"]) {
      expect(run.summary).toMatch(new RegExp(`\\| ${phase} \\| [^|]+ \\| succeeded \\|`));
    }
    expect(run.summary).toContain(`| ${REGION} | [${out.amiId}](https://${REGION}.console.aws.amazon.com/`);
    expect(run.summary).toContain(`[Workflow run](${RUN_URL})`);
    // The post step found the step finished: nothing to sweep.
    expect(run.state["deploy-phase"]).toBe("reported");
    expect(run.post?.outcome).toBe("success");
    expect(run.post?.summary).toBe("");
  });

  it("reuses the AMI for the same inputs, making no mutating call", async () => {
    const first = await bakeAmi();
    expect(first.main.outcome).toBe("success");
    sim.world.calls.reset();

    const second = await bakeAmi({}, { github: { runId: "4243" } });

    expect(second.main.outcome).toBe("success");
    expect(outputsOf(second)).toMatchObject({
      amiId: outputsOf(first).amiId,
      bakeKey: outputsOf(first).bakeKey,
      reused: "true",
    });
    expect(awsMutations(sim)).toEqual([]);
    expect(images()).toHaveLength(1);
    expect(second.summary).toContain("| Result | reused |");
    expect(second.summary).toContain("| Recipe | not run (2 files): the AMI was reused |");
    expect(second.maskedLog("main")).toContain("No builder is launched");
  });

  it("bakes a new AMI under a new key when a recipe file changes", async () => {
    const first = await bakeAmi();
    writeRecipe(workspace, "bake/20-app.sh", '#!/bin/bash\nset -eu\necho "app v2 $RELEASE"\n');

    const second = await bakeAmi();

    expect(second.main.outcome).toBe("success");
    expect(outputsOf(second).reused).toBe("false");
    expect(outputsOf(second).bakeKey).not.toBe(outputsOf(first).bakeKey);
    expect(outputsOf(second).amiId).not.toBe(outputsOf(first).amiId);
    expect(second.maskedLog("main")).toContain(`app v2 ${COMMIT}`);
    expect(images().map((i) => [i.id, i.state, i.tagMap["deploy:bake-key"]])).toEqual(
      expect.arrayContaining([
        [outputsOf(first).amiId, "available", outputsOf(first).bakeKey],
        [outputsOf(second).amiId, "available", outputsOf(second).bakeKey],
      ]),
    );
  });

  it("shows a recipe's output without acting on workflow commands in it", async () => {
    writeRecipe(workspace, "bake/20-app.sh", '#!/bin/bash\necho "::error::from the recipe"\necho "::add-mask::shop"\n');

    const run = await bakeAmi();

    expect(run.main.outcome).toBe("success");
    expect(run.main.stdout).toContain("::error::from the recipe");
    expect(run.main.annotations.filter((a) => a.message.includes("from the recipe"))).toEqual([]);
    expect(run.main.masks).not.toContain("shop");
  });

  it("fails a failing recipe with the tail of its output, leaving no builder and no AMI", async () => {
    writeRecipe(
      workspace,
      "bake/20-app.sh",
      '#!/bin/bash\nfor i in $(seq 1 100); do echo "line $i"; done\necho "cannot install shop" >&2\nexit 3\n',
    );

    const run = await bakeAmi();

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain("bake/20-app.sh");
    expect(message).toContain("cannot install shop");
    expect(message).toContain("line 100");
    expect(message).not.toContain("line 1\n");
    expect(leftovers()).toEqual({ instances: [], pendingImages: [] });
    expect(images()).toEqual([]);
    expect(run.state["deploy-phase"]).toBe("changing");
    expect(run.post?.outcome).toBe("success");
    expect(run.post?.summary).toContain("the bake did not finish");
  });

  it("extends the release it is given with the AMI, the key and its image", async () => {
    const given = { ...RELEASE, amis: { "us-east-1": "ami-0f1e2d3c4b5a69788" } };
    const run = await bakeAmi({ release: JSON.stringify(given) });

    expect(run.main.outcome).toBe("success");
    const out = outputsOf(run);
    expect(parseRelease(run.outputs.release)).toEqual({
      ...given,
      image: IMAGE,
      amis: { "us-east-1": "ami-0f1e2d3c4b5a69788", [REGION]: out.amiId },
      bakeKey: out.bakeKey,
    });
    expect(images()[0]?.tagMap["deploy:release"]).toBe(RELEASE.commit);
    expect(run.maskedLog("main")).toContain(`app ${RELEASE.commit}`);
  });
});
