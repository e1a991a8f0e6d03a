import { formatDuration, link, type RunContext, type SummaryBuilder, summary } from "@deploy/core";
import type { Settings } from "./inputs.ts";
import { imageByDigest, type Outcome } from "./outcome.ts";

const TITLE = "Build image";

/** Image, digest, tag, labels, built or skipped, how long it took. */
export function imageSummary(
  settings: Settings,
  outcome: Outcome,
  run: RunContext,
  durationMs: number,
): SummaryBuilder {
  const reference = `${settings.image.name}:${settings.tag}`;
  const image = imageByDigest(settings, outcome);
  const result = outcome.skipped ? "skipped" : settings.push ? "built and pushed" : "built, not pushed";
  const how = outcome.skipped
    ? `Skipped: the registry has **${reference}** already, so nothing was built or pushed.`
    : settings.push
      ? `Built **${reference}** with ${settings.builder} and pushed it.`
      : `Built **${reference}** with ${settings.builder}; not pushed ("push" is false).`;
  const body = summary()
    .heading(`${TITLE}: ${settings.image.name} ✅`)
    .paragraph(`${how} ${formatDuration(durationMs)} in all.`)
    .table(
      ["", ""],
      [
        ["Image", image ? `\`${image}\`` : "none: not pushed"],
        ["Digest", outcome.digest ? `\`${outcome.digest}\`` : "none: not pushed"],
        ["Tag", `\`${settings.tag}\``],
        ["Result", result],
        ["Builder", outcome.skipped ? "none" : settings.builder],
        ["Platforms", settings.platforms.join(", ") || "the builder's own"],
        ["Duration", formatDuration(durationMs)],
      ],
    );
  const labels = Object.entries(outcome.labels ?? {});
  if (labels.length > 0) body.table(["Label", "Value"], labels);
  else if (outcome.skipped) body.paragraph("The existing image's labels could not be read.");
  return body.list([link("Workflow run", run.runUrl)]);
}
