import type { BakeResult } from "@deploy/aws";
import { type Context, setOutput } from "@deploy/core";
import { formatRelease, type Release, releaseOf } from "@deploy/release";
import type { Settings } from "./inputs.ts";

/**
 * The release that goes on to rolling-replace and promote: the given one with this bake's
 * AMIs and key, or a new release of the run's commit.
 */
export function bakedRelease(ctx: Pick<Context, "run" | "clock">, settings: Settings, result: BakeResult): Release {
  const { image } = settings.request;
  if (!settings.release) return releaseOf(ctx, { amis: result.amis, image, bakeKey: result.bakeKey });
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
