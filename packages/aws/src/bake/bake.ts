import { DeployError, hasCode, isDeployError } from "@deploy/core";
import { bakeKey, bakeSettings, shortBakeKey } from "@deploy/release";
import type { AwsClients } from "../clients.ts";
import { checkArchitecture } from "../instance-types.ts";
import { resourceTags, type Tag, withUserTags } from "../tags.ts";
import { resolveBaseImage } from "./base-image.ts";
import { launchBuilder, stopBuilder, terminateBuilder, waitUntilReady } from "./builder.ts";
import { distribute } from "./distribute.ts";
import { type BakedImage, createImage, discardImage, findBakedImage, renderAmiName } from "./image.ts";
import { waitForImage } from "./image-wait.ts";
import { checkRecipeEnv, type FileResult, runRecipe } from "./recipe-run.ts";
import type { BakeContext, BakePhase, BakeRequest, BakeResult, RecipeResult, ResolvedBaseImage } from "./types.ts";
import type { BakeWait } from "./wait.ts";

/**
 * Bakes the AMI a request describes, or finds it: the bake key (base AMI, recipe, image,
 * settings) names what the AMI contains, and an AMI of this account tagged with the key is
 * that AMI. Found available, it is reused and no instance is launched; found pending (an
 * attempt that timed out while AWS was still making it), it is waited for. Otherwise a
 * builder is launched, the recipe runs on it over SSM, it is stopped and imaged, and it is
 * terminated whatever happens. Then the AMI is copied and shared where asked (only what is
 * missing). Everything made is tagged with the run and reported through `ctx.onCreated`
 * the moment it exists, for the post step's `sweepRun`.
 */
export async function bake(ctx: BakeContext, request: BakeRequest): Promise<BakeResult> {
  const clients = ctx.aws(request.region);
  const wait: BakeWait = {
    clock: ctx.clock,
    signal: ctx.signal,
    logger: ctx.logger,
    deadline: ctx.clock.now() + request.timeoutMs,
    intervalMs: request.pollIntervalMs,
  };
  const phases = phaseRecorder(ctx);
  phases.enter("resolving");
  checkRecipeEnv(request.recipeEnv);
  const base = await resolveBaseImage(clients, request.base, { clock: ctx.clock, signal: ctx.signal });
  const key = bakeKey({
    baseImageId: base.imageId,
    recipe: request.recipe,
    ...(request.image && { image: request.image }),
    settings: bakeSettings(request),
  });
  const name = renderAmiName(request.amiNameTemplate, {
    commit: ctx.run.commit,
    date: new Date(ctx.clock.now()),
    bakeKey: key,
  });
  ctx.logger.info(`Base AMI ${base.imageId} (${base.name}, ${base.source}); bake key ${key}.`);
  const imageTags = withUserTags(resourceTags(ctx.run, { role: "image", bakeKey: key }), request.tags);

  if (request.forceRebake) ctx.logger.info("force-rebake is set: baking without looking for an AMI with this key.");
  const found = request.forceRebake ? undefined : await reusable(clients, key, wait, phases);
  const { image, recipe } = found
    ? { image: found, recipe: undefined }
    : await bakeNew(ctx, request, { base, key, name, imageTags }, wait, phases);

  let amis: Record<string, string> = { [request.region]: image.imageId };
  let sharedWith: string[] = [];
  if (request.copyToRegions.length > 0 || request.shareWithAccounts.length > 0) {
    // distribute says when copying and sharing start.
    const distribution = await distribute(
      { ...ctx, onPhase: phases.enter },
      {
        sourceRegion: request.region,
        imageId: image.imageId,
        bakeKey: key,
        name: image.name,
        copyToRegions: request.copyToRegions,
        shareWithAccounts: request.shareWithAccounts,
        encrypt: request.encrypt,
        kmsKeyIds: request.kmsKeyIds,
        tags: imageTags,
        deadline: wait.deadline,
        pollIntervalMs: request.pollIntervalMs,
      },
    );
    amis = { ...amis, ...distribution.amis };
    sharedWith = distribution.sharedWith;
  }
  return {
    bakeKey: key,
    amis,
    reused: found !== undefined,
    base,
    ...(recipe && { recipe }),
    phases: phases.finish(),
    sharedWith,
  };
}

/**
 * The AMI for the key if there is one to use. A pending one is waited for; if it ends
 * failed or disappears (its run's post step swept it), the key has no AMI after all and
 * this bake makes one.
 */
async function reusable(
  clients: AwsClients,
  key: string,
  wait: BakeWait,
  phases: PhaseRecorder,
): Promise<BakedImage | undefined> {
  const found = await findBakedImage(clients, key);
  if (!found) {
    wait.logger.info(`No AMI in ${clients.region} has this bake key: baking one.`);
    return undefined;
  }
  if (found.state === "available") {
    wait.logger.info(`Reusing AMI ${found.imageId} (${found.name}): it has this bake key. No builder is launched.`);
    return found;
  }
  wait.logger.info(
    `AMI ${found.imageId} (${found.name}) with this bake key is still being made, by an earlier attempt or another job: waiting for it instead of baking it again.`,
  );
  phases.enter("imaging");
  try {
    await waitForImage(clients, found.imageId, {
      ...wait,
      about: "made by an earlier attempt",
      timeoutInput: "timeout",
    });
    return found;
  } catch (error) {
    if (!hasCode(error, "ImageFailed", "ImageNotFound")) throw error;
    wait.logger.warning(`${error.what} Baking a new one.`);
    return undefined;
  }
}

interface Bakeable {
  base: ResolvedBaseImage;
  key: string;
  name: string;
  imageTags: Tag[];
}

/** Launch, configure, image; the builder is terminated on every way out. */
async function bakeNew(
  ctx: BakeContext,
  request: BakeRequest,
  what: Bakeable,
  wait: BakeWait,
  phases: PhaseRecorder,
): Promise<{ image: BakedImage; recipe: RecipeResult }> {
  const clients = ctx.aws(request.region);
  const { region } = request;
  phases.enter("launching");
  await checkArchitecture(
    clients,
    { id: what.base.imageId, architecture: what.base.architecture },
    request.instanceType,
    {
      launches: "the builder's instance type",
      input: "instance-type",
    },
  );
  const instanceId = await launchBuilder(clients, {
    imageId: what.base.imageId,
    request,
    // The user's tags too: tag policies and cost reports apply to the builder as well.
    tags: withUserTags(resourceTags(ctx.run, { role: "builder", bakeKey: what.key }), {
      Name: `deploy bake-ami builder ${shortBakeKey(what.key)}`,
      ...request.tags,
    }),
  });
  try {
    ctx.onCreated?.({ kind: "instance", region, instanceId });
    ctx.logger.info(`Launched the builder ${instanceId} (${request.instanceType}) in ${region}.`);
    await waitUntilReady(clients, instanceId, wait);
    phases.enter("configuring");
    const files = await runRecipe(clients, instanceId, request.recipe, request.recipeEnv, wait);
    phases.enter("imaging");
    await stopBuilder(clients, instanceId, wait);
    const imageId = await imageBuilder(ctx, request, instanceId, what, wait);
    return { image: { imageId, state: "available", name: what.name }, recipe: summarize(files) };
  } finally {
    await terminateBuilder(clients, instanceId, wait);
  }
}

async function imageBuilder(
  ctx: BakeContext,
  request: BakeRequest,
  instanceId: string,
  what: Bakeable,
  wait: BakeWait,
): Promise<string> {
  const clients = ctx.aws(request.region);
  const { imageId, adopted } = await createImage(clients, {
    instanceId,
    name: what.name,
    description: `deploy bake-ami: ${what.base.imageId} + recipe, commit ${ctx.run.commit}, bake key ${what.key}`,
    bakeKey: what.key,
    tags: what.imageTags,
    adoptSameKey: !request.forceRebake,
  });
  if (adopted) {
    ctx.logger.info(`AMI ${imageId} already has the name ${what.name} and this bake key: using it.`);
  } else {
    ctx.onCreated?.({ kind: "image", region: clients.region, imageId });
    ctx.logger.info(`Creating AMI ${imageId} (${what.name}) from the builder.`);
  }
  try {
    await waitForImage(clients, imageId, { ...wait, about: `baked from ${instanceId}`, timeoutInput: "timeout" });
  } catch (error) {
    if (!isDeployError(error)) throw error;
    if (error.code === "Timeout") throw stillPending(imageId, error);
    if (error.code === "ImageFailed" && !adopted) {
      const deleted = await discardImage(clients, { ImageId: imageId }, { clock: ctx.clock });
      ctx.logger.info(
        `Deregistered the failed AMI ${imageId}${deleted.length ? ` and deleted ${deleted.join(", ")}` : ""}.`,
      );
    }
    throw error;
  }
  return imageId;
}

/** The image goes on being made after the wait gives up: a retry with the same inputs waits for it. */
function stillPending(imageId: string, timeout: DeployError): DeployError {
  return new DeployError({
    what: `AMI ${imageId} was not available before the timeout.`,
    why: timeout.why ?? timeout.what,
    fix: 'AWS goes on making it: run the job again (it waits for this AMI instead of baking another), and raise the "timeout" input if baking takes this long.',
    input: "timeout",
    code: "Timeout",
    cause: timeout,
  });
}

/** The recipe as one result (every file succeeded, or runRecipe threw): the last file's tail, each file's end. */
function summarize(files: FileResult[]): RecipeResult {
  return {
    status: "Success",
    exitCode: 0,
    outputTail: files.at(-1)?.outputTail ?? "",
    files: files.map(({ path, status, exitCode, ms }) => ({ path, status, exitCode, ms })),
  };
}

interface PhaseRecorder {
  /** Starts a phase (ending the one before); the same phase again changes nothing. */
  enter(phase: BakePhase): void;
  finish(): BakeResult["phases"];
}

function phaseRecorder(ctx: BakeContext): PhaseRecorder {
  const phases: BakeResult["phases"] = [];
  let current: { phase: BakePhase; at: number } | undefined;
  const close = () => {
    if (current) phases.push({ phase: current.phase, ms: ctx.clock.now() - current.at });
    current = undefined;
  };
  return {
    enter(phase) {
      if (current?.phase === phase) return;
      close();
      current = { phase, at: ctx.clock.now() };
      ctx.onPhase?.(phase);
    },
    finish() {
      close();
      return phases;
    },
  };
}
