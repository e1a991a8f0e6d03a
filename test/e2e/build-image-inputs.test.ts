// End-to-end: bad inputs fail the bundled build-image step before anything is built or
// pushed, naming the input (the unit tests run the whole table against the parser).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BAD_INPUTS, IMAGE, writeWorkspace } from "../../actions/build-image/test/bad-inputs.ts";
import { buildImage, commit, describeWithBuildah, errors } from "./build-image-support.ts";
import { freshRepository, listTags, startRegistry, type TestRegistry } from "./registry.ts";

const NAMES = [
  "missing image",
  "image with a tag",
  "image in capitals",
  "context missing",
  "file missing",
  "no Containerfile in the context",
  "a secret in build-args",
  "a label that sets the revision",
  "platform without an os",
  "an unknown builder",
  "skip-if-exists that is not a boolean",
  "cache with buildah",
];

describeWithBuildah("build-image with bad inputs", () => {
  let registry: TestRegistry;
  let workspace: string;
  let repo: string;
  const cases = BAD_INPUTS.filter((c) => NAMES.includes(c.name));

  beforeAll(async () => {
    registry = await startRegistry();
    repo = freshRepository("build-image-inputs");
    workspace = mkdtempSync(path.join(os.tmpdir(), "build-image-bad-inputs-"));
    writeWorkspace(workspace);
  });
  afterAll(async () => {
    await registry?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("runs every case named", () => {
    expect(cases.map((c) => c.name)).toEqual(NAMES);
  });

  it.for(cases)("$name: fails naming $input before anything is built or pushed", async ({ values, input, got }) => {
    // The table's image names another registry: this one's repository stands in for it.
    const here = (text: string) => text.replace(IMAGE, `${registry.address}/${repo}`);
    const image = values.image === undefined ? undefined : here(values.image);
    const run = await buildImage(commit(), { ...values, ...(image !== undefined && { image }) }, { workspace });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain(`"${input}"`);
    if (got !== undefined) expect(message).toContain(here(got));
    expect(run.maskedLog()).not.toContain("$ buildah");
    expect(run.outputs).toEqual({});
    expect(await listTags(registry.address, repo)).toEqual([]);
  });
});
