import { DeployError } from "@deploy/core";
import { amiFor, type Release } from "@deploy/release";
import { type Distribution, distribute } from "../bake/distribute.ts";
import type { BakeContext } from "../bake/types.ts";
import { forCommit } from "../clients.ts";
import { checkImage, type ImageInfo } from "../images.ts";
import { TAG } from "../tags.ts";

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
 * The release's AMI available in `region` and `copyToRegions`. The copies come from the
 * target region's AMI when the release has one there, else from its first region. First every
 * AMI the release already has in those regions (and the source) is checked to exist and be
 * available (checkImage: a clear error naming the AMI and region); then distribute() copies to
 * the regions the release lacks (tagged, idempotent by bake key: a re-run finds its copies) and
 * shares every AMI asked for, with its snapshots, with targetAccount.
 *
 * Copies are tagged with the release's commit (not the promoting run's) and the run's run tag,
 * so the post step's sweepRun finds those a cancelled promotion left pending.
 */
export async function makeAvailable(ctx: BakeContext, request: AvailabilityRequest): Promise<Availability> {
  const { release, region } = request;
  const regions = Object.keys(release.amis);
  const sourceRegion = release.amis[region] ? region : regions[0];
  if (sourceRegion === undefined) amiFor(release, region);
  const source = sourceRegion as string;
  const asked = [...new Set([region, ...request.copyToRegions])];
  const missing = asked.filter((r) => !release.amis[r]);
  const present = [source, ...asked.filter((r) => r !== source && release.amis[r])];

  const images = await Promise.all(
    present.map(async (r) => ({ region: r, image: await checkImage(ctx.aws(r), amiFor(release, r), ctx) })),
  );
  const sourceImage = images[0]?.image as ImageInfo;
  const bakeKey = release.bakeKey ?? sourceImage.tags[TAG.bakeKey];
  if (missing.length > 0 && !bakeKey) throw noBakeKey(release, sourceImage.id, source, missing);

  const accounts = request.targetAccount ? [request.targetAccount] : [];
  const forRelease = forCommit(ctx, release.commit);
  const distributions = await Promise.all(
    images.map(({ region: r, image }): Promise<Distribution> | Distribution => {
      const copyTo = r === source ? missing : [];
      if (copyTo.length === 0 && accounts.length === 0) return { amis: { [r]: image.id }, copied: [], sharedWith: [] };
      return distribute(forRelease, {
        sourceRegion: r,
        imageId: image.id,
        // Only copies look for an image by bake key; a region that only shares needs none.
        bakeKey: bakeKey ?? "",
        name: image.name ?? image.id,
        copyToRegions: copyTo,
        shareWithAccounts: accounts,
        encrypt: false,
        kmsKeyIds: request.kmsKeyIds ?? {},
        // AWS reserves the aws: prefix; the suite's own tags are this run's whatever the source's say.
        tags: Object.entries(image.tags)
          .filter(([key]) => !key.startsWith("aws:"))
          .map(([Key, Value]) => ({ Key, Value })),
        ...(request.deadline !== undefined && { deadline: request.deadline }),
        ...(request.pollIntervalMs !== undefined && { pollIntervalMs: request.pollIntervalMs }),
      });
    }),
  );
  const amis = { ...release.amis };
  for (const d of distributions) Object.assign(amis, d.amis);
  return {
    amis,
    sourceRegion: source,
    copied: distributions.flatMap((d) => d.copied),
    sharedWith: accounts,
  };
}

function noBakeKey(release: Release, imageId: string, region: string, missing: string[]): DeployError {
  return new DeployError({
    what: `Cannot copy AMI ${imageId} from ${region} to ${missing.join(", ")}: the release has no bake key.`,
    why: `Copies are found again by their bake key (so a re-run reuses them instead of copying twice), and neither the release of ${release.commit.slice(0, 7)} nor the AMI's ${TAG.bakeKey} tag has one: the AMI was not baked by bake-ami.`,
    fix: `Bake the release with bake-ami, listing ${missing.join(", ")} in its "regions" input, or copy the AMI there yourself and roll out its id.`,
    input: "copy-to-regions",
    code: "NoBakeKey",
  });
}
