// End-to-end: build-image against a registry that wants a password, logged in the way
// docker/login-action leaves it (DOCKER_CONFIG/config.json); the password never shows.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertSecretNotLeaked } from "@deploy/test/harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildImage, commit, describeWithBuildah, errors } from "./build-image-support.ts";
import { freshRepository, listTags, startRegistry, TEST_LOGIN, type TestRegistry } from "./registry.ts";

const { username: USERNAME, password: PASSWORD } = TEST_LOGIN;

describeWithBuildah("build-image with a registry that needs a login", () => {
  let registry: TestRegistry;
  let dockerConfig: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: TEST_LOGIN });
    // What docker/login-action writes (docker login): an auths entry with base64 user:password.
    dockerConfig = mkdtempSync(path.join(os.tmpdir(), "build-image-docker-config-"));
    const auth = Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64");
    writeFileSync(path.join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.address]: { auth } } }));
  });
  afterAll(async () => {
    await registry?.close();
    if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  });

  it("checks, builds and pushes with the login's credentials, and never shows the password", async () => {
    const repo = freshRepository("build-image-auth");
    const sha = commit();
    const run = await buildImage(
      sha,
      { image: `${registry.address}/${repo}` },
      { env: { DOCKER_CONFIG: dockerConfig } },
    );

    expect(run.main.outcome, errors(run)).toBe("success");
    expect(run.outputs.skipped).toBe("false");
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    assertSecretNotLeaked(run, PASSWORD);

    const again = await buildImage(
      sha,
      { image: `${registry.address}/${repo}` },
      { env: { DOCKER_CONFIG: dockerConfig } },
    );
    expect(again.outputs).toMatchObject({ skipped: "true", digest: run.outputs.digest });
    assertSecretNotLeaked(again, PASSWORD);
  });

  it("without a login fails before building, naming the login actions", async () => {
    const repo = freshRepository("build-image-auth");
    const empty = mkdtempSync(path.join(os.tmpdir(), "build-image-no-login-"));
    try {
      const run = await buildImage(
        commit(),
        { image: `${registry.address}/${repo}` },
        { env: { DOCKER_CONFIG: empty } },
      );
      expect(run.main.outcome).toBe("failure");
      expect(errors(run)).toContain("docker/login-action");
      expect(run.maskedLog()).not.toContain("$ buildah");
      expect(await listTags(registry.address, repo, TEST_LOGIN)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
