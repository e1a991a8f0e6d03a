// A real OCI registry for tests (Debian's docker-registry, distribution 2.8), and raw HTTP
// helpers to look at what it serves, independent of the action's own registry client, so that
// a test of that client or of the action does not check it against itself.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { poll, systemClock } from "@deploy/core";
import { systemTools } from "../../actions/build-image/src/process.ts";

export interface TestRegistry {
  /** 127.0.0.1:port */
  address: string;
  /** The login it asks for, when started with one. */
  auth?: Credentials;
  close(): Promise<void>;
}

export interface Credentials {
  username: string;
  password: string;
}

/** The user in test/fixtures/registry/htpasswd; a test password, not a secret. */
export const TEST_LOGIN: Credentials = { username: "deploy-test", password: "deploy-test-password" };
const HTPASSWD = fileURLToPath(new URL("../fixtures/registry/htpasswd", import.meta.url));

const { onPath } = systemTools();
export const registryAvailable = onPath("docker-registry");
export const buildahAvailable = onPath("buildah");

/**
 * DEPLOY_TEST_REGISTRY when set (and no auth asked), else a docker-registry started on a free
 * port in a temp dir. With `{auth}` it always starts its own, asking for that login: only
 * TEST_LOGIN's password has a hash in the fixtures.
 */
export async function startRegistry(options: { auth?: Credentials } = {}): Promise<TestRegistry> {
  const shared = process.env.DEPLOY_TEST_REGISTRY;
  if (shared && !options.auth) return { address: shared, close: async () => {} };
  if (
    options.auth &&
    (options.auth.username !== TEST_LOGIN.username || options.auth.password !== TEST_LOGIN.password)
  ) {
    throw new Error(`startRegistry: only ${TEST_LOGIN.username}/${TEST_LOGIN.password} has a hash in ${HTPASSWD}`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "deploy-registry-"));
  const address = `127.0.0.1:${await freePort()}`;
  const config = path.join(dir, "config.yml");
  writeFileSync(config, registryConfig(dir, address, options.auth ? HTPASSWD : undefined));
  const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(address, child, () => output);
  } catch (error) {
    await close();
    throw error;
  }
  return { address, auth: options.auth, close };
}

function registryConfig(dir: string, address: string, htpasswd: string | undefined): string {
  const auth = htpasswd ? ["auth:", "  htpasswd:", "    realm: deploy-test", `    path: ${htpasswd}`] : [];
  return [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "data")}`,
    "http:",
    `  addr: ${address}`,
    ...auth,
    "",
  ].join("\n");
}

/** A port nobody listens on now; the registry takes it a moment later (a race lost only to another process). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(address: string, child: ChildProcess, output: () => string): Promise<void> {
  await poll({
    describe: `docker-registry to serve on ${address}`,
    clock: systemClock,
    timeoutMs: 30_000,
    intervalMs: 50,
    maxIntervalMs: 500,
    check: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}): ${output()}`);
      }
      // 200, or 401 when it asks for a login: either way it serves.
      const answered = await fetch(`http://${address}/v2/`).then(
        (response) => response.status === 200 || response.status === 401,
        () => false,
      );
      return answered ? { done: true, value: undefined } : { done: false };
    },
  });
}

/** A repository name no other test (or earlier run on a shared registry) has used. */
export function freshRepository(prefix = "test"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

function headers(auth: Credentials | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const login: Record<string, string> = auth
    ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` }
    : {};
  return { ...login, ...extra };
}

async function ok(response: Response, doing: string): Promise<Response> {
  if (!response.ok) throw new Error(`${doing}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** The digest the registry serves for `tag`, or undefined when it has no such tag. */
export async function servedDigest(
  address: string,
  repository: string,
  tag: string,
  auth?: Credentials,
): Promise<string | undefined> {
  const response = await fetch(`http://${address}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: headers(auth, { Accept: MANIFEST_TYPES }),
  });
  if (response.status === 404) return undefined;
  await ok(response, `HEAD ${repository}:${tag}`);
  return response.headers.get("docker-content-digest") ?? undefined;
}

/** What servedConfig reads of an index, a manifest and a config. */
interface Served {
  manifests?: { digest: string }[];
  config?: { digest?: string; Labels?: Record<string, string> | null };
  created?: string;
}

/** The labels and creation time in the config of the image `reference` (a tag or digest) names. */
export async function servedConfig(
  address: string,
  repository: string,
  reference: string,
  auth?: Credentials,
): Promise<{ labels: Record<string, string>; created?: string }> {
  const get = (kind: string, ref: string, accept?: string): Promise<Served> =>
    fetch(`http://${address}/v2/${repository}/${kind}/${ref}`, {
      headers: headers(auth, accept ? { Accept: accept } : {}),
    })
      .then((response) => ok(response, `GET ${repository} ${kind}/${ref}`))
      .then((response) => response.json() as Promise<Served>);
  let manifest = await get("manifests", reference, MANIFEST_TYPES);
  const first = manifest.manifests?.[0];
  if (first) manifest = await get("manifests", first.digest, MANIFEST_TYPES);
  const config = await get("blobs", manifest.config?.digest ?? "no-config");
  return { labels: config.config?.Labels ?? {}, ...(config.created ? { created: config.created } : {}) };
}

/** The repository's tags; none when the registry does not know it. */
export async function listTags(address: string, repository: string, auth?: Credentials): Promise<string[]> {
  const response = await fetch(`http://${address}/v2/${repository}/tags/list`, { headers: headers(auth) });
  if (response.status === 404) return [];
  const body = (await (await ok(response, `GET ${repository} tags`)).json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

/**
 * Pushes a small image (one empty layer, an OCI config with `labels`) under `tag` the way a
 * client does: blobs by POST then PUT, then the manifest. Returns the manifest's digest. For
 * putting a tag in place without a builder, e.g. one that must not be pushed again.
 */
export async function pushTestImage(
  address: string,
  repository: string,
  tag: string,
  options: { labels?: Record<string, string>; auth?: Credentials; created?: string } = {},
): Promise<string> {
  const layerTar = Buffer.alloc(1024); // an empty tar: two zero blocks
  const layer = gzipSync(layerTar);
  const config = Buffer.from(
    JSON.stringify({
      created: options.created ?? "2026-11-26T10:00:00Z",
      architecture: "amd64",
      os: "linux",
      config: { Labels: options.labels ?? {} },
      rootfs: { type: "layers", diff_ids: [sha256(layerTar)] },
    }),
  );
  await pushBlob(address, repository, layer, options.auth);
  await pushBlob(address, repository, config, options.auth);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(layer), size: layer.length }],
    }),
  );
  await ok(
    await fetch(`http://${address}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      headers: headers(options.auth, { "Content-Type": "application/vnd.oci.image.manifest.v1+json" }),
      body: manifest,
    }),
    `PUT ${repository}:${tag}`,
  );
  return sha256(manifest);
}

async function pushBlob(
  address: string,
  repository: string,
  blob: Buffer,
  auth: Credentials | undefined,
): Promise<void> {
  const start = await ok(
    await fetch(`http://${address}/v2/${repository}/blobs/uploads/`, { method: "POST", headers: headers(auth) }),
    `POST ${repository} upload`,
  );
  const location = new URL(start.headers.get("location") ?? "", `http://${address}`);
  location.searchParams.set("digest", sha256(blob));
  await ok(
    await fetch(location, {
      method: "PUT",
      headers: headers(auth, { "Content-Type": "application/octet-stream" }),
      body: blob,
    }),
    `PUT ${repository} blob`,
  );
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
