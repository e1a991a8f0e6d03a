import type { Availability, CreatedResource, ParityReport, ParityRow, Swept } from "@deploy/aws";
import { type DeployError, formatDuration, link, type RunContext, type SummaryBuilder, summary } from "@deploy/core";
import type { FoundDeployment, PromotionPlan, Release } from "@deploy/release";
import type { Settings } from "./inputs.ts";

const TITLE = "Promote";

export interface Promotion {
  settings: Settings;
  plan: PromotionPlan;
  /** The release as output: the plan's with the AMIs of every region it now has. */
  release: Release;
  availability: Availability;
  parity: ParityReport;
  run: RunContext;
  durationMs: number;
}

/** The plan as the log prints it, one fact a line. */
export function planLines(plan: PromotionPlan, settings: Settings): string[] {
  const { source, release, current } = plan;
  return [
    `Release: ${release.commit} (${release.image ?? "no container image"}), made ${release.createdAt}, ${formatDuration(plan.ageMs)} ago`,
    `From: ${settings.promotion.from} deployment ${source.id}, succeeded (${source.state})`,
    ...plan.skipped.map(
      (s) => `Passed over: ${settings.promotion.from} deployment ${s.id} of ${s.commit.slice(0, 7)}: ${s.reason}`,
    ),
    `${settings.promotion.to} runs now: ${current ? `${current.release.commit.slice(0, 7)} (deployment ${current.id})` : "nothing recorded"}`,
    ...plan.checks.map((c) => `Check ${c.name}: ${c.conclusion}`),
    ...plan.notes,
  ];
}

/** A difference the log warns about (a failure with require-parity). */
export function parityWarning(row: ParityRow, settings: Settings): string {
  return `${row.aspect} differs: ${settings.promotion.from} has ${row.source}, ${settings.promotion.to} has ${row.target}.`;
}

/**
 * What is promoted and from where, what was passed over and why, what the target runs now,
 * the checks, the AMIs per region, the two groups side by side.
 */
export function promotionSummary(p: Promotion): SummaryBuilder {
  const { settings, plan, release, run } = p;
  const { from, to } = settings.promotion;
  const short = release.commit.slice(0, 7);
  const amiId = release.amis[settings.region] as string;
  const body = summary()
    .heading(`${TITLE} ${from} → ${to}: ${short} ✅`)
    .paragraph(
      `Promoted the release of ${commitLink(run, release.commit)} that ${sourceLine(plan.source, run, from)}. ` +
        `Nothing was rebuilt: ${to} gets the AMI and image ${from} ran. ${formatDuration(p.durationMs)} in all.`,
    )
    .table(
      ["", ""],
      [
        ["Commit", commitLink(run, release.commit)],
        ["Image", release.image ? `\`${release.image}\`` : "none (the release has no container image)"],
        [`AMI in ${settings.region}`, amiLink(settings.region, amiId)],
        [
          "Made",
          `${release.createdAt} by ${link(`run ${release.run.id}`, release.run.url)}, ${formatDuration(plan.ageMs)} ago`,
        ],
        [`${from} deployment`, deploymentLine(plan.source, run)],
      ],
    );
  if (plan.skipped.length > 0) {
    body.paragraph(`Newer ${from} deployments passed over:`).table(
      ["Deployment", "Commit", "Latest status", "Why"],
      plan.skipped.map((s) => [String(s.id), s.commit.slice(0, 7), s.state ?? "(not read)", s.reason]),
    );
  }
  body.heading(`What ${to} runs`, 3).table(["", `${to} now`, "Promoted"], nowAndNext(plan.current, release, settings));
  if (plan.notes.length > 0) body.list(plan.notes);
  body.heading("Checks", 3);
  if (plan.checks.length === 0) body.paragraph('No required checks ("required-checks" is empty).');
  else {
    body.table(
      ["Check", "Conclusion"],
      plan.checks.map((c) => [c.url ? link(c.name, c.url) : c.name, c.passed ? `${c.conclusion} ✅` : c.conclusion]),
    );
  }
  body.heading("AMIs", 3).table(["Region", "AMI", ""], amiRows(p));
  body.heading("Parity", 3);
  parityBlock(body, p.parity, settings);
  return body.list([link("Workflow run", run.runUrl)]);
}

/** A promotion refused (or that failed) before anything was promoted: what and why, and how to fix it. */
export function refusedSummary(error: DeployError, settings: Settings, parity?: ParityReport): SummaryBuilder {
  const body = summary()
    .heading(`${TITLE} ${settings.promotion.from} → ${settings.promotion.to}: refused ❌`)
    .paragraph([`**${error.what}**`, error.why].filter(Boolean).join(" "))
    .paragraph(`Fix: ${error.fix}`);
  if (parity) {
    body.heading("Parity", 3);
    parityBlock(body, parity, settings);
  }
  return body;
}

/** The two groups side by side; differences marked, the unexpected ones as warnings. */
function parityBlock(body: SummaryBuilder, report: ParityReport, settings: Settings): void {
  const groups = settings.parity;
  if (!report.compared || !groups) {
    body.paragraph(`Not compared: ${report.why ?? "source-group and target-group are not set."}`);
    return;
  }
  const verdict =
    report.unexpected.length === 0
      ? `The groups differ only where environments may (${report.differences.map((d) => d.aspect).join(", ") || "nowhere"}).`
      : `${report.unexpected.length} difference${report.unexpected.length === 1 ? "" : "s"} beyond capacity and the environments' values: ${
          groups.require ? "require-parity fails the promotion." : "warnings (require-parity would fail the promotion)."
        }`;
  body.paragraph(verdict).table(
    [
      "Aspect",
      `${settings.promotion.from}: ${groups.source.group} (${groups.source.region})`,
      `${settings.promotion.to}: ${groups.target.group} (${groups.target.region})`,
      "",
    ],
    report.rows.map((r) => [
      r.aspect,
      r.source,
      r.target,
      r.same ? "same" : r.expected ? "differs (expected)" : "differs ⚠️",
    ]),
  );
}

function nowAndNext(current: FoundDeployment | undefined, release: Release, settings: Settings): string[][] {
  const region = settings.region;
  const now = current?.release;
  return [
    ["Commit", now ? now.commit.slice(0, 7) : "(nothing recorded)", release.commit.slice(0, 7)],
    ["Image", now?.image ?? "—", release.image ?? "—"],
    [`AMI in ${region}`, now?.amis[region] ?? "—", release.amis[region] ?? "—"],
    ["Made", now?.createdAt ?? "—", release.createdAt],
    ["Deployment", current ? `${current.id}` : "—", "(rolled out next)"],
  ];
}

function amiRows({ release, availability, settings }: Promotion): string[][] {
  const shared = availability.sharedWith.length > 0 ? `, shared with ${availability.sharedWith.join(", ")}` : "";
  return Object.entries(release.amis).map(([region, id]) => {
    const how = availability.copied.includes(region)
      ? `copied from ${availability.sourceRegion} now`
      : region in availability.amis
        ? region === availability.sourceRegion
          ? "the release's own"
          : "copy found (same bake key)"
        : "in the release, not needed here";
    const where = region === settings.region ? ` (${settings.promotion.to})` : "";
    return [`${region}${where}`, amiLink(region, id), region in availability.amis ? `${how}${shared}` : how];
  });
}

function sourceLine(source: FoundDeployment, run: RunContext, from: string): string {
  return `succeeded in ${from} as deployment ${link(String(source.id), deploymentsUrl(run, from))}${
    source.logUrl ? ` (${link("its run", source.logUrl)})` : ""
  }`;
}

function deploymentLine(source: FoundDeployment, run: RunContext): string {
  const state =
    source.state === "inactive" ? "success, since superseded by a deployment not made by deploy" : "success";
  return `${link(String(source.id), deploymentsUrl(run, source.environment))} of ${source.createdAt}, ${state}${
    source.environmentUrl ? `, ${link(source.environmentUrl, source.environmentUrl)}` : ""
  }`;
}

/** What the post step removed after a promotion whose copies did not finish. */
export function sweepSummary(
  swept: Swept,
  created: readonly CreatedResource[],
  regions: readonly string[],
  run: RunContext,
) {
  const removed = [
    ...swept.deregistered.map((id) => `Deregistered the unfinished copy ${id}`),
    ...swept.deletedSnapshots.map((id) => `Deleted the snapshot ${id}`),
  ];
  const kept = created.flatMap((r) =>
    r.kind === "image" && !swept.deregistered.includes(r.imageId)
      ? [`Copy ${amiLink(r.region, r.imageId)} in ${r.region}: finished, kept (the next promotion reuses it)`]
      : [],
  );
  const body = summary()
    .heading(`${TITLE}: the promotion did not finish`)
    .paragraph(
      removed.length > 0
        ? `The post step removed the copies this run attempt left unfinished in ${regions.join(", ")}:`
        : `The post step found no unfinished copy of this run attempt in ${regions.join(", ")}.`,
    );
  if (removed.length > 0) body.list(removed);
  if (kept.length > 0) body.list(kept);
  return body.list([link("Workflow run", run.runUrl)]);
}

function commitLink(run: RunContext, commit: string): string {
  return link(commit.slice(0, 7), `${run.serverUrl}/${run.repository}/commit/${commit}`);
}

function deploymentsUrl(run: RunContext, environment: string): string {
  return `${run.serverUrl}/${run.repository}/deployments/${encodeURIComponent(environment)}`;
}

function amiLink(region: string, id: string): string {
  return link(id, `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#ImageDetails:imageId=${id}`);
}
