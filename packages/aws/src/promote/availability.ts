import type { Release } from "@deploy/release";
import type { BakeContext } from "../bake/types.ts";

export interface AvailabilityRequest {
  release: Release;
  /** Where the target environment runs: its AMI is what the rollout uses. */
  region: string;
  /** More regions the AMI must be in. */
  copyToRegions: string[];
  /** 12-digit account the AMIs and their snapshots are shared with (the target environment's). */
  targetAccount?: string;
  /** KMS key per region for copies of encrypted AMIs. */
  kmsKeyIds?: Record<string, string>;
  /** When copies give up, epoch ms on the context's clock. */
  deadline?: number;
  /** First wait between two looks at a copy (default: distribute's). */
  pollIntervalMs?: number;
}

export interface Availability {
  /** AMI id per region: every region the release now has. */
  amis: Record<string, string>;
  /** The region copies were made from. */
  sourceRegion: string;
  /** Regions this call started a copy in. */
  copied: string[];
  sharedWith: string[];
}

/**
 * The release's AMI available in `region` and `copyToRegions`: the source AMI is checked to
 * exist and be available first, missing regions get a copy (distribute(): tagged, idempotent by
 * bake key), and every AMI asked for is shared (with its snapshots) with targetAccount.
 */
export async function makeAvailable(_ctx: BakeContext, _request: AvailabilityRequest): Promise<Availability> {
  throw new Error("not yet");
}
