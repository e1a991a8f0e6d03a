import type { GroupInfo, GroupInstance, RefreshPreferences, Strategy } from "./types.ts";

/**
 * How a rollout will go, computed before it starts: which instances are replaced, in which
 * batches, and how long that should take. The rules follow instance refresh's:
 *
 * - Replaced: instances not leaving the group, except protected ones with
 *   ScaleInProtectedInstances=Ignore, Standby ones with StandbyInstances=Ignore and, with
 *   SkipMatching, those already on the target version. A last checkpoint below 100 % is a
 *   partial refresh: it stops once that share is replaced.
 * - Batch size, for desired capacity D: without MaxHealthyPercentage, D − ⌈D × min %⌉
 *   (at least 1: old instances go first, then their replacements launch); with it,
 *   ⌊D × max %⌋ − D (at least 1: replacements launch first, then old instances go). Blue/green
 *   launches everything at once. Checkpoints cut batches so that each checkpoint is reached.
 * - Estimate: each batch takes a launch (INSTANCE_LAUNCH_MS) plus the warmup, or the health
 *   check grace period if longer; each checkpoint reached before the end pauses for the
 *   checkpoint delay, and the bake time follows the last batch.
 * - Default timeout: twice the estimate plus TIMEOUT_MARGIN_MS.
 */
export interface ReplacementPlan {
  instancesToReplace: number;
  batches: number[];
  estimatedMs: number;
  defaultTimeoutMs: number;
}

/** From launch to InService, typically, before the warmup starts. */
export const INSTANCE_LAUNCH_MS = 90_000;
export const TIMEOUT_MARGIN_MS = 10 * 60_000;
/** AWS's checkpoint delay when checkpoints are set without one. */
const DEFAULT_CHECKPOINT_DELAY_S = 3_600;
const LEAVING = /^(Terminat|Detach)/;

export function planReplacement(
  group: GroupInfo,
  preferences: RefreshPreferences,
  options: { strategy?: Strategy; targetVersion?: string } = {},
): ReplacementPlan {
  const candidates = group.instances.filter((i) => isReplaced(i, preferences, options.targetVersion)).length;
  const checkpoints = preferences.checkpointPercentages ?? [];
  const last = checkpoints.at(-1) ?? 100;
  const instancesToReplace = Math.ceil((candidates * last) / 100);
  const batchSize =
    options.strategy === "blue-green" ? Math.max(1, instancesToReplace) : refreshBatchSize(group, preferences);
  const checkpointCaps = checkpoints.map((p) => Math.ceil((candidates * p) / 100));
  const batches: number[] = [];
  let done = 0;
  for (const cap of [...checkpointCaps, instancesToReplace]) {
    while (done < Math.min(cap, instancesToReplace)) {
      const batch = Math.min(batchSize, cap - done);
      batches.push(batch);
      done += batch;
    }
  }
  const warmupS =
    preferences.instanceWarmupSeconds ?? group.defaultInstanceWarmupSeconds ?? group.healthCheckGracePeriodSeconds;
  const batchMs = Math.max(INSTANCE_LAUNCH_MS + warmupS * 1000, group.healthCheckGracePeriodSeconds * 1000);
  // Checkpoints reached together pause once; the one that ends the refresh does not pause.
  const pauses = new Set(checkpointCaps.filter((cap) => cap > 0 && cap < instancesToReplace)).size;
  const pauseMs = pauses * (preferences.checkpointDelaySeconds ?? DEFAULT_CHECKPOINT_DELAY_S) * 1000;
  const estimatedMs = batches.length * batchMs + pauseMs + (preferences.bakeTimeSeconds ?? 0) * 1000;
  return { instancesToReplace, batches, estimatedMs, defaultTimeoutMs: 2 * estimatedMs + TIMEOUT_MARGIN_MS };
}

function isReplaced(instance: GroupInstance, preferences: RefreshPreferences, targetVersion?: string): boolean {
  if (LEAVING.test(instance.lifecycleState)) return false;
  if (instance.protectedFromScaleIn && preferences.scaleInProtectedInstances === "Ignore") return false;
  if (instance.lifecycleState.includes("Standby") && preferences.standbyInstances === "Ignore") return false;
  return !(preferences.skipMatching && targetVersion !== undefined && instance.launchTemplateVersion === targetVersion);
}

function refreshBatchSize(group: GroupInfo, preferences: RefreshPreferences): number {
  const desired = group.desiredCapacity;
  if (preferences.maxHealthyPercentage !== undefined) {
    return Math.max(1, Math.floor((desired * preferences.maxHealthyPercentage) / 100) - desired);
  }
  return Math.max(1, desired - Math.ceil((desired * preferences.minHealthyPercentage) / 100));
}
