import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type DeployError, isCancellation } from "@deploy/core";
import { deployErrorOf } from "@deploy/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MANIFEST_TYPES, parseChallenge, type RegistryClient, registryClient } from "./registry.ts";

const USER = "ci-user";
const PASSWORD = "s3cret-Pa55";
const IDENTITY_TOKEN = "refresh-token-1234";
const TOKEN = "bearer-token-5678";

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const json = (value: unknown) => JSON.stringify(value);

// An image as a registry stores it: a config blob, a manifest naming it, an index naming that.
const CONFIG = json({
  created: "2026-11-26T10:00:00Z",
  architecture: "amd64",
  os: "linux",
  config: { Labels: { "org.opencontainers.image.revision": "3f9c" } },
});
const ARM_CONFIG = json({ architecture: "arm64", os: "linux", config: { Labels: { arch: "arm64" } } });
const MANIFEST = json({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(CONFIG), size: CONFIG.length },
  layers: [],
});
const ARM_MANIFEST = json({ schemaVersion: 2, config: { digest: sha(ARM_CONFIG) }, layers: [] });
const INDEX = json({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { digest: sha(ARM_MANIFEST), platform: { os: "linux", architecture: "arm64" } },
    { digest: sha(MANIFEST), platform: { os: "linux", architecture: "amd64" } },
  ],
});

interface Recorded {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
  body: string;
}

type Auth = "anonymous" | "basic" | "bearer" | "bearer-anonymous" | "forbidden";

/**
 * A registry on loopback that answers as distribution does: manifests by tag or digest,
 * blobs, 401 with the challenge of its auth mode, and a token service at /token.
 */
class FakeRegistry {
  auth: Auth = "anonymous";
  /** HEAD answers without Docker-Content-Digest (the header is optional). */
  omitDigestOnHead = false;
  failWith?: number;
  requests: Recorded[] = [];
  private tokensIssued = new Set<string>();
  private server: Server = createServer((req, res) => this.handle(req, res));
  private manifests = new Map<string, string>([
    ["acme/shop:v1", MANIFEST],
    ["acme/shop:multi", INDEX],
    [`acme/shop:${sha(MANIFEST)}`, MANIFEST],
    [`acme/shop:${sha(ARM_MANIFEST)}`, ARM_MANIFEST],
  ]);
  private blobs = new Map([
    [sha(CONFIG), CONFIG],
    [sha(ARM_CONFIG), ARM_CONFIG],
  ]);

  address = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      this.requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        accept: req.headers.accept,
        body,
      });
      const url = new URL(req.url ?? "/", `http://${this.address}`);
      if (url.pathname === "/token") return this.token(req, url, body, res);
      if (!this.authorized(req.headers.authorization)) return this.challenge(url, res);
      if (this.failWith) return send(res, this.failWith, json({ errors: [{ code: "UNKNOWN", message: "disk full" }] }));
      const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
      const [, repository, kind, reference] = match ?? [];
      const content =
        kind === "manifests" ? this.manifests.get(`${repository}:${reference}`) : this.blobs.get(reference as string);
      if (!content)
        return send(res, 404, json({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }));
      const type = JSON.parse(content).mediaType ?? "application/octet-stream";
      const headers: Record<string, string> = { "Content-Type": type };
      if (!(req.method === "HEAD" && this.omitDigestOnHead)) headers["Docker-Content-Digest"] = sha(content);
      send(res, 200, req.method === "HEAD" ? "" : content, headers);
    });
  }

  private authorized(header: string | undefined): boolean {
    switch (this.auth) {
      case "anonymous":
        return true;
      case "basic":
        return header === basic(USER, PASSWORD);
      case "forbidden":
        return false;
      default:
        return header !== undefined && this.tokensIssued.has(header.replace(/^Bearer /, ""));
    }
  }

  private challenge(url: URL, res: ServerResponse): void {
    const repository = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1];
    const error = json({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
    if (this.auth === "forbidden") {
      send(res, 403, json({ errors: [{ code: "DENIED", message: "denied" }] }));
      return;
    }
    const header =
      this.auth === "basic"
        ? 'Basic realm="fake"'
        : `Bearer realm="http://${this.address}/token",service="fake-registry",scope="repository:${repository}:pull"`;
    send(res, 401, error, { "WWW-Authenticate": header });
  }

  private token(req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const ok =
      this.auth === "bearer-anonymous" ||
      req.headers.authorization === basic(USER, PASSWORD) ||
      (req.method === "POST" &&
        form.get("grant_type") === "refresh_token" &&
        form.get("refresh_token") === IDENTITY_TOKEN);
    if (!ok || (url.searchParams.get("service") !== "fake-registry" && form.get("service") !== "fake-registry")) {
      send(res, 401, json({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
      return;
    }
    const token = `${TOKEN}-${this.tokensIssued.size}`;
    this.tokensIssued.add(token);
    send(res, 200, json(req.method === "POST" ? { access_token: token } : { token }));
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body);
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

const registry = new FakeRegistry();
const root = mkdtempSync(path.join(os.tmpdir(), "build-image-registry-"));
beforeAll(() => registry.start());
afterAll(async () => {
  await registry.close();
  rmSync(root, { recursive: true, force: true });
});

let env: NodeJS.ProcessEnv;
let masked: string[];

beforeEach(({ task }) => {
  registry.auth = "anonymous";
  registry.omitDigestOnHead = false;
  registry.failWith = undefined;
  registry.requests = [];
  masked = [];
  const dir = path.join(root, task.id);
  mkdirSync(dir);
  env = { HOME: dir, DOCKER_CONFIG: dir, PATH: "/usr/bin:/bin" };
});

function login(entry: Record<string, string>): void {
  writeFileSync(path.join(env.DOCKER_CONFIG as string, "config.json"), json({ auths: { [registry.address]: entry } }));
}

function client(): RegistryClient {
  return registryClient(registry.address, { env, mask: (secret) => masked.push(secret) });
}

/** Every secret of these tests, which no message may contain. */
function expectNoSecret(error: DeployError): void {
  for (const secret of [PASSWORD, IDENTITY_TOKEN, TOKEN, Buffer.from(`${USER}:${PASSWORD}`).toString("base64")]) {
    expect(`${error.message} ${error.why} ${error.fix}`).not.toContain(secret);
  }
}

describe("tagDigest", () => {
  it("is the Docker-Content-Digest of a HEAD of the manifest, asking for every manifest type", async () => {
    expect(await client().tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    expect(registry.requests).toEqual([
      expect.objectContaining({ method: "HEAD", url: "/v2/acme/shop/manifests/v1", authorization: undefined }),
    ]);
    expect(registry.requests[0]?.accept?.split(", ")).toEqual(MANIFEST_TYPES);
  });

  it("is the index's digest for a multi-platform tag", async () => {
    expect(await client().tagDigest("acme/shop", "multi")).toBe(sha(INDEX));
  });

  it("is undefined for a tag the registry does not have", async () => {
    expect(await client().tagDigest("acme/shop", "3f9c1d2e")).toBeUndefined();
    expect(await client().tagDigest("acme/other", "v1")).toBeUndefined();
  });

  it("hashes the manifest when HEAD does not say its digest", async () => {
    registry.omitDigestOnHead = true;
    expect(await client().tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    expect(registry.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
  });

  it("fails with the registry's own message on a server error", async () => {
    registry.failWith = 500;
    const error = await deployErrorOf(client().tagDigest("acme/shop", "v1"));
    expect(error.what).toBe(`Could not look up acme/shop:v1: the registry ${registry.address} answered HTTP 500.`);
    expect(error.code).toBe("RegistryError");
  });
});

describe("authentication", () => {
  it("answers a Basic challenge with the credentials docker/login-action left", async () => {
    registry.auth = "basic";
    login({ auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") });
    const c = client();
    expect(await c.tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    expect(await c.tagDigest("acme/shop", "multi")).toBe(sha(INDEX));
    expect(registry.requests.map((r) => r.authorization)).toEqual([
      undefined,
      basic(USER, PASSWORD),
      basic(USER, PASSWORD),
    ]);
    expect(masked).toEqual([PASSWORD]);
  });

  it("gets a Bearer token from the challenge's realm for its service and scope, once per repository", async () => {
    registry.auth = "bearer";
    login({ username: USER, password: PASSWORD });
    const c = client();
    expect(await c.tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    expect(await c.imageConfig("acme/shop", "v1")).toMatchObject({ os: "linux" });
    const tokenRequests = registry.requests.filter((r) => r.url.startsWith("/token"));
    expect(tokenRequests).toEqual([
      expect.objectContaining({
        method: "GET",
        url: "/token?service=fake-registry&scope=repository%3Aacme%2Fshop%3Apull",
        authorization: basic(USER, PASSWORD),
      }),
    ]);
    expect(registry.requests.filter((r) => r.url.startsWith("/v2/")).map((r) => r.authorization)).toEqual([
      undefined,
      `Bearer ${TOKEN}-0`,
      `Bearer ${TOKEN}-0`,
      `Bearer ${TOKEN}-0`,
    ]);
    expect(masked).toEqual([PASSWORD, `${TOKEN}-0`]);
  });

  it("gets an anonymous token for a public repository when nobody logged in", async () => {
    registry.auth = "bearer-anonymous";
    expect(await client().tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    expect(registry.requests.find((r) => r.url.startsWith("/token"))?.authorization).toBeUndefined();
  });

  it("exchanges an identity token (OAuth2 refresh token) for an access token, never sending it as a password", async () => {
    registry.auth = "bearer";
    login({
      auth: Buffer.from("00000000-0000-0000-0000-000000000000:").toString("base64"),
      identitytoken: IDENTITY_TOKEN,
    });
    expect(await client().tagDigest("acme/shop", "v1")).toBe(sha(MANIFEST));
    const tokenRequest = registry.requests.find((r) => r.url.startsWith("/token"));
    expect(tokenRequest).toMatchObject({ method: "POST", authorization: undefined });
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toMatchObject({
      grant_type: "refresh_token",
      refresh_token: IDENTITY_TOKEN,
      service: "fake-registry",
      scope: "repository:acme/shop:pull",
    });
    expect(masked).toContain(IDENTITY_TOKEN);
  });

  it.for([
    ["basic", { username: USER, password: "wrong" }],
    ["bearer", { username: USER, password: "wrong" }],
    ["bearer", { identitytoken: "wrong" }],
  ] as const)(
    "with %s auth, refused credentials tell to log in, naming where they came from",
    async ([auth, entry]) => {
      registry.auth = auth;
      login({ ...entry });
      const error = await deployErrorOf(client().tagDigest("acme/shop", "v1"));
      expect(error.what).toBe(`The registry ${registry.address} did not let this step read acme/shop (HTTP 401).`);
      expect(error.why).toContain(`The credentials from ${path.join(env.DOCKER_CONFIG as string, "config.json")}`);
      expect(error.fix).toContain("docker/login-action");
      expect(error.fix).toContain("aws-actions/amazon-ecr-login");
      expect(error.code).toBe("RegistryUnauthorized");
      expectNoSecret(error);
      expect(error.message).not.toContain("wrong");
    },
  );

  it("without credentials, says that none were found", async () => {
    registry.auth = "basic";
    const error = await deployErrorOf(client().tagDigest("acme/shop", "v1"));
    expect(error.why).toContain("No credentials for it were found");
    expect(error.fix).toContain("docker/login-action");
  });

  it("a 403 tells to log in too", async () => {
    registry.auth = "forbidden";
    login({ username: USER, password: PASSWORD });
    const error = await deployErrorOf(client().imageConfig("acme/shop", "v1"));
    expect(error.what).toContain("(HTTP 403)");
    expect(error.why).toContain("DENIED: denied");
    expect(error.fix).toContain("aws-actions/amazon-ecr-login");
    expectNoSecret(error);
  });
});

describe("imageConfig", () => {
  it("reads the labels, creation time and platform of a tagged image", async () => {
    expect(await client().imageConfig("acme/shop", "v1")).toEqual({
      labels: { "org.opencontainers.image.revision": "3f9c" },
      created: "2026-11-26T10:00:00Z",
      architecture: "amd64",
      os: "linux",
    });
  });

  it("follows an index to its linux/amd64 image, by digest too", async () => {
    expect(await client().imageConfig("acme/shop", "multi")).toMatchObject({ architecture: "amd64" });
    expect(await client().imageConfig("acme/shop", sha(ARM_MANIFEST))).toEqual({
      labels: { arch: "arm64" },
      architecture: "arm64",
      os: "linux",
    });
  });

  it("fails naming the image the registry does not have", async () => {
    const error = await deployErrorOf(client().imageConfig("acme/shop", "missing"));
    expect(error.what).toBe(`The registry ${registry.address} has no image acme/shop:missing.`);
    expect(error.code).toBe("ImageNotFound");
  });
});

describe("transport", () => {
  let closed: FakeRegistry;
  beforeAll(async () => {
    closed = new FakeRegistry();
    await closed.start();
    await closed.close();
  });

  it("an unreachable registry fails naming it and the cause", async () => {
    const error = await deployErrorOf(registryClient(closed.address, { env }).tagDigest("acme/shop", "v1"));
    expect(error.what).toBe(`Could not reach the registry ${closed.address}.`);
    expect(error.why).toContain("ECONNREFUSED");
    expect(error.code).toBe("RegistryUnreachable");
  });

  it("a cancelled step stops with the cancellation, not a registry error", async () => {
    const controller = new AbortController();
    controller.abort(new DOMException("cancelled", "AbortError"));
    const error = await client()
      .tagDigest("acme/shop", "v1", controller.signal)
      .catch((e: unknown) => e);
    expect(isCancellation(error)).toBe(true);
  });

  describe("URLs", () => {
    let urls: string[];
    const fake: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(null, { status: 404 });
    };
    beforeEach(() => {
      urls = [];
    });

    it("speaks https to other registries, plain http to loopback, and Docker Hub at registry-1.docker.io", async () => {
      await registryClient("ghcr.io", { env, fetch: fake }).tagDigest("acme/shop", "v1");
      await registryClient("localhost:5000", { env, fetch: fake }).tagDigest("acme/shop", "v1");
      await registryClient("docker.io", { env, fetch: fake }).tagDigest("library/nginx", "v1");
      expect(urls).toEqual([
        "https://ghcr.io/v2/acme/shop/manifests/v1",
        "http://localhost:5000/v2/acme/shop/manifests/v1",
        "https://registry-1.docker.io/v2/library/nginx/manifests/v1",
      ]);
    });
  });
});

describe("parseChallenge", () => {
  it("reads a Bearer challenge's quoted parameters, commas and escapes included", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push",error="insufficient_scope"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.example/token",
        service: "registry.example",
        scope: "repository:a/b:pull,push",
        error: "insufficient_scope",
      },
    });
    expect(parseChallenge('bearer realm="a\\"b", service=bare')).toEqual({
      scheme: "bearer",
      params: { realm: 'a"b', service: "bare" },
    });
  });

  it("reads Basic, and nothing else", () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: "basic",
      params: { realm: "Registry Realm" },
    });
    expect(parseChallenge("Negotiate abc")).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});
