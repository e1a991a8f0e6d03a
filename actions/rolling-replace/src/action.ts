import { type SavedRollout, withAws } from "@deploy/aws";
import { defineAction, slot } from "@deploy/core";
import type { DeploymentEnd, SavedDeployment } from "./deployment.ts";

/**
 * What the main step hands to the post step: the rollout and the deployment record as soon
 * as each exists, and how the rollout settled once it has.
 */
export const action = defineAction({
  state: {
    rollout: slot<SavedRollout>(),
    deployment: slot<SavedDeployment>(),
    /** How the rollout settled, for the post step to report when the main step could not. */
    settled: slot<DeploymentEnd>(),
  },
  context: withAws,
});
