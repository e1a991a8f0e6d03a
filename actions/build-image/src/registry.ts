import { createHash } from "node:crypto";
import { DeployError, setSecret } from "@deploy/core";
import { type Credential, findCredential } from "./credentials.ts";
import { DOCKER_HUB, isLoopbackRegistry } from "./image-name.ts";

export interface ImageConfig {
  labels: Record<string, string>;
  created?: string;
  architecture?: string;
  os?: string;
}

export interface RegistryClient {
  /** The digest the registry serves for `tag` (Docker-Content-Digest of a HEAD/GET of the manifest, with
   *  Accept for OCI index + manifest and Docker v2 list + manifest), or undefined when the tag does not exist (404). */
  tagDigest(repository: string, tag: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The config of the image a tag or digest names (for an index: the linux/amd64 entry, else the first). */
  imageConfig(repository: string, reference: string, signal?: AbortSignal): Promise<ImageConfig>;
}

export interface RegistryClientOptions {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Masks each secret before it is used; core's setSecret unless a test passes its own. */
  mask?: (secret: string) => void;
}

// Indexes first: asked for a tag, a registry answers with what was pushed, and the digest
// must be that one (a multi-platform push's index), not one it converted to a single manifest.
export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

const LOG_IN =
  "Log in to the registry in an earlier step: docker/login-action (e.g. ghcr.io with the GITHUB_TOKEN), or aws-actions/amazon-ecr-login for Amazon ECR; and check that those credentials may read the repository.";

/**
 * A read-only client of the OCI distribution API, enough to ask whether a tag exists and what
 * an image's labels are before anything is built or pushed. It authenticates as `docker pull`
 * does: anonymously first, then as the 401's WWW-Authenticate challenge asks (Basic, or a
 * Bearer token from the realm for the service and scope), with the login step's credentials.
 */
export function registryClient(registry: string, options: RegistryClientOptions = {}): RegistryClient {
  const env = options.env ?? process.env;
  const send = options.fetch ?? fetch;
  const mask = options.mask ?? setSecret;
  // Docker Hub's API is not at its name.
  const base = `${isLoopbackRegistry(registry) ? "http" : "https"}://${registry === DOCKER_HUB ? "registry-1.docker.io" : registry}`;
  const credentials = new Map<string, Promise<Credential | undefined>>();
  const authorizations = new Map<string, string>();

  function credentialFor(repository: string): Promise<Credential | undefined> {
    let found = credentials.get(repository);
    if (!found) {
      found = findCredential(registry, { env, repository }).then((credential) => {
        if (credential?.kind === "basic") mask(credential.password);
        if (credential?.kind === "identity-token") mask(credential.identityToken);
        return credential;
      });
      credentials.set(repository, found);
    }
    return found;
  }

  async function call(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    try {
      return await send(url, { ...init, signal, redirect: "follow" });
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const cause = (error as Error & { cause?: Error }).cause;
      throw new DeployError({
        what: `Could not reach the registry ${registry}.`,
        why: `${new URL(url).host}: ${cause?.message ?? (error as Error).message}`,
        fix: `Check the registry's name in the image input, and that the runner can reach ${registry}.`,
        code: "RegistryUnreachable",
        cause: error,
      });
    }
  }

  /** One request to the API, authenticated as the registry asks; a 401 or 403 after that fails. */
  async function request(
    repository: string,
    path: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const url = `${base}/v2/${repository}/${path}`;
    const headers = (authorization?: string): Record<string, string> => ({
      ...(init.headers as Record<string, string>),
      ...(authorization ? { Authorization: authorization } : {}),
    });
    let response = await call(url, { ...init, headers: headers(authorizations.get(repository)) }, signal);
    let credential: Credential | undefined;
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get("www-authenticate"));
      await response.body?.cancel();
      credential = await credentialFor(repository);
      const authorization = challenge && (await authorize(challenge, repository, credential, signal));
      if (authorization) {
        authorizations.set(repository, authorization);
        response = await call(url, { ...init, headers: headers(authorization) }, signal);
      }
    }
    if (response.status === 401 || response.status === 403) {
      throw refused(
        repository,
        response.status,
        await registryMessage(response),
        credential ?? (await credentialFor(repository)),
      );
    }
    return response;
  }

  async function authorize(
    challenge: Challenge,
    repository: string,
    credential: Credential | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    if (challenge.scheme === "basic") {
      return credential?.kind === "basic" ? basicAuthorization(credential) : undefined;
    }
    const realm = challenge.params.realm;
    if (!realm) return undefined;
    const service = challenge.params.service;
    const scope = challenge.params.scope ?? `repository:${repository}:pull`;
    let response: Response;
    if (credential?.kind === "identity-token") {
      // An identity token is an OAuth2 refresh token: it is exchanged, never sent as a password.
      const form = new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: credential.identityToken,
        client_id: "deploy-build-image",
        scope,
        ...(service ? { service } : {}),
      });
      response = await call(realm, { method: "POST", body: form }, signal);
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set("service", service);
      url.searchParams.set("scope", scope);
      const headers: Record<string, string> = credential ? { Authorization: basicAuthorization(credential) } : {};
      response = await call(url.toString(), { headers }, signal);
    }
    if (response.status === 401 || response.status === 403) {
      throw refused(repository, response.status, await registryMessage(response), credential);
    }
    if (!response.ok)
      throw failed(
        `get a token for ${repository} from ${new URL(realm).host}`,
        response,
        await registryMessage(response),
      );
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === "string" ? body.token : body.access_token;
    if (typeof token !== "string" || token === "") {
      throw new DeployError({
        what: `The registry ${registry}'s token service gave no token for ${repository}.`,
        why: `${new URL(realm).host} answered without "token" or "access_token".`,
        fix: LOG_IN,
        code: "RegistryUnauthorized",
      });
    }
    mask(token);
    return `Bearer ${token}`;
  }

  function refused(
    repository: string,
    status: number,
    message: string,
    credential: Credential | undefined,
  ): DeployError {
    const who = credential
      ? `The credentials from ${credential.source} were refused`
      : "No credentials for it were found (Docker's config.json, containers' auth.json)";
    return new DeployError({
      what: `The registry ${registry} did not let this step read ${repository} (HTTP ${status}).`,
      why: `${who}${message ? `: ${message}` : "."}`,
      fix: LOG_IN,
      code: "RegistryUnauthorized",
    });
  }

  function failed(doing: string, response: Response, message: string): DeployError {
    return new DeployError({
      what: `Could not ${doing}: the registry ${registry} answered HTTP ${response.status}.`,
      why: message || undefined,
      fix: "Try again; if it keeps failing, check the registry's status.",
      code: "RegistryError",
    });
  }

  async function manifest(repository: string, reference: string, signal?: AbortSignal) {
    const response = await request(
      repository,
      `manifests/${reference}`,
      { headers: { Accept: MANIFEST_TYPES.join(", ") } },
      signal,
    );
    if (response.status === 404) {
      await response.body?.cancel();
      throw new DeployError({
        what: `The registry ${registry} has no image ${repository}:${reference}.`,
        fix: "Check the image name and the tag or digest.",
        code: "ImageNotFound",
      });
    }
    if (!response.ok) throw failed(`read ${repository}:${reference}`, response, await registryMessage(response));
    return (await response.json()) as Manifest;
  }

  return {
    async tagDigest(repository, tag, signal) {
      const accept = { Accept: MANIFEST_TYPES.join(", ") };
      let response = await request(repository, `manifests/${tag}`, { method: "HEAD", headers: accept }, signal);
      if (response.status === 404) return undefined;
      if (!response.ok) throw failed(`look up ${repository}:${tag}`, response, "");
      const digest = response.headers.get("docker-content-digest");
      if (digest) return digest;
      // The header is optional; the digest of the bytes served is what it would have said.
      response = await request(repository, `manifests/${tag}`, { headers: accept }, signal);
      if (response.status === 404) return undefined;
      if (!response.ok) throw failed(`read ${repository}:${tag}`, response, await registryMessage(response));
      return `sha256:${createHash("sha256")
        .update(Buffer.from(await response.arrayBuffer()))
        .digest("hex")}`;
    },

    async imageConfig(repository, reference, signal) {
      let found = await manifest(repository, reference, signal);
      if (Array.isArray(found.manifests)) {
        const entry = pickPlatform(found.manifests);
        if (!entry) {
          throw new DeployError({
            what: `The image ${repository}:${reference} in ${registry} is an empty index.`,
            fix: "Push the image again.",
            code: "ImageNotFound",
          });
        }
        found = await manifest(repository, entry.digest, signal);
      }
      const configDigest = found.config?.digest;
      if (!configDigest) {
        throw new DeployError({
          what: `The image ${repository}:${reference} in ${registry} has no config.`,
          why: `Its manifest is of type ${found.mediaType ?? "unknown"}.`,
          fix: "Push it as an OCI or Docker v2 image.",
          code: "ImageNotFound",
        });
      }
      const response = await request(repository, `blobs/${configDigest}`, {}, signal);
      if (!response.ok)
        throw failed(`read the config of ${repository}:${reference}`, response, await registryMessage(response));
      const config = (await response.json()) as ConfigBlob;
      return {
        labels: config.config?.Labels ?? {},
        ...(config.created ? { created: config.created } : {}),
        ...(config.architecture ? { architecture: config.architecture } : {}),
        ...(config.os ? { os: config.os } : {}),
      };
    },
  };
}

interface Descriptor {
  digest: string;
  platform?: { os?: string; architecture?: string };
}

interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: { digest?: string };
}

interface ConfigBlob {
  created?: string;
  architecture?: string;
  os?: string;
  config?: { Labels?: Record<string, string> | null };
}

/** linux/amd64, the runners' platform, else the first entry (attestations are never first in practice). */
function pickPlatform(manifests: Descriptor[]): Descriptor | undefined {
  return manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ?? manifests[0];
}

function basicAuthorization(credential: Credential & { kind: "basic" }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
}

export interface Challenge {
  scheme: "basic" | "bearer";
  params: Record<string, string>;
}

/** `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`. */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header && /^\s*(Basic|Bearer)\b(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of (match[2] as string).matchAll(
    /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g,
  )) {
    params[(key as string).toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare as string);
  }
  return { scheme: (match[1] as string).toLowerCase() as Challenge["scheme"], params };
}

/** The registry's own words: `{"errors": [{"code", "message"}]}`, which carry no secrets. */
async function registryMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    return (body.errors ?? [])
      .map((e) => [e.code, e.message].filter(Boolean).join(": "))
      .filter(Boolean)
      .join("; ");
  } catch {
    return "";
  }
}
