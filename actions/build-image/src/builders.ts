import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DeployError, type Logger } from "@deploy/core";
import { type Command, runTool } from "./process.ts";

export type Builder = "buildah" | "docker";

/** What to build and where to put it, as both builders take it. */
export interface BuildPlan {
  /** `registry/repository:tag`. */
  reference: string;
  /** Absolute paths. */
  context: string;
  file: string;
  /** Every label, the OCI ones included, in order. */
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  /** `os/arch[/variant]`; empty for the builder's own platform. */
  platforms: string[];
  push: boolean;
  /** Buildx only: read and write the GitHub Actions cache, in this scope. */
  cacheScope?: string;
  /** Buildah only: the registry is spoken to over plain http (a loopback one). */
  insecure: boolean;
}

/** `--flag key=value` for each entry. */
function pairs(flag: string, values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [flag, `${key}=${value}`]);
}

/**
 * Buildah's command lines: `bud` (into a manifest list when there are several platforms),
 * then, when pushing, `push` (or `manifest push --all`) writing the pushed manifest's digest
 * to `digestFile`. Storage driver and isolation are buildah's own settings: it reads
 * STORAGE_DRIVER and BUILDAH_ISOLATION from the environment.
 */
export function buildahCommands(plan: BuildPlan, digestFile: string): Command[] {
  const list = plan.platforms.length > 1;
  const bud: Command = {
    command: "buildah",
    args: [
      "bud",
      "--file",
      plan.file,
      ...(list ? ["--manifest", plan.reference] : ["--tag", plan.reference]),
      ...(plan.platforms.length > 0 ? ["--platform", plan.platforms.join(",")] : []),
      ...pairs("--label", plan.labels),
      ...pairs("--build-arg", plan.buildArgs),
      plan.context,
    ],
  };
  if (!plan.push) return [bud];
  const push: Command = {
    command: "buildah",
    args: [
      ...(list ? ["manifest", "push", "--all"] : ["push"]),
      "--digestfile",
      digestFile,
      ...(plan.insecure ? ["--tls-verify=false"] : []),
      plan.reference,
      `docker://${plan.reference}`,
    ],
  };
  return [bud, push];
}

/**
 * Buildx's command line: one `docker buildx build` that pushes (or, for one platform, loads
 * into the engine) and writes its metadata, with the image's digest, to `metadataFile`.
 */
export function buildxCommand(plan: BuildPlan, metadataFile: string): Command {
  const cache = plan.cacheScope
    ? ["--cache-from", `type=gha,scope=${plan.cacheScope}`, "--cache-to", `type=gha,mode=max,scope=${plan.cacheScope}`]
    : [];
  const output = plan.push ? ["--push"] : plan.platforms.length <= 1 ? ["--load"] : [];
  return {
    command: "docker",
    args: [
      "buildx",
      "build",
      "--file",
      plan.file,
      "--tag",
      plan.reference,
      ...pairs("--label", plan.labels),
      ...pairs("--build-arg", plan.buildArgs),
      ...(plan.platforms.length > 0 ? ["--platform", plan.platforms.join(",")] : []),
      ...cache,
      "--metadata-file",
      metadataFile,
      ...output,
      plan.context,
    ],
  };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The digest of the image Buildx pushed: `containerimage.digest` of its metadata file. */
export function parseBuildxMetadata(text: string): string {
  const fail = (why: string): never => {
    throw new DeployError({
      what: "Buildx's metadata file does not name the pushed image's digest.",
      why,
      fix: "Use Buildx 0.8 or later (docker/setup-buildx-action installs a current one) with a driver that pushes, like docker or docker-container.",
      code: "NoDigest",
    });
  };
  if (text.trim() === "") return fail("Buildx wrote no metadata, or an empty file.");
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch (error) {
    return fail(`It is not JSON (${(error as Error).message}): "${text.slice(0, 80)}".`);
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return fail(`It is not a JSON object: "${text.slice(0, 80)}".`);
  }
  const digest = (metadata as Record<string, unknown>)["containerimage.digest"];
  if (typeof digest !== "string" || !DIGEST.test(digest)) {
    const keys = Object.keys(metadata).join(", ") || "none";
    return fail(`Its "containerimage.digest" is ${JSON.stringify(digest)} (keys: ${keys}).`);
  }
  return digest;
}

/** Reads the digest buildah wrote with --digestfile. */
export function parseDigestFile(text: string): string {
  const digest = text.trim();
  if (DIGEST.test(digest)) return digest;
  throw new DeployError({
    what: "buildah did not write the pushed image's digest.",
    why: `Its --digestfile holds "${digest.slice(0, 80)}".`,
    fix: "Use buildah 1.16 or later, which writes the manifest digest with --digestfile.",
    code: "NoDigest",
  });
}

/**
 * Builds `plan` with `builder` and, when it pushes, returns the digest of what it pushed.
 * The builder's output streams to the log; a failure ends with its last lines.
 */
export async function build(
  builder: Builder,
  plan: BuildPlan,
  options: { logger: Logger; signal: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "build-image-"));
  try {
    if (builder === "docker") {
      const metadataFile = path.join(dir, "metadata.json");
      await runTool("The build", buildxCommand(plan, metadataFile), options);
      return plan.push ? parseBuildxMetadata(await readFile(metadataFile, "utf8").catch(() => "")) : undefined;
    }
    const digestFile = path.join(dir, "digest");
    const [bud, push] = buildahCommands(plan, digestFile);
    await runTool("The build", bud as Command, options);
    if (!push) return undefined;
    await runTool("The push", push, options);
    return parseDigestFile(await readFile(digestFile, "utf8").catch(() => ""));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
