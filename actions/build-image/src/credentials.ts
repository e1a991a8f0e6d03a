import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DeployError } from "@deploy/core";
import { DOCKER_HUB } from "./image-name.ts";

/**
 * Registry credentials as the login step left them. The action never takes a password as an
 * input: `docker/login-action` and `aws-actions/amazon-ecr-login` write Docker's config.json
 * (and buildah's auth.json), and the registry check must see what the push will use.
 */
export type Credential = {
  /** Where it was found (a file, or `docker-credential-<name>`), for messages; not secret. */
  source: string;
} & (
  | { kind: "basic"; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken` in config.json), exchanged at the token endpoint. */
  | { kind: "identity-token"; username?: string; identityToken: string }
);

export interface CredentialOptions {
  env?: NodeJS.ProcessEnv;
  /** The repository asked for: containers' auth.json may hold credentials per namespace ("quay.io/acme"). */
  repository?: string;
}

/** What config.json and auth.json share. */
interface AuthFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

// Docker keeps Docker Hub's credentials under its v1 index URL, and asks helpers for that URL.
const DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io"]);

/**
 * The credential for `registry`, looked up where Docker looks (DOCKER_CONFIG or ~/.docker:
 * a helper from credHelpers or credsStore, then auths), then where buildah and podman look
 * (REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json and
 * ~/.config/containers/auth.json). Undefined when there is none: the registry may be public.
 */
export async function findCredential(
  registry: string,
  options: CredentialOptions = {},
): Promise<Credential | undefined> {
  const env = options.env ?? process.env;
  for (const file of authFiles(env)) {
    const config = await readAuthFile(file);
    if (!config) continue;
    const found = await fromAuthFile(config, file, registry, options.repository, env);
    if (found) return found;
  }
  return undefined;
}

/** The files to search, in order. */
export function authFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || os.homedir();
  const docker = path.join(env.DOCKER_CONFIG || path.join(home, ".docker"), "config.json");
  const containers = env.REGISTRY_AUTH_FILE
    ? [env.REGISTRY_AUTH_FILE]
    : [
        ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, "containers", "auth.json")] : []),
        path.join(home, ".config", "containers", "auth.json"),
      ];
  return [docker, ...containers];
}

async function readAuthFile(file: string): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DeployError({
      what: `Could not read the registry credentials in ${file}.`,
      why: (error as Error).message,
      fix: "Make the file readable by the user the step runs as, or log in again.",
      code: "CredentialsUnreadable",
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as AuthFile;
  } catch {
    // The parser's message quotes the text, which holds secrets: say only that it is not JSON.
  }
  throw new DeployError({
    what: `The registry credentials file ${file} is not a JSON object.`,
    fix: "Remove the file and log in again (docker/login-action or aws-actions/amazon-ecr-login).",
    code: "CredentialsUnreadable",
  });
}

async function fromAuthFile(
  config: AuthFile,
  file: string,
  registry: string,
  repository: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Credential | undefined> {
  const helperKey = bestKey(Object.keys(config.credHelpers ?? {}), registry, repository);
  const helper = helperKey === undefined ? config.credsStore : config.credHelpers?.[helperKey];
  if (helper) {
    const found = await fromHelper(helper, registry, env);
    if (found) return found;
  }
  const entryKey = bestKey(Object.keys(config.auths ?? {}), registry, repository);
  const entry = entryKey === undefined ? undefined : config.auths?.[entryKey];
  return entry ? fromEntry(entry, file, entryKey as string) : undefined;
}

/**
 * The key that names `registry` (or a namespace of `repository` in it), the most specific
 * first. Keys are written many ways: "ghcr.io", "https://ghcr.io", "https://index.docker.io/v1/",
 * "quay.io/acme".
 */
function bestKey(keys: string[], registry: string, repository: string | undefined): string | undefined {
  const wanted = `${registry}/${repository ?? ""}`;
  let best: { key: string; length: number } | undefined;
  for (const key of keys) {
    const normal = normaliseKey(key);
    const matches = normal === registry || (normal.includes("/") && `${wanted}/`.startsWith(`${normal}/`));
    if (matches && (!best || normal.length > best.length)) best = { key, length: normal.length };
  }
  return best?.key;
}

function normaliseKey(key: string): string {
  const bare = key
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/+$/, "")
    .replace(/\/v[12]$/, "");
  const slash = bare.indexOf("/");
  const host = (slash < 0 ? bare : bare.slice(0, slash)).toLowerCase();
  const rest = slash < 0 ? "" : bare.slice(slash);
  return (DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host) + rest;
}

function fromEntry(entry: AuthEntry, file: string, key: string): Credential | undefined {
  const source = `${file} (auths "${key}")`;
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      throw new DeployError({
        what: `The registry credentials in ${source} are not valid.`,
        why: 'Its "auth" is not base64 of "username:password".',
        fix: "Log in again (docker/login-action or aws-actions/amazon-ecr-login).",
        code: "CredentialsUnreadable",
      });
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) return { kind: "identity-token", username, identityToken: entry.identitytoken, source };
  if (username && password) return { kind: "basic", username, password, source };
  return undefined;
}

/**
 * Asks `docker-credential-<helper> get`, the protocol of docker-credential-helpers: the
 * server URL on stdin, `{"Username", "Secret"}` on stdout, and a "credentials not found"
 * message with a failing exit when it has none. A Username of "<token>" marks an identity token.
 */
async function fromHelper(helper: string, registry: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const program = `docker-credential-${helper}`;
  const server = registry === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
  const { code, stdout, stderr, spawnError } = await run(program, ["get"], server, env);
  if (spawnError) {
    throw new DeployError({
      what: `The credential helper ${program} could not be run.`,
      why: spawnError.code === "ENOENT" ? `${program} is not on PATH.` : spawnError.message,
      fix: `Install ${program}, or remove "${helper}" from credHelpers/credsStore in the Docker config and log in again.`,
      code: "CredentialHelperFailed",
    });
  }
  if (code !== 0) {
    // Helpers write their errors to stdout; on failure it holds no secret.
    const message = `${stdout} ${stderr}`.trim();
    if (/credentials not found/i.test(message)) return undefined;
    throw new DeployError({
      what: `The credential helper ${program} failed for ${server}.`,
      why: `It exited with ${code}: ${message.slice(-500) || "no output"}`,
      fix: "Log in again before this step (docker/login-action or aws-actions/amazon-ecr-login).",
      code: "CredentialHelperFailed",
    });
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(stdout);
  } catch {
    answer = {};
  }
  if (typeof answer.Secret !== "string" || answer.Secret === "") {
    throw new DeployError({
      what: `The credential helper ${program} gave no credentials for ${server}.`,
      why: 'Its answer has no "Secret".',
      fix: `Check ${program}, or log in again.`,
      code: "CredentialHelperFailed",
    });
  }
  const username = typeof answer.Username === "string" ? answer.Username : "";
  const source = program;
  return username === "<token>"
    ? { kind: "identity-token", identityToken: answer.Secret, source }
    : { kind: "basic", username, password: answer.Secret, source };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

function run(program: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (spawnError: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, spawnError }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit says what happened.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
