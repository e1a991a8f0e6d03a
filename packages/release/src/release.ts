import { type Context, DeployError } from "@deploy/core";

/**
 * The release: the immutable thing promoted from stage to production. It travels between
 * steps and jobs as the `release` output/input and is stored in the payload of a GitHub
 * Deployment. The schema is versioned so that an old payload read by a newer action is
 * recognised rather than misread.
 */
export interface Release {
  schema: 1;
  /** Full commit sha. */
  commit: string;
  /** `owner/name`. */
  repository: string;
  /** Container image by digest, `registry/repo@sha256:...`, when the release has one. */
  image?: string;
  /** AMI id per region. */
  amis: Record<string, string>;
  bakeKey?: string;
  /** ISO 8601. */
  createdAt: string;
  run: { id: number; attempt: number; url: string };
}

export const RELEASE_SCHEMA = 1;

const SHA = /^[0-9a-f]{40}$/;
const AMI = /^ami-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const IMAGE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/**
 * Reads a release from JSON text or a parsed value, checking every field. `about` names
 * where it came from (`Input "release"`, `The payload of deployment 42`) in the error.
 */
export function parseRelease(value: unknown, about = 'Input "release"'): Release {
  const fail = (
    why: string,
    fix = "Pass the `release` output of build-image, bake-ami or promote unchanged.",
  ): never => {
    throw new DeployError({ what: `${about} is not a valid release record.`, why, fix, code: "InvalidRelease" });
  };
  let record: unknown = value;
  if (typeof value === "string") {
    try {
      record = JSON.parse(value);
    } catch {
      fail(`It is not JSON: "${value.length > 80 ? `${value.slice(0, 80)}...` : value}".`);
    }
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return fail("It is not a JSON object.");
  const r = record as Record<string, unknown>;
  if (r.schema !== RELEASE_SCHEMA) {
    return fail(
      `Its schema is ${JSON.stringify(r.schema)}; this version of the suite reads schema ${RELEASE_SCHEMA}.`,
      "Use the same major version of the deploy actions for every step of the pipeline.",
    );
  }
  const str = (key: string, pattern?: RegExp, optional = false): string | undefined => {
    const v = r[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string" || (pattern && !pattern.test(v))) return fail(`Field "${key}" is ${JSON.stringify(v)}.`);
    return v;
  };
  const commit = str("commit", SHA) as string;
  const repository = str("repository", /^[\w.-]+\/[\w.-]+$/) as string;
  const image = str("image", IMAGE, true);
  const bakeKey = str("bakeKey", /^sha256:[0-9a-f]{64}$/, true);
  const createdAt = str("createdAt") as string;
  if (Number.isNaN(Date.parse(createdAt))) fail(`Field "createdAt" is ${JSON.stringify(createdAt)}, not a date.`);
  const amis = r.amis;
  if (typeof amis !== "object" || amis === null || Array.isArray(amis)) return fail('Field "amis" is not an object.');
  for (const [region, ami] of Object.entries(amis)) {
    if (!REGION.test(region) || typeof ami !== "string" || !AMI.test(ami)) {
      fail(`Field "amis" maps ${JSON.stringify(region)} to ${JSON.stringify(ami)}.`);
    }
  }
  const run = r.run as Record<string, unknown> | undefined;
  if (
    typeof run !== "object" ||
    run === null ||
    !Number.isInteger(run.id) ||
    !Number.isInteger(run.attempt) ||
    typeof run.url !== "string"
  ) {
    return fail(`Field "run" is ${JSON.stringify(run)}.`);
  }
  return {
    schema: 1,
    commit,
    repository,
    ...(image !== undefined && { image }),
    amis: { ...(amis as Record<string, string>) },
    ...(bakeKey !== undefined && { bakeKey }),
    createdAt,
    run: { id: run.id as number, attempt: run.attempt as number, url: run.url },
  };
}

/**
 * A new release made by this run, of its commit: for a step that starts a pipeline rather
 * than extending a release it was given (bake-ami without `release`, rolling-replace with
 * a plain `ami-id`), so that what travels on and what deployments record is a release either way.
 */
export function releaseOf(
  ctx: Pick<Context, "run" | "clock">,
  made: { amis: Record<string, string>; image?: string; bakeKey?: string },
): Release {
  const { run } = ctx;
  return {
    schema: 1,
    commit: run.commit,
    repository: run.repository,
    ...(made.image !== undefined && { image: made.image }),
    amis: { ...made.amis },
    ...(made.bakeKey !== undefined && { bakeKey: made.bakeKey }),
    createdAt: new Date(ctx.clock.now()).toISOString(),
    run: { id: Number(run.runId), attempt: Number(run.runAttempt), url: run.runUrl },
  };
}

/** The AMI of `region`, or an error that says which regions the release has. */
export function amiFor(release: Release, region: string): string {
  const ami = release.amis[region];
  if (!ami) {
    const regions = Object.keys(release.amis);
    throw new DeployError({
      what: `The release of ${release.commit.slice(0, 7)} has no AMI in ${region}.`,
      why: regions.length ? `It has AMIs in ${regions.join(", ")}.` : "It has no AMIs at all.",
      fix: `Add ${region} to bake-ami's "regions" input, or let promote copy the AMI there ("copy-to-regions").`,
      code: "NoAmiForRegion",
    });
  }
  return ami;
}

/** The release as JSON with its keys in one order, so the same release is the same text. */
export function formatRelease(release: Release): string {
  const amis = Object.fromEntries(Object.entries(release.amis).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({
    schema: release.schema,
    commit: release.commit,
    repository: release.repository,
    image: release.image,
    amis,
    bakeKey: release.bakeKey,
    createdAt: release.createdAt,
    run: { id: release.run.id, attempt: release.run.attempt, url: release.run.url },
  });
}
