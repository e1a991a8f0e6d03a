// The codes of the DeployErrors this action throws (see ErrorCodes in @deploy/core).
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    /** require-parity is set, and the target group is not like the source group. */
    ParityFailed: true;
  }
}
