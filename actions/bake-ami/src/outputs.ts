import type { BakeResult } from "@deploy/aws";
import { type RunContext, setOutput } from "@deploy/core";
import { formatRelease, type Release, releaseOf } from "@deploy/release";
import type { Settings } from "./inputs.ts";

/**
 * The release that goes on to rolling-replace and promote: the given one with this bake's
 * AMIs and key, or a new release of the run's commit.
 */
export function bakedRelease(settings: Settings, run: RunContext, result: BakeResult, now: Date): Release {
  const { image } = settings.request;
  if (!settings.release) return releaseOf(run, { amis: result.amis, image, bakeKey: result.bakeKey }, now);
  return {
    ...settings.release,
    ...(image !== undefined && { image }),
    amis: { ...settings.release.amis, ...result.amis },
    bakeKey: result.bakeKey,
  };
}

export function setBakeOutputs(result: BakeResult, release: Release, region: string, durationMs: number): void {
  setOutput("ami-id", result.amis[region]);
  setOutput("amis", JSON.stringify(result.amis));
  setOutput("bake-key", result.bakeKey);
  setOutput("reused", String(result.reused));
  setOutput("release", formatRelease(release));
  setOutput("duration-seconds", String(Math.round(durationMs / 1000)));
}
