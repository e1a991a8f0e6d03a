// The codes of the DeployErrors this action throws (see ErrorCodes in @deploy/core).
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    // `Rollout` and the RolloutStatus the rollout ended with (`rolloutFailed`); when
    // RolloutStatus gains a status, `pnpm typecheck` asks for its code here.
    RolloutFailed: true;
    RolloutCancelled: true;
    RolloutTimedOut: true;
    RolloutRollbackSuccessful: true;
    RolloutRollbackFailed: true;
    /** Not thrown (main throws only for a rollout that did not succeed), but `Rollout${status}` can name it. */
    RolloutSuccessful: true;
  }
}
