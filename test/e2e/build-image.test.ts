// End-to-end: the bundled build-image step builds the fixture with a real buildah, pushes it
// to a real registry, outputs the digest the registry serves, and never pushes a tag twice.
import { parseRelease } from "@deploy/release";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildImage, commit, describeWithBuildah, errors } from "./build-image-support.ts";
import { freshRepository, listTags, servedConfig, servedDigest, startRegistry, type TestRegistry } from "./registry.ts";

describeWithBuildah("build-image with buildah and a registry", () => {
  let registry: TestRegistry;
  let repo: string;
  let image: string;
  const first = commit();
  let firstDigest: string;

  beforeAll(async () => {
    registry = await startRegistry();
    repo = freshRepository("build-image");
    image = `${registry.address}/${repo}`;
  });
  afterAll(async () => {
    await registry?.close();
  });

  it("builds, pushes, and outputs the digest the registry serves for the commit's tag", async () => {
    const run = await buildImage(first, { image, "build-args": "GREETING=bonjour", labels: "com.example.team=shop" });

    expect(run.main.outcome, errors(run)).toBe("success");
    const served = await servedDigest(registry.address, repo, first);
    expect(served).toMatch(/^sha256:[0-9a-f]{64}$/);
    firstDigest = served as string;
    expect(run.outputs).toMatchObject({
      image: `${image}@${served}`,
      digest: served,
      tag: first,
      skipped: "false",
    });
    expect(Number(run.outputs["duration-seconds"])).toBeGreaterThanOrEqual(0);
    expect(parseRelease(run.outputs.release as string)).toMatchObject({
      commit: first,
      repository: "acme/shop",
      image: `${image}@${served}`,
      amis: {},
    });
    expect(await listTags(registry.address, repo)).toEqual([first]);

    const log = run.maskedLog();
    expect(log).toContain(`$ buildah bud --file `);
    expect(log).toContain(`$ buildah push --digestfile `);
    expect(run.summary).toContain(`| Digest | \`${served}\` |`);
    expect(run.summary).toContain("| Result | built and pushed |");
  });

  it("sets the OCI labels and the labels input in the image's config as the registry serves it", async () => {
    const config = await servedConfig(registry.address, repo, first);
    expect(config.labels).toMatchObject({
      "org.opencontainers.image.revision": first,
      "org.opencontainers.image.source": "https://github.com/acme/shop",
      "org.opencontainers.image.title": "shop",
      "com.example.team": "shop",
      // From the Containerfile's LABEL, with the build argument given.
      "com.example.greeting": "bonjour",
    });
    expect(Date.parse(config.labels["org.opencontainers.image.created"] as string)).not.toBeNaN();
  });

  it("skips a re-run of the same commit: same digest, nothing built or pushed", async () => {
    const run = await buildImage(first, { image });

    expect(run.main.outcome, errors(run)).toBe("success");
    expect(run.outputs).toMatchObject({
      image: `${image}@${firstDigest}`,
      digest: firstDigest,
      tag: first,
      skipped: "true",
    });
    expect(parseRelease(run.outputs.release as string).image).toBe(`${image}@${firstDigest}`);
    expect(run.maskedLog()).not.toContain("$ buildah");
    expect(await listTags(registry.address, repo)).toEqual([first]);
    expect(await servedDigest(registry.address, repo, first)).toBe(firstDigest);
    expect(run.summary).toContain("| Result | skipped |");
    expect(run.summary).toContain(`| org.opencontainers.image.revision | ${first} |`);
  });

  it("builds another commit under a new tag, leaving the first one as it was", async () => {
    const second = commit();
    const run = await buildImage(second, { image, "build-args": "GREETING=bonjour", labels: "com.example.team=shop" });

    expect(run.main.outcome, errors(run)).toBe("success");
    const served = await servedDigest(registry.address, repo, second);
    expect(run.outputs).toMatchObject({ tag: second, digest: served, skipped: "false" });
    // The revision and created labels differ, so the image does.
    expect(served).not.toBe(firstDigest);
    expect((await listTags(registry.address, repo)).sort()).toEqual([first, second].sort());
    expect(await servedDigest(registry.address, repo, first)).toBe(firstDigest);
  });

  it("fails on an existing tag when skip-if-exists is false, saying why, and pushes nothing", async () => {
    const tags = await listTags(registry.address, repo);
    const run = await buildImage(first, { image, "skip-if-exists": "false" });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain(`The tag ${image}:${first} exists already, and a tag is never pushed twice.`);
    expect(message).toContain(firstDigest);
    expect(message).toContain('Set "skip-if-exists" to true');
    expect(run.maskedLog()).not.toContain("$ buildah");
    expect(await listTags(registry.address, repo)).toEqual(tags);
    expect(await servedDigest(registry.address, repo, first)).toBe(firstDigest);
    expect(run.outputs).toEqual({});
  });

  it("fails a build that breaks with the tail of buildah's output, and pushes nothing", async () => {
    const broken = commit();
    const run = await buildImage(broken, { image, context: "broken" });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toMatch(/^The build failed: buildah exited with code \d+\./);
    expect(message).toContain("The last lines of its output:");
    expect(message).toContain("missing.txt");
    expect(await servedDigest(registry.address, repo, broken)).toBeUndefined();
    expect(await listTags(registry.address, repo)).not.toContain(broken);
    expect(run.outputs).toEqual({});
  });

  it("only builds when push is false: the registry is not asked, nothing is pushed", async () => {
    const unpushed = commit();
    const run = await buildImage(unpushed, { image, push: "false" });

    expect(run.main.outcome, errors(run)).toBe("success");
    expect(run.outputs).toMatchObject({ image: "", digest: "", release: "", tag: unpushed, skipped: "false" });
    expect(run.maskedLog()).toContain("$ buildah bud");
    expect(run.maskedLog()).not.toContain("$ buildah push");
    expect(await listTags(registry.address, repo)).not.toContain(unpushed);
  });
});
