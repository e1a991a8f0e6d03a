// The codes this package adds to ErrorCodes: imported so that every program that compiles it has them.
import "./error-codes.ts";
import {
  awsClients,
  type CreatedResource,
  compareGroups,
  makeAvailable,
  type ParityReport,
  stepContext,
} from "@deploy/aws";
import {
  actionsLogger,
  DeployError,
  inputs,
  isDeployError,
  type Logger,
  runContext,
  saveState,
  setOutput,
  systemClock,
} from "@deploy/core";
import { formatRelease, githubClient, planPromotion, type Release } from "@deploy/release";

import { readSettings, type Settings } from "./inputs.ts";
import { parityWarning, planLines, promotionSummary, refusedSummary } from "./summary.ts";

/**
 * The main step: read and check every input; plan on GitHub (the release that succeeded in
 * the source environment, its checks, its age, what the target runs now); compare the two
 * groups (read only); only then make the AMI available where the target runs (copies,
 * shares); output the release for rolling-replace and report. Nothing is rebuilt. The
 * regions are saved before the first AWS change and each copy as soon as it exists, so
 * that the post step can sweep copies a cancelled promotion left; "finished" is saved last.
 */
export async function run(signal: AbortSignal): Promise<void> {
  const started = systemClock.now();
  const logger = actionsLogger();
  const runCtx = runContext();
  const settings = readSettings(inputs, runCtx);
  let parity: ParityReport | undefined;
  try {
    const github = githubClient({ apiUrl: runCtx.apiUrl, token: settings.token, signal, logger });
    const plan = await logger.group("Plan", async () => {
      const plan = await planPromotion(github, { ...settings.promotion, now: new Date() });
      for (const line of planLines(plan, settings)) logger.info(line);
      return plan;
    });

    parity = await compareParity(settings, logger);
    if (settings.parity?.require) requireParity(parity, settings);

    saveState("regions", [settings.region, ...settings.copyToRegions]);
    const created: CreatedResource[] = [];
    const ctx = stepContext(runCtx, plan.release.commit, signal, logger, {
      onCreated: (resource) => {
        created.push(resource);
        saveState("created", created);
      },
    });
    const availability = await makeAvailable(ctx, {
      release: plan.release,
      region: settings.region,
      copyToRegions: settings.copyToRegions,
      ...(settings.targetAccount && { targetAccount: settings.targetAccount }),
      kmsKeyIds: settings.kmsKeyIds,
      deadline: systemClock.now() + settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
    });
    saveState("finished", true);

    const release: Release = { ...plan.release, amis: { ...plan.release.amis, ...availability.amis } };
    setPromoteOutputs(release, settings, plan.source.id, plan.rollback);
    const durationMs = systemClock.now() - started;
    await promotionSummary({ settings, plan, release, availability, parity, run: runCtx, durationMs }).write();
  } catch (error) {
    if (isDeployError(error)) await refusedSummary(error, settings, parity).write();
    throw error;
  }
}

/**
 * The two groups side by side, read only, before any copy is made: differences beyond
 * capacity and the environments' values are warnings (failures with require-parity).
 */
async function compareParity(settings: Settings, logger: Logger): Promise<ParityReport> {
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
    { clients: awsClients(groups.source.region), group: groups.source.group, environment: settings.promotion.from },
    { clients: awsClients(groups.target.region), group: groups.target.group, environment: settings.promotion.to },
  );
  for (const row of report.unexpected) logger.warning(parityWarning(row, settings));
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
