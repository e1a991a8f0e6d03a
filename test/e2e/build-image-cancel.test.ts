// End-to-end: a job cancelled while buildah builds. The runner sends SIGINT; the step passes
// it on to buildah, stops, and pushes nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildImage, commit, describeWithBuildah, errors } from "./build-image-support.ts";
import { freshRepository, listTags, startRegistry, type TestRegistry } from "./registry.ts";

describeWithBuildah("build-image cancelled", () => {
  let registry: TestRegistry;
  let workspace: string;

  beforeAll(async () => {
    registry = await startRegistry();
    // A context big enough that buildah is still copying it when the runner cancels.
    workspace = mkdtempSync(path.join(os.tmpdir(), "build-image-cancel-"));
    writeFileSync(path.join(workspace, "Containerfile"), "FROM scratch\nCOPY big.bin /big.bin\n");
    writeFileSync(path.join(workspace, "big.bin"), "");
    truncateSync(path.join(workspace, "big.bin"), 1024 ** 3);
  });
  afterAll(async () => {
    await registry?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("interrupts buildah, stops on SIGINT, and pushes nothing", async () => {
    const repo = freshRepository("build-image-cancel");
    const run = await buildImage(
      commit(),
      { image: `${registry.address}/${repo}`, context: "." },
      { workspace, cancel: { whenLog: "$ buildah bud" } },
    );

    expect(run.main.outcome).toBe("cancelled");
    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(["SIGINT"]);
    expect(errors(run)).toContain("The step was cancelled.");
    expect(run.maskedLog()).not.toContain("$ buildah push");
    expect(await listTags(registry.address, repo)).toEqual([]);
    // No buildah of this build is left running (pgrep exits 1 when it finds none).
    expect(spawnSync("pgrep", ["-f", `buildah bud .*${workspace}`]).status).toBe(1);
  });
});
