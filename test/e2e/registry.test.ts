// build-image's registry client against a real registry (docker-registry), with and without
// a login, and against what buildah pushes: the digest it reads for a tag must be the one
// the registry serves, and the labels the ones in the image's config.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { deployErrorOf } from "@deploy/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryClient } from "../../actions/build-image/src/registry.ts";
import {
  buildahAvailable,
  freshRepository,
  listTags,
  pushTestImage,
  registryAvailable,
  servedConfig,
  servedDigest,
  startRegistry,
  TEST_LOGIN,
  type TestRegistry,
} from "./registry.ts";

const missing = [!registryAvailable && "docker-registry", !buildahAvailable && "buildah"].filter(Boolean);
if (missing.length > 0 && process.env.CI === "true") {
  throw new Error(
    `registry e2e: ${missing.join(" and ")} must be installed in CI (apt-get install buildah docker-registry)`,
  );
}
const skipMessage = (tool: string) => `registry e2e: skipped, ${tool} is not installed here`;
if (!registryAvailable) console.warn(skipMessage("docker-registry"));
if (!buildahAvailable) console.warn(skipMessage("buildah"));

const dir = mkdtempSync(path.join(os.tmpdir(), "registry-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Docker config holding `auths` for one registry, as docker/login-action leaves it. */
function dockerConfig(
  name: string,
  registry: string,
  login?: { username: string; password: string },
): NodeJS.ProcessEnv {
  const configDir = path.join(dir, name);
  mkdirSync(configDir, { recursive: true });
  const auths = login
    ? { [registry]: { auth: Buffer.from(`${login.username}:${login.password}`).toString("base64") } }
    : {};
  writeFileSync(path.join(configDir, "config.json"), JSON.stringify({ auths }));
  return { HOME: configDir, DOCKER_CONFIG: configDir, PATH: process.env.PATH };
}

const quiet = { mask: () => {} };

describe.skipIf(!registryAvailable && !process.env.DEPLOY_TEST_REGISTRY)("registryClient and an open registry", () => {
  let registry: TestRegistry;
  const repository = `deploy/${freshRepository("client")}`;
  const labels = { "org.opencontainers.image.revision": "3f9c1d2e", "org.opencontainers.image.title": "shop" };
  let pushed: string;

  beforeAll(async () => {
    registry = await startRegistry();
    pushed = await pushTestImage(registry.address, repository, "v1", { labels });
  });
  afterAll(() => registry?.close());

  it("reads the digest the registry serves for a tag, and none for a tag it does not have", async () => {
    const client = registryClient(registry.address, { env: dockerConfig("open", registry.address), ...quiet });
    expect(await client.tagDigest(repository, "v1")).toBe(pushed);
    expect(await servedDigest(registry.address, repository, "v1")).toBe(pushed);
    expect(await client.tagDigest(repository, "v2")).toBeUndefined();
    expect(await client.tagDigest(`deploy/${freshRepository("none")}`, "v1")).toBeUndefined();
    expect(await listTags(registry.address, repository)).toEqual(["v1"]);
  });

  it("reads the labels in the image's config, by tag and by digest", async () => {
    const client = registryClient(registry.address, { env: dockerConfig("open", registry.address), ...quiet });
    const expected = { labels, created: "2026-11-26T10:00:00Z", architecture: "amd64", os: "linux" };
    expect(await client.imageConfig(repository, "v1")).toEqual(expected);
    expect(await client.imageConfig(repository, pushed)).toEqual(expected);
    expect(await servedConfig(registry.address, repository, "v1")).toEqual({ labels, created: expected.created });
  });
});

describe.skipIf(!registryAvailable)("registryClient and a registry that asks for a login (htpasswd)", () => {
  let registry: TestRegistry;
  const repository = freshRepository("private");
  let pushed: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: TEST_LOGIN });
    pushed = await pushTestImage(registry.address, repository, "v1", { auth: TEST_LOGIN, labels: { a: "b" } });
  });
  afterAll(() => registry?.close());

  it("logs in with the credentials docker/login-action left", async () => {
    const env = dockerConfig("logged-in", registry.address, TEST_LOGIN);
    const client = registryClient(registry.address, { env, ...quiet });
    expect(await client.tagDigest(repository, "v1")).toBe(pushed);
    expect(await client.tagDigest(repository, "v2")).toBeUndefined();
    expect((await client.imageConfig(repository, "v1")).labels).toEqual({ a: "b" });
    expect(await servedDigest(registry.address, repository, "v1", TEST_LOGIN)).toBe(pushed);
  });

  it("without a login, fails telling to log in", async () => {
    const client = registryClient(registry.address, { env: dockerConfig("anonymous", registry.address), ...quiet });
    const error = await deployErrorOf(client.tagDigest(repository, "v1"));
    expect(error.what).toBe(`The registry ${registry.address} did not let this step read ${repository} (HTTP 401).`);
    expect(error.why).toContain("No credentials for it were found");
    expect(error.fix).toContain("docker/login-action");
  });

  it("with a wrong password, fails naming where it came from and not the password", async () => {
    const wrong = { username: TEST_LOGIN.username, password: "not-the-password" };
    const env = dockerConfig("wrong", registry.address, wrong);
    const masked: string[] = [];
    const client = registryClient(registry.address, { env, mask: (secret) => masked.push(secret) });
    const error = await deployErrorOf(client.tagDigest(repository, "v1"));
    expect(error.why).toContain(`The credentials from ${path.join(env.DOCKER_CONFIG as string, "config.json")}`);
    expect(error.fix).toContain("aws-actions/amazon-ecr-login");
    expect(`${error.message} ${error.why}`).not.toContain(wrong.password);
    expect(masked).toEqual([wrong.password]);
  });

  it("a registry that stopped is unreachable, named", async () => {
    const stopped = await startRegistry({ auth: TEST_LOGIN });
    await stopped.close();
    const client = registryClient(stopped.address, { env: dockerConfig("stopped", stopped.address), ...quiet });
    const error = await deployErrorOf(client.tagDigest(repository, "v1"));
    expect(error.code).toBe("RegistryUnreachable");
    expect(error.what).toBe(`Could not reach the registry ${stopped.address}.`);
  });
});

const exec = promisify(execFile);

describe.skipIf(!buildahAvailable || (!registryAvailable && !process.env.DEPLOY_TEST_REGISTRY))(
  "registryClient and an image buildah pushed",
  () => {
    let registry: TestRegistry;
    const work = path.join(dir, "buildah");
    // Its own storage, so that nothing is left in (or read from) the machine's.
    const storage = ["--root", path.join(work, "root"), "--runroot", path.join(work, "run"), "--storage-driver", "vfs"];

    beforeAll(async () => {
      registry = await startRegistry();
      mkdirSync(path.join(work, "context"), { recursive: true });
      writeFileSync(path.join(work, "context", "Containerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
      writeFileSync(path.join(work, "context", "hello.txt"), "hello\n");
    });
    afterAll(async () => {
      await registry?.close();
      // vfs layers are plain directories, some read-only: buildah removes its own.
      await exec("buildah", [...storage, "rm", "--all"]).catch(() => {});
      await exec("buildah", [...storage, "rmi", "--all", "--force"]).catch(() => {});
    });

    it("reads the digest buildah's push wrote, and the labels it built with", async () => {
      const repository = `deploy/${freshRepository("buildah")}`;
      const image = `${registry.address}/${repository}:3f9c1d2e`;
      const digestFile = path.join(work, "digest");
      const context = path.join(work, "context");
      await exec("buildah", [
        ...storage,
        "bud",
        "--isolation",
        "chroot",
        "-f",
        path.join(context, "Containerfile"),
        "-t",
        image,
        "--label",
        "org.opencontainers.image.revision=3f9c1d2e",
        context,
      ]);
      await exec("buildah", [...storage, "push", "--tls-verify=false", "--digestfile", digestFile, image]);
      const digest = readFileSync(digestFile, "utf8").trim();

      const client = registryClient(registry.address, { env: dockerConfig("buildah", registry.address), ...quiet });
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await client.tagDigest(repository, "3f9c1d2e")).toBe(digest);
      expect(await servedDigest(registry.address, repository, "3f9c1d2e")).toBe(digest);
      const config = await client.imageConfig(repository, digest);
      expect(config.labels).toMatchObject({ "org.opencontainers.image.revision": "3f9c1d2e" });
      expect(config.os).toBe("linux");
    });
  },
);
