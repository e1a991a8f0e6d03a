import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deployErrorOf } from "@deploy/core/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { authFiles, findCredential } from "./credentials.ts";

const root = mkdtempSync(path.join(os.tmpdir(), "build-image-credentials-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");

// A credential helper as docker-credential-helpers speak: the server URL on stdin, JSON out,
// "credentials not found" and exit 1 when it has none. It records what it was asked.
const HELPER = `#!/bin/sh
[ "$1" = get ] || exit 2
read -r server
echo "$server" >> "$(dirname "$0")/asked"
case "$server" in
  helped.example) echo '{"ServerURL":"helped.example","Username":"helper-user","Secret":"helper-secret"}' ;;
  token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"helper-refresh-token"}' ;;
  https://index.docker.io/v1/) echo '{"Username":"hub-user","Secret":"hub-secret"}' ;;
  broken.example) echo "keychain locked" ; exit 3 ;;
  *) echo "credentials not found in native keychain" ; exit 1 ;;
esac
`;

let dir: string;
let env: NodeJS.ProcessEnv;
let bin: string;

beforeEach(({ task }) => {
  dir = path.join(root, task.id);
  bin = path.join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const helper = path.join(bin, "docker-credential-fake");
  writeFileSync(helper, HELPER);
  chmodSync(helper, 0o755);
  env = { HOME: path.join(dir, "home"), DOCKER_CONFIG: path.join(dir, "docker"), PATH: `${bin}:/usr/bin:/bin` };
});

function write(file: string, content: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
}

const dockerConfig = (content: unknown) => write(path.join(dir, "docker", "config.json"), content);
const asked = () => readFileSync(path.join(bin, "asked"), "utf8").trim().split("\n");

const refusal = (registry: string) => deployErrorOf(findCredential(registry, { env }));

describe("findCredential from Docker's config.json", () => {
  it("decodes a base64 auth (docker/login-action), the password may hold colons", async () => {
    dockerConfig({ auths: { "ghcr.io": { auth: basic("octocat", "pa:ss") } } });
    expect(await findCredential("ghcr.io", { env })).toEqual({
      kind: "basic",
      username: "octocat",
      password: "pa:ss",
      source: `${path.join(dir, "docker", "config.json")} (auths "ghcr.io")`,
    });
  });

  it("reads username and password written apart", async () => {
    dockerConfig({ auths: { "127.0.0.1:5000": { username: "u", password: "p" } } });
    expect(await findCredential("127.0.0.1:5000", { env })).toMatchObject({
      kind: "basic",
      username: "u",
      password: "p",
    });
  });

  it("prefers an identity token", async () => {
    dockerConfig({
      auths: { "acr.example": { auth: basic("00000000-0000-0000-0000-000000000000", ""), identitytoken: "refresh" } },
    });
    expect(await findCredential("acr.example", { env })).toMatchObject({
      kind: "identity-token",
      identityToken: "refresh",
      username: "00000000-0000-0000-0000-000000000000",
    });
  });

  it("matches keys written as URLs, and Docker Hub's v1 index URL for docker.io", async () => {
    dockerConfig({
      auths: {
        "https://ghcr.io": { auth: basic("a", "1") },
        "https://index.docker.io/v1/": { auth: basic("hub", "2") },
        "http://Registry.Example:5000/v2/": { auth: basic("c", "3") },
      },
    });
    expect(await findCredential("ghcr.io", { env })).toMatchObject({ username: "a" });
    expect(await findCredential("docker.io", { env })).toMatchObject({ username: "hub" });
    expect(await findCredential("registry.example:5000", { env })).toMatchObject({ username: "c" });
  });

  it("does not take another registry's or another port's credentials", async () => {
    dockerConfig({
      auths: { "ghcr.io.evil.example": { auth: basic("a", "1") }, "127.0.0.1:5001": { auth: basic("b", "2") } },
    });
    expect(await findCredential("ghcr.io", { env })).toBeUndefined();
    expect(await findCredential("127.0.0.1:5000", { env })).toBeUndefined();
  });

  it("reads ~/.docker/config.json when DOCKER_CONFIG is not set", async () => {
    write(path.join(dir, "home", ".docker", "config.json"), { auths: { "ghcr.io": { auth: basic("home", "p") } } });
    delete env.DOCKER_CONFIG;
    expect(await findCredential("ghcr.io", { env })).toMatchObject({ username: "home" });
  });

  it("finds nothing without a file, or with an empty entry", async () => {
    expect(await findCredential("ghcr.io", { env })).toBeUndefined();
    dockerConfig({ auths: { "ghcr.io": {} } });
    expect(await findCredential("ghcr.io", { env })).toBeUndefined();
  });

  it("refuses a file that is not JSON without quoting it", async () => {
    dockerConfig('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"');
    const error = await refusal("ghcr.io");
    expect(error.message).toContain("is not a JSON object");
    expect(error.message).not.toContain("c2VjcmV0LXZhbHVl");
  });

  it("refuses an auth that is not base64 of user:password, without the secret", async () => {
    dockerConfig({ auths: { "ghcr.io": { auth: Buffer.from("no-colon-secret").toString("base64") } } });
    const error = await refusal("ghcr.io");
    expect(error.why).toContain('"auth" is not base64');
    expect(error.message).not.toContain("no-colon-secret");
  });
});

describe("findCredential from credential helpers", () => {
  it("asks the registry's helper in credHelpers", async () => {
    dockerConfig({ credHelpers: { "helped.example": "fake" } });
    expect(await findCredential("helped.example", { env })).toEqual({
      kind: "basic",
      username: "helper-user",
      password: "helper-secret",
      source: "docker-credential-fake",
    });
    expect(asked()).toEqual(["helped.example"]);
  });

  it("asks credsStore for any registry, and Docker Hub by its v1 index URL", async () => {
    dockerConfig({ credsStore: "fake", auths: { "https://index.docker.io/v1/": {} } });
    expect(await findCredential("docker.io", { env })).toMatchObject({ username: "hub-user", password: "hub-secret" });
    expect(asked()).toEqual(["https://index.docker.io/v1/"]);
  });

  it('reads Username "<token>" as an identity token', async () => {
    dockerConfig({ credsStore: "fake" });
    expect(await findCredential("token.example", { env })).toMatchObject({
      kind: "identity-token",
      identityToken: "helper-refresh-token",
    });
  });

  it("falls back to auths when the helper has nothing for the registry", async () => {
    dockerConfig({ credsStore: "fake", auths: { "other.example": { auth: basic("file", "p") } } });
    expect(await findCredential("other.example", { env })).toMatchObject({ username: "file" });
    expect(asked()).toEqual(["other.example"]);
  });

  it("uses credHelpers over credsStore for the registry it names", async () => {
    dockerConfig({ credsStore: "missing", credHelpers: { "helped.example": "fake" } });
    expect(await findCredential("helped.example", { env })).toMatchObject({ username: "helper-user" });
  });

  it("fails naming a helper that is not on PATH", async () => {
    dockerConfig({ credHelpers: { "ghcr.io": "missing" } });
    const error = await refusal("ghcr.io");
    expect(error.what).toBe("The credential helper docker-credential-missing could not be run.");
    expect(error.why).toBe("docker-credential-missing is not on PATH.");
    expect(error.fix).toContain("Install docker-credential-missing");
  });

  it("fails with the helper's own message when it fails otherwise", async () => {
    dockerConfig({ credsStore: "fake" });
    const error = await refusal("broken.example");
    expect(error.what).toBe("The credential helper docker-credential-fake failed for broken.example.");
    expect(error.why).toBe("It exited with 3: keychain locked");
  });
});

describe("findCredential from containers' auth.json", () => {
  it("reads REGISTRY_AUTH_FILE after Docker's config", async () => {
    dockerConfig({ auths: { "ghcr.io": { auth: basic("docker", "p") } } });
    write(path.join(dir, "auth.json"), {
      auths: { "ghcr.io": { auth: basic("podman", "p") }, "quay.io": { auth: basic("quay", "p") } },
    });
    env.REGISTRY_AUTH_FILE = path.join(dir, "auth.json");
    expect(await findCredential("ghcr.io", { env })).toMatchObject({ username: "docker" });
    expect(await findCredential("quay.io", { env })).toMatchObject({
      username: "quay",
      source: `${path.join(dir, "auth.json")} (auths "quay.io")`,
    });
  });

  it("takes the most specific namespace of the repository", async () => {
    write(path.join(dir, "auth.json"), {
      auths: {
        "quay.io": { auth: basic("registry", "p") },
        "quay.io/acme": { auth: basic("acme", "p") },
        "quay.io/acme/shop": { auth: basic("shop", "p") },
        "quay.io/acme/sho": { auth: basic("prefix", "p") },
      },
    });
    env.REGISTRY_AUTH_FILE = path.join(dir, "auth.json");
    const lookup = (repository: string) => findCredential("quay.io", { env, repository });
    expect(await lookup("acme/shop")).toMatchObject({ username: "shop" });
    expect(await lookup("acme/shopping")).toMatchObject({ username: "acme" });
    expect(await lookup("other/shop")).toMatchObject({ username: "registry" });
  });

  it("looks in XDG_RUNTIME_DIR, then ~/.config, when REGISTRY_AUTH_FILE is not set", () => {
    expect(authFiles({ HOME: "/h", XDG_RUNTIME_DIR: "/run/user/0" })).toEqual([
      "/h/.docker/config.json",
      "/run/user/0/containers/auth.json",
      "/h/.config/containers/auth.json",
    ]);
    expect(authFiles({ HOME: "/h", DOCKER_CONFIG: "/d", REGISTRY_AUTH_FILE: "/a.json" })).toEqual([
      "/d/config.json",
      "/a.json",
    ]);
  });
});
