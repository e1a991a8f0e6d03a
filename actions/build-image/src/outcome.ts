import { type Context, DeployError, type RunContext, setOutput } from "@deploy/core";
import { formatRelease, type Release, releaseOf } from "@deploy/release";
import type { Settings } from "./inputs.ts";

/** What the step did: built (and pushed, unless push is false) or skipped an existing tag. */
export interface Outcome {
  skipped: boolean;
  /** The digest the registry serves for the tag; undefined when nothing was pushed. */
  digest?: string;
  /** The image's labels: those set, or for a skipped build those the registry serves. */
  labels?: Record<string, string>;
}

/** `registry/repository@sha256:...`, what later steps pull; undefined without a digest. */
export function imageByDigest(settings: Settings, outcome: Outcome): string | undefined {
  return outcome.digest === undefined ? undefined : `${settings.image.name}@${outcome.digest}`;
}

/** The error for a tag that exists when skip-if-exists is false: tags are never pushed twice. */
export function tagExists(settings: Settings, digest: string): DeployError {
  const reference = `${settings.image.name}:${settings.tag}`;
  return new DeployError({
    what: `The tag ${reference} exists already, and a tag is never pushed twice.`,
    why: `The registry serves ${digest} for it: an image of this commit was built and pushed before, and "skip-if-exists" is false.`,
    fix: 'Set "skip-if-exists" to true to reuse that image, push a new commit to build a new one, or delete the tag from the registry if the image under it must be replaced.',
    input: "skip-if-exists",
    code: "TagExists",
  });
}

/** The release record: this run's commit with the image by digest, for bake-ami. */
export function imageRelease(ctx: Pick<Context, "run" | "clock">, image: string): Release {
  return releaseOf(ctx, { amis: {}, image });
}

export function setImageOutputs(
  settings: Settings,
  outcome: Outcome,
  release: Release | undefined,
  durationMs: number,
): void {
  setOutput("image", imageByDigest(settings, outcome) ?? "");
  setOutput("digest", outcome.digest ?? "");
  setOutput("tag", settings.tag);
  setOutput("skipped", String(outcome.skipped));
  setOutput("release", release ? formatRelease(release) : "");
  setOutput("duration-seconds", String(Math.round(durationMs / 1000)));
}
