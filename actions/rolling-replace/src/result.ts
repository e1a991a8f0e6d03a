import type { RolloutPlan, RolloutResult, RolloutStatus } from "@deploy/aws";
import { DeployError, setOutput } from "@deploy/core";
import type { DeploymentState } from "@deploy/release";
import type { SavedDeployment } from "./deployment.ts";

/** How each end of a rollout reads after "The rollout to <group>". */
const ENDED: Record<RolloutStatus, string> = {
  Successful: "succeeded",
  Failed: "failed",
  Cancelled: "was cancelled",
  RollbackSuccessful: "failed and was rolled back",
  RollbackFailed: "failed, and so did its rollback",
  TimedOut: "did not finish in time",
};

export function setResultOutputs(
  result: RolloutResult,
  deployment: SavedDeployment | undefined,
  durationMs: number,
): void {
  const outputs: Record<string, string | number | undefined> = {
    "instance-refresh-id": result.instanceRefreshId,
    status: result.status,
    "launch-template-id": result.launchTemplateId,
    "launch-template-version": result.launchTemplateVersion,
    "previous-launch-template-version": result.previousLaunchTemplateVersion,
    "auto-scaling-group": result.autoScalingGroup,
    "deployment-id": deployment?.id,
    "duration-seconds": Math.round(durationMs / 1000),
  };
  for (const [name, value] of Object.entries(outputs)) if (value !== undefined) setOutput(name, String(value));
}

/** A dry run reports what it would roll out over, and no refresh or new version. */
export function setPlanOutputs(plan: RolloutPlan): void {
  setOutput("status", "DryRun");
  setOutput("launch-template-id", plan.launchTemplate.id);
  setOutput("previous-launch-template-version", plan.launchTemplate.currentVersion);
  setOutput("auto-scaling-group", plan.group.name);
  setOutput("duration-seconds", "0");
}

/** One sentence: how the rollout ended and which version serves now. */
export function outcomeLine(result: RolloutResult): string {
  return (
    `The rollout to ${result.autoScalingGroup} ${ENDED[result.status]} (${result.status}): ` +
    `the group is on launch template version ${result.activeLaunchTemplateVersion}.`
  );
}

export function deploymentState(result: RolloutResult): DeploymentState {
  return result.status === "Successful" ? "success" : "failure";
}

/**
 * The deployment's end after the post step finished what main left: a rollout left running
 * may still succeed, but nobody watches it for this deployment any more (inactive); one
 * that ended Successful before the post step could stop it did deploy.
 */
export function abandonedDeploymentState(outcome: string | undefined): DeploymentState {
  if (outcome === "left-running") return "inactive";
  return outcome === "succeeded" ? "success" : "failure";
}

/** The step's failure for a rollout that did not succeed, naming the version the group is on now. */
export function rolloutFailed(result: RolloutResult): DeployError {
  return new DeployError({
    what: outcomeLine(result),
    why: result.statusReason ?? `The rollout ended ${result.status}.`,
    fix:
      result.status === "TimedOut"
        ? 'At the timeout the refresh was rolled back (cancelled without auto-rollback). If the rollout needs longer, raise "timeout".'
        : result.status === "Cancelled"
          ? "The instance refresh was cancelled outside this step (console, CLI or another job); roll out again when it should go on."
          : `Find why instances of launch template version ${result.launchTemplateVersion} failed their health checks (their console output and the application's logs), fix the image, and roll out again.`,
    code: `Rollout${result.status}`,
  });
}
