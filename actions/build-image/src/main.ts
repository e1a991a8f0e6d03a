// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";
import { type Context, DeployError, defineAction } from "@deploy/core";
import { type BuildPlan, build } from "./builders.ts";
import { isLoopbackRegistry } from "./image-name.ts";
import { readSettings, type Settings } from "./inputs.ts";
import { imageLabels } from "./labels.ts";
import { imageByDigest, imageRelease, type Outcome, setImageOutputs, tagExists } from "./outcome.ts";
import { systemTools } from "./process.ts";
import { type RegistryClient, registryClient } from "./registry.ts";
import { imageSummary } from "./summary.ts";

/**
 * The main step: read and check every input, ask the registry whether the commit's tag
 * exists, then skip (returning the digest it has) or build and push, and report the digest
 * the registry serves. A tag is never pushed twice.
 */
export const run = defineAction({ state: {} }).main(async (step) => {
  const { ctx } = step;
  const { logger, signal } = ctx;
  const settings = await readSettings(step.inputs, ctx.run, systemTools());
  const { image, tag } = settings;
  const registry = registryClient(image.registry);

  // Without push nothing can be overwritten, and the registry need not be asked (or logged in to).
  const existing = settings.push ? await registry.tagDigest(image.repository, tag, signal) : undefined;
  let outcome: Outcome;
  if (existing !== undefined) {
    if (!settings.skipIfExists) throw tagExists(settings, existing);
    logger.info(`${image.name}:${tag} exists already (${existing}): skipping the build.`);
    outcome = {
      skipped: true,
      digest: existing,
      labels: await servedLabels(ctx, registry, settings, existing),
    };
  } else {
    const labels = imageLabels(ctx.run, settings.labels, new Date(ctx.clock.now()));
    const digest = await buildAndPush(ctx, settings, labels, registry);
    outcome = { skipped: false, ...(digest !== undefined && { digest }), labels };
  }

  const durationMs = step.elapsedMs();
  const byDigest = imageByDigest(settings, outcome);
  const release = byDigest === undefined ? undefined : imageRelease(ctx, byDigest);
  setImageOutputs(settings, outcome, release, durationMs);
  await imageSummary(settings, outcome, ctx.run, durationMs).write();
});

/** Builds, pushes, and returns the digest the registry serves for the tag once pushed. */
async function buildAndPush(
  ctx: Context,
  settings: Settings,
  labels: Record<string, string>,
  registry: RegistryClient,
): Promise<string | undefined> {
  const { logger, signal } = ctx;
  const { image, tag, builder } = settings;
  if (settings.cache && builder !== "docker") logger.warning('"cache" is for Buildx; buildah builds without it.');
  const plan: BuildPlan = {
    reference: `${image.name}:${tag}`,
    context: settings.context,
    file: settings.file,
    labels,
    buildArgs: settings.buildArgs,
    platforms: settings.platforms,
    push: settings.push,
    ...(settings.cache && { cacheScope: `build-image-${image.repository.replaceAll("/", "-")}` }),
    insecure: isLoopbackRegistry(image.registry),
  };
  const pushed = await logger.group(`Building ${plan.reference} with ${builder}`, () =>
    build(builder, plan, { logger, signal }),
  );
  if (pushed === undefined) return undefined;
  const served = await registry.tagDigest(image.repository, tag, signal);
  if (served !== pushed) {
    throw new DeployError({
      what: `The registry does not serve the image just pushed as ${plan.reference}.`,
      why: `${builder} pushed ${pushed}, and the registry serves ${served ?? "nothing"} for the tag: another job may have pushed the same tag at the same moment.`,
      fix: "Turn on tag immutability in the registry (ECR: imageTagMutability IMMUTABLE) so that a second push fails, and run the job again.",
      code: "DigestMismatch",
    });
  }
  logger.info(`Pushed ${image.name}@${served}.`);
  return served;
}

/** The labels of the image a skipped build found, for the summary; none when they cannot be read. */
async function servedLabels(
  ctx: Context,
  registry: RegistryClient,
  settings: Settings,
  digest: string,
): Promise<Record<string, string> | undefined> {
  try {
    return (await registry.imageConfig(settings.image.repository, digest, ctx.signal)).labels;
  } catch (error) {
    ctx.logger.warning(`Could not read the labels of ${settings.image.name}@${digest}: ${(error as Error).message}`);
    return undefined;
  }
}
