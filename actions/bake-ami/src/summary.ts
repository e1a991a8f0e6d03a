import type { BakePhase, BakeResult, CreatedResource, RecipeResult, Swept } from "@deploy/aws";
import { formatDuration, link, type RunContext, type SummaryBuilder, summary } from "@deploy/core";
import type { Settings } from "./inputs.ts";

const TITLE = "Bake AMI";

/** The log line each phase starts with. */
export const PHASE_LINES: Record<BakePhase, string> = {
  resolving: "Bake phase resolving: finding the base AMI and computing the bake key.",
  launching: "Bake phase launching: starting the builder and waiting for its SSM agent.",
  configuring: "Bake phase configuring: running the recipe on the builder over SSM.",
  imaging: "Bake phase imaging: stopping the builder and making the AMI.",
  copying: "Bake phase copying: copying the AMI to the other regions.",
  sharing: "Bake phase sharing: granting the accounts launch and snapshot permissions.",
};

/** Base AMI, bake key, reused or baked, the recipe, each phase's duration, the AMIs per region. */
export function bakeSummary(
  result: BakeResult,
  settings: Settings,
  run: RunContext,
  durationMs: number,
): SummaryBuilder {
  const { region } = settings.request;
  const ami = result.amis[region] as string;
  const { base } = result;
  const how = result.reused
    ? `Reused **${ami}**: an AMI with this bake key existed, so no builder was launched.`
    : `Baked **${ami}** from ${base.imageId} and the recipe.`;
  const body = summary()
    .heading(`${TITLE}: ${ami} ✅`)
    .paragraph(`${how} ${formatDuration(durationMs)} in all.`)
    .table(
      ["", ""],
      [
        ["Base AMI", `${base.imageId} (${base.name}), from ${base.source}`],
        ["Bake key", `\`${result.bakeKey}\``],
        ["Result", result.reused ? "reused" : "baked"],
        ["Recipe", recipeLine(result.recipe, settings)],
        ["Shared with", result.sharedWith.join(", ") || "no other account"],
      ],
    )
    .table(
      ["Region", "AMI"],
      Object.entries(result.amis).map(([r, id]) => [r, link(id, amiConsole(r, id))]),
    )
    .phases(result.phases.map(({ phase, ms }) => ({ name: phase, ms, outcome: "succeeded" })));
  const files = result.recipe?.files ?? [];
  if (files.length > 0) {
    body.table(
      ["Recipe file", "Status", "Exit code", "Duration"],
      files.map((f) => [f.path, f.status, f.exitCode, formatDuration(f.ms)]),
    );
  }
  return body.list([link("Workflow run", run.runUrl)]);
}

function recipeLine(recipe: RecipeResult | undefined, settings: Settings): string {
  const count = settings.request.recipe.length;
  const files = `${count} file${count === 1 ? "" : "s"}`;
  if (!recipe) return `not run (${files}): the AMI was reused`;
  return `${recipe.status}, exit code ${recipe.exitCode} (${files})`;
}

/** What the post step removed after a bake that did not finish, and what it kept. */
export function sweepSummary(
  swept: Swept,
  created: readonly CreatedResource[],
  regions: readonly string[],
  run: RunContext,
): SummaryBuilder {
  const removed = [
    ...swept.terminated.map((id) => `Terminated the builder ${id}`),
    ...swept.deregistered.map((id) => `Deregistered the unfinished AMI ${id}`),
    ...swept.deletedSnapshots.map((id) => `Deleted the snapshot ${id}`),
  ];
  // The sweep takes builders that are not terminated yet: one it did not take had already
  // been terminated by the main step on its way out.
  const ended = created.flatMap((r) =>
    r.kind === "instance" && !swept.terminated.includes(r.instanceId)
      ? [`Builder ${r.instanceId} in ${r.region}: already terminated by the main step`]
      : [],
  );
  const ami = (r: { region: string; imageId: string }) =>
    `AMI ${link(r.imageId, amiConsole(r.region, r.imageId))} in ${r.region}`;
  // Images still pending were swept unless handed over; the others kept had become available.
  const createdImages = created.flatMap((r) => (r.kind === "image" ? [r] : []));
  const handedOver = createdImages.filter((r) => swept.kept.includes(r.imageId)).map(ami);
  const kept = createdImages
    .filter((r) => !swept.deregistered.includes(r.imageId) && !swept.kept.includes(r.imageId))
    .map(ami);
  const body = summary()
    .heading(`${TITLE}: the bake did not finish`)
    .paragraph(
      removed.length > 0
        ? `The post step removed what this run attempt left unfinished in ${regions.join(", ")}:`
        : `The post step found nothing of this run attempt left unfinished in ${regions.join(", ")}.`,
    );
  if (removed.length > 0) body.list(removed);
  if (ended.length > 0) body.list(ended);
  if (handedOver.length > 0) {
    body
      .paragraph(
        "Kept for the retry, still pending: the bake timed out while AWS was making them, and AWS finishes them by itself. Run the job again with the same inputs: it finds them by their bake key and waits for them instead of baking again.",
      )
      .list(handedOver);
  }
  if (kept.length > 0) {
    body.paragraph("Kept, as they were finished (a bake with the same key reuses them):").list(kept);
  }
  return body.list([link("Workflow run", run.runUrl)]);
}

function amiConsole(region: string, imageId: string): string {
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#ImageDetails:imageId=${imageId}`;
}
