import type { OnCancel, RolloutPlan, RolloutRequest, RolloutResult, SavedRollout } from "@deploy/aws";
import { formatDuration, link, type RunContext, type SummaryBuilder, summary } from "@deploy/core";
import { type DeploymentEnd, deploymentsUrl, type SavedDeployment } from "./deployment.ts";
import type { Settings } from "./inputs.ts";
import { outcomeLine } from "./result.ts";

const TITLE = "Rolling replace";

/** The plan as the log prints it, one fact a line; a dry run shows the same in its summary. */
export function planLines(plan: RolloutPlan, request: RolloutRequest): string[] {
  const { group, launchTemplate } = plan;
  const how =
    request.strategy === "blue-green"
      ? `a new group beside ${group.name}, which is kept out of traffic once the new one is healthy`
      : `an instance refresh of ${group.name}`;
  const lines = [
    `Group: ${group.name}, ${group.desiredCapacity} instances desired (${group.minSize} to ${group.maxSize})`,
    `Launch template: ${launchTemplate.name} (${launchTemplate.id}), version ${launchTemplate.currentVersion} now`,
    `Image: ${plan.currentImageId ?? "none"} -> ${plan.newImageId}`,
    ...plan.changes.map((c) => `Change: ${c.field}: ${c.from ?? "(unset)"} -> ${c.to ?? "(unset)"}`),
    `Rollout: ${how}`,
    `Instances to replace: ${plan.instancesToReplace}, in batches of ${plan.batches.join(", ") || "none"}`,
    `Estimated duration: ${formatDuration(plan.estimatedMs)}; timeout ${formatDuration(request.timeoutMs ?? plan.defaultTimeoutMs)}`,
  ];
  const running = plan.runningRefresh;
  if (running) {
    const then = running.startedByThisRun
      ? "this run started it: attaching to it"
      : `if-refresh-running is ${request.ifRefreshRunning}`;
    lines.push(`Running refresh: ${running.id} (${running.status}); ${then}`);
  }
  return lines;
}

export function planSummary(plan: RolloutPlan, settings: Settings): SummaryBuilder {
  return summary()
    .heading(`${TITLE}: dry run of ${plan.group.name}`)
    .paragraph("Nothing was changed. This is what a rollout would do:")
    .list(planLines(plan, settings.request))
    .table(
      ["Launch-template field", "Now", "Rollout"],
      plan.changes.map((c) => [c.field, c.from ?? "(unset)", c.to ?? "(unset)"]),
    );
}

export interface Rollout {
  plan: RolloutPlan;
  result: RolloutResult;
  settings: Settings;
  run: RunContext;
  deployment?: SavedDeployment;
  durationMs: number;
}

/** Before and after, the timeline, the result and where to look further. */
export function resultSummary({ plan, result, settings, run, deployment, durationMs }: Rollout): SummaryBuilder {
  const succeeded = result.status === "Successful";
  const image = (version: string) => (version === result.launchTemplateVersion ? plan.newImageId : plan.currentImageId);
  return summary()
    .heading(`${TITLE}: ${plan.group.name} ${succeeded ? "✅" : "❌"}`)
    .paragraph(`**${result.status}** in ${formatDuration(durationMs)}. ${outcomeLine(result)}`)
    .table(
      ["", "Before", "After"],
      [
        ["Auto Scaling group", plan.group.name, result.autoScalingGroup],
        ["Launch template version", result.previousLaunchTemplateVersion, result.activeLaunchTemplateVersion],
        ["Image", plan.currentImageId ?? "(unknown)", image(result.activeLaunchTemplateVersion) ?? "(unknown)"],
        ["Desired instances", plan.group.desiredCapacity, plan.group.desiredCapacity],
      ],
    )
    .mermaid(timelineChart(result.timeline, `Rollout of ${plan.newImageId} to ${plan.group.name}`, !succeeded))
    .list(links(settings, run, result.autoScalingGroup, deployment));
}

/** What the post step did with a rollout the main step did not finish. */
export function abandonedSummary(
  saved: SavedRollout | undefined,
  onCancel: OnCancel,
  outcome: { outcome: string; detail: string } | undefined,
  run: RunContext,
  deployment: SavedDeployment | undefined,
): SummaryBuilder {
  const group = saved ? (saved.strategy === "rolling" ? saved.groupName : saved.blueGroupName) : undefined;
  const body = summary().heading(`${TITLE}: the rollout${group ? ` to ${group}` : ""} did not finish`);
  if (outcome) body.paragraph(`on-cancel is **${onCancel}**: ${outcome.outcome}. ${outcome.detail}`);
  else body.paragraph("Nothing had been started on AWS.");
  return body.list(postLinks(run, deployment));
}

/** What the post step did after a rollout that settled but whose main step failed to report it. */
export function settledSummary(
  settled: DeploymentEnd | undefined,
  run: RunContext,
  deployment: SavedDeployment | undefined,
): SummaryBuilder {
  const body = summary().heading(`${TITLE}: the rollout settled, but the step failed after it`);
  body.paragraph(
    `${settled?.description ?? "The rollout had settled."} Nothing was changed on AWS after it: a failure after a rollout settled never undoes it.`,
  );
  if (deployment) {
    body.paragraph(
      settled
        ? `Deployment ${deployment.id} to ${deployment.environment} was marked **${settled.state}** by the post step.`
        : `Deployment ${deployment.id} to ${deployment.environment} could not be marked: the main step saved no outcome.`,
    );
  }
  return body.list(postLinks(run, deployment));
}

/** The run, and the environment's deployments when there is a record. */
function postLinks(run: RunContext, deployment: SavedDeployment | undefined): string[] {
  const items = [link("Workflow run", run.runUrl)];
  if (deployment) {
    items.push(link(`Deployments to ${deployment.environment}`, deploymentsUrl(run, deployment.environment)));
  }
  return items;
}

/**
 * A Mermaid gantt of the rollout: each event lasts until the next, and the last is a
 * milestone. Times are the clock's milliseconds (`dateFormat x`).
 */
export function timelineChart(timeline: RolloutResult["timeline"], title: string, failed: boolean): string {
  const lines = [
    "gantt",
    `  title ${mermaidText(title)}`,
    "  dateFormat x",
    "  axisFormat %H:%M:%S",
    "  section Rollout",
  ];
  timeline.forEach((event, i) => {
    const next = timeline[i + 1];
    const tags = next ? "done" : failed ? "crit, milestone" : "milestone";
    lines.push(`  ${mermaidText(event.event)} :${tags}, e${i}, ${event.at}, ${next ? next.at : event.at}`);
  });
  return lines.join("\n");
}

/** Gantt task names end at a colon, and `#` and `;` start comments and statements. */
function mermaidText(text: string): string {
  return text.replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();
}

function links(settings: Settings, run: RunContext, group: string, deployment: SavedDeployment | undefined): string[] {
  const { region } = settings.request;
  const console = `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#AutoScalingGroupDetails:id=${encodeURIComponent(group)}`;
  const items = [link("Workflow run", run.runUrl), link(`Auto Scaling group ${group}`, console)];
  if (deployment) {
    items.push(
      link(`Deployment ${deployment.id} to ${deployment.environment}`, deploymentsUrl(run, deployment.environment)),
    );
  }
  if (deployment?.environmentUrl) items.push(link(deployment.environmentUrl, deployment.environmentUrl));
  return items;
}
