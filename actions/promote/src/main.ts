// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";
import {
  type AwsContext,
  type CreatedResource,
  compareGroups,
  forCommit,
  makeAvailable,
  type ParityReport,
} from "@deploy/aws";
import { DeployError, setOutput } from "@deploy/core";
import { formatRelease, githubClientFor, planPromotion, type Release } from "@deploy/release";
import { action } from "./action.ts";
import { readSettings, type Settings } from "./inputs.ts";
import { parityWarning, planLines, promotionSummary, refusedSummary } from "./summary.ts";

/**
 * The main step: read and check every input; plan on GitHub (the release that succeeded in
 * the source environment, its checks, its age, what the target runs now); compare the two
 * groups (read only); only then make the AMI available where the target runs (copies,
 * shares); output the release for rolling-replace and report. Nothing is rebuilt. The
 * regions are saved before the first AWS change and each copy as soon as it exists, so
 * that the post step can sweep copies a cancelled promotion left.
 */
export const run = action.main(async (step) => {
  const { ctx } = step;
  const { logger } = ctx;
  const settings = readSettings(step.inputs, ctx.run);
  let parity: ParityReport | undefined;
  // A refusal (or any failure of ours) says in the summary what was checked and why it stopped.
  step.onFailure((error) => (error instanceof DeployError ? refusedSummary(error, settings, parity) : undefined));

  const github = githubClientFor(ctx, settings.token);
  const plan = await logger.group("Plan", async () => {
    const plan = await planPromotion(ctx, github, settings.promotion);
    for (const line of planLines(plan, settings)) logger.info(line);
    return plan;
  });

  parity = await compareParity(ctx, settings);
  if (settings.parity?.require) requireParity(parity, settings);

  step.save("regions", [settings.region, ...settings.copyToRegions]);
  step.reach("changing");
  const created: CreatedResource[] = [];
  const availability = await makeAvailable(
    {
      ...forCommit(ctx, plan.release.commit),
      onCreated: (resource) => {
        created.push(resource);
        step.save("created", created);
      },
    },
    {
      release: plan.release,
      region: settings.region,
      copyToRegions: settings.copyToRegions,
      ...(settings.targetAccount && { targetAccount: settings.targetAccount }),
      kmsKeyIds: settings.kmsKeyIds,
      deadline: ctx.clock.now() + settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
    },
  );
  step.reach("settled");

  const release: Release = { ...plan.release, amis: { ...plan.release.amis, ...availability.amis } };
  setPromoteOutputs(release, settings, plan.source.id, plan.rollback);
  const durationMs = step.elapsedMs();
  await promotionSummary({ settings, plan, release, availability, parity, run: ctx.run, durationMs }).write();
});

/**
 * The two groups side by side, read only, before any copy is made: differences beyond
 * capacity and the environments' values are warnings (failures with require-parity).
 */
async function compareParity(ctx: AwsContext, settings: Settings): Promise<ParityReport> {
  const groups = settings.parity;
  if (!groups) {
    return {
      compared: false,
      why: "source-group and target-group are not set, so the groups were not compared (set both to see them side by side).",
      rows: [],
      differences: [],
      unexpected: [],
    };
  }
  const report = await compareGroups(
    ctx,
    { region: groups.source.region, group: groups.source.group, environment: settings.promotion.from },
    { region: groups.target.region, group: groups.target.group, environment: settings.promotion.to },
  );
  for (const row of report.unexpected) ctx.logger.warning(parityWarning(row, settings));
  return report;
}

function requireParity(report: ParityReport, settings: Settings): void {
  if (report.unexpected.length === 0) return;
  const { source, target } = settings.parity as NonNullable<Settings["parity"]>;
  throw new DeployError({
    what: `${settings.promotion.to} (${target.group}) is not like ${settings.promotion.from} (${source.group}): ${report.unexpected
      .map((r) => r.aspect)
      .join(", ")} differ.`,
    why: report.unexpected.map((r) => parityWarning(r, settings)).join(" "),
    fix: "Make the groups alike (the same launch template shape, health check type and zones; only capacity and the environments' values may differ), or remove require-parity to promote with warnings.",
    input: "require-parity",
    code: "ParityFailed",
  });
}

function setPromoteOutputs(release: Release, settings: Settings, sourceDeploymentId: number, rollback: boolean): void {
  setOutput("release", formatRelease(release));
  setOutput("ami-id", release.amis[settings.region] as string);
  setOutput("commit", release.commit);
  setOutput("image", release.image ?? "");
  setOutput("source-deployment-id", String(sourceDeploymentId));
  setOutput("rollback", String(rollback));
}
