import { statSync } from "node:fs";
import path from "node:path";
import { type Inputs, invalidInput, looksLikeSecretName, type RunContext } from "@deploy/core";
import type { Builder } from "./builders.ts";
import { type ImageName, parseImageName } from "./image-name.ts";
import type { Tools } from "./process.ts";

/**
 * Every input of the step, read and checked before anything is built or asked of the
 * registry. A bad value fails here, naming the input, the value and the fix.
 */
export interface Settings {
  image: ImageName;
  /** The full commit sha: the only tag the action pushes. */
  tag: string;
  /** Absolute paths. */
  context: string;
  file: string;
  buildArgs: Record<string, string>;
  /** The labels input, added to the OCI labels the action sets. */
  labels: Record<string, string>;
  platforms: string[];
  /** What `builder` named, `auto` resolved. */
  builder: Builder;
  push: boolean;
  /** Buildx's GitHub Actions cache. */
  cache: boolean;
  skipIfExists: boolean;
}

/** The defaults action.yml declares (a unit test keeps the two in step). */
export const DEFAULTS = {
  context: ".",
  builder: "auto",
  push: "true",
  cache: "false",
  "skip-if-exists": "true",
} as const;

const BUILDERS = ["auto", "docker", "buildah"] as const;
/** The label the action sets from the commit; a labels line may not contradict it. */
export const REVISION_LABEL = "org.opencontainers.image.revision";
// Docker's advice for label keys: reverse-DNS, lowercase letters, digits, dots and dashes.
const LABEL_KEY = /^[a-z0-9](?:[a-z0-9._/-]*[a-z0-9])?$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
/** Docker's tag grammar: the commit sha must fit it (it always does for git's shas). */
const TAG = /^[\w][\w.-]{0,127}$/;

export async function readSettings(
  inputs: Inputs,
  run: RunContext,
  tools: Tools,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Settings> {
  const image = parseImageName(inputs.string("image", { required: true }));
  const tag = run.commit;
  if (!TAG.test(tag)) {
    throw invalidInput(
      "image",
      `${image.name}:${tag}`,
      "cannot be tagged with the commit",
      "Run the action for a commit (GITHUB_SHA must be a commit sha).",
    );
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const context = readContext(inputs, workspace);
  const file = readFile(inputs, workspace, context);
  const buildArgs = readBuildArgs(inputs);
  const labels = readLabels(inputs);
  const platforms = [
    ...new Set(
      inputs.list("platforms", {
        validate: (p) =>
          PLATFORM.test(p) ? undefined : 'Write platforms as os/arch[/variant], like "linux/amd64, linux/arm64".',
      }),
    ),
  ];
  const push = inputs.boolean("push", { default: DEFAULTS.push });
  const cache = inputs.boolean("cache", { default: DEFAULTS.cache });
  const skipIfExists = inputs.boolean("skip-if-exists", { default: DEFAULTS["skip-if-exists"] });
  const wanted = inputs.oneOf("builder", BUILDERS, { default: DEFAULTS.builder });
  if (wanted === "buildah" && cache) {
    throw invalidInput(
      "cache",
      "true",
      "asks for the GitHub Actions cache, which only Buildx has",
      'Set "builder" to "docker" or "auto", or leave "cache" out: buildah builds without it.',
    );
  }
  // Last: the only check that starts processes (`docker info`, `docker buildx version`).
  const builder = await resolveBuilder(wanted, tools);
  return { image, tag, context, file, buildArgs, labels, platforms, builder, push, cache, skipIfExists };
}

/** Where a path the user wrote, relative to the repository, is; "" when it is not there. */
function kindOf(absolute: string): "file" | "directory" | "" {
  try {
    const stat = statSync(absolute);
    return stat.isDirectory() ? "directory" : stat.isFile() ? "file" : "";
  } catch {
    return "";
  }
}

function readContext(inputs: Inputs, workspace: string): string {
  const given = inputs.string("context", { default: DEFAULTS.context });
  const context = path.resolve(workspace, given);
  if (kindOf(context) !== "directory") {
    throw invalidInput(
      "context",
      given,
      "is not a folder of the repository",
      'Give the folder the Containerfile\'s COPY and ADD read from, relative to the repository\'s root, like "." or "app"; check out the repository first (actions/checkout).',
    );
  }
  return context;
}

/** The file input, or the context's Containerfile, or its Dockerfile. */
function readFile(inputs: Inputs, workspace: string, context: string): string {
  const given = inputs.string("file");
  if (given !== undefined) {
    const file = path.resolve(workspace, given);
    if (kindOf(file) !== "file") {
      throw invalidInput(
        "file",
        given,
        "is not a file of the repository",
        'Give the Containerfile or Dockerfile relative to the repository\'s root, like "app/Containerfile", or leave "file" out to use the context\'s.',
      );
    }
    return file;
  }
  const found = ["Containerfile", "Dockerfile"]
    .map((name) => path.join(context, name))
    .find((f) => kindOf(f) === "file");
  if (found) return found;
  const shown = path.relative(workspace, context) || ".";
  throw invalidInput(
    "file",
    "",
    `is not set, and the context "${shown}" has no Containerfile or Dockerfile`,
    'Add a Containerfile to the context, or set "file" to the one to build, relative to the repository\'s root.',
  );
}

function readBuildArgs(inputs: Inputs): Record<string, string> {
  const args = inputs.keyValues("build-args");
  for (const name of Object.keys(args)) {
    if (looksLikeSecretName(name)) {
      throw invalidInput(
        "build-args",
        name,
        "sets a build argument that looks like a secret",
        "Build arguments are stored in the image's history, where anyone who can pull it reads them: have the application read secrets at run time (from SSM Parameter Store), and pass only a parameter's name here.",
      );
    }
  }
  return args;
}

function readLabels(inputs: Inputs): Record<string, string> {
  const labels = inputs.keyValues("labels", {
    key: (key) =>
      LABEL_KEY.test(key)
        ? undefined
        : 'Write label keys in reverse-DNS notation with lowercase letters, digits, dots and dashes, like "com.example.team=shop".',
  });
  if (REVISION_LABEL in labels) {
    throw invalidInput(
      "labels",
      `${REVISION_LABEL}=${labels[REVISION_LABEL]}`,
      "sets the revision label",
      `Remove the line: the action sets ${REVISION_LABEL} to the commit the image is built from and tagged with.`,
    );
  }
  return labels;
}

/**
 * The builder to use: the one named, once it is known to be there, or for `auto` Buildx
 * when a Docker engine answers and buildah otherwise (GitHub's Ubuntu runners have both).
 */
async function resolveBuilder(wanted: (typeof BUILDERS)[number], tools: Tools): Promise<Builder> {
  const missing = (problem: string, fix: string) => invalidInput("builder", wanted, problem, fix);
  const buildx = async () => tools.onPath("docker") && (await tools.answers("docker", ["buildx", "version"]));
  if (wanted === "buildah") {
    if (tools.onPath("buildah")) return "buildah";
    throw missing(
      "names buildah, which is not on the PATH",
      'Install buildah (GitHub\'s Ubuntu runners have it; elsewhere "apt-get install buildah"), or set "builder" to "docker".',
    );
  }
  if (wanted === "docker") {
    if (await buildx()) return "docker";
    throw missing(
      'names Docker Buildx, but "docker buildx version" does not answer',
      'Set up Buildx first (docker/setup-buildx-action), or set "builder" to "buildah".',
    );
  }
  if ((await buildx()) && (await tools.answers("docker", ["info"]))) return "docker";
  if (tools.onPath("buildah")) return "buildah";
  throw missing(
    "found neither a Docker engine with Buildx nor buildah",
    "Run on a runner with Docker and Buildx (docker/setup-buildx-action) or with buildah (GitHub's Ubuntu runners have both), or install one.",
  );
}
