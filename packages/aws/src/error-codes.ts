// The codes of the DeployErrors this package throws (see ErrorCodes in @deploy/core). AWS's
// own error codes are not among them: fromAwsError keeps those in `serviceCode`.
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    // Shared by bake, rollout and promote.
    /** The Auto Scaling group does not exist (nor, for blue/green, a family of that name). */
    GroupNotFound: true;
    /** An AMI does not exist in the region, or vanished while it was being made. */
    ImageNotFound: true;
    /** An AMI exists but is not `available`. */
    ImageNotAvailable: true;
    /** The AMI's architecture is not one the group's instance type runs. */
    ArchitectureMismatch: true;
    /** bake-ami's root-volume-size is below the base AMI's root snapshot. */
    RootVolumeTooSmall: true;
    /** A value meant as an AMI id is not one. */
    InvalidImageId: true;
    /** The launch template has no such version. */
    LaunchTemplateVersionNotFound: true;

    // Bake.
    /** The base AMI (by id or name pattern) does not exist in the region. */
    BaseImageNotFound: true;
    /** The base AMI exists but is not `available`. */
    BaseImageNotAvailable: true;
    /** The SSM parameter naming the base AMI does not exist, or has no such version or label. */
    ParameterNotFound: true;
    /** The SSM parameter naming the base AMI does not hold an AMI id. */
    InvalidBaseImage: true;
    /** The base AMI names no root device to size. */
    NoRootDevice: true;
    /** The builder instance stopped or terminated before its SSM agent came online. */
    BuilderEnded: true;
    /** The builder's SSM agent did not come online in time. */
    SsmAgentOffline: true;
    /** The recipe input names no usable recipe. */
    InvalidRecipe: true;
    /** recipe-env sets names that are not shell variable names. */
    InvalidRecipeEnv: true;
    /** A recipe file did not succeed on the builder. */
    RecipeFailed: true;
    /** The ami-name template uses an unknown placeholder. */
    UnknownPlaceholder: true;
    /** The ami-name input does not render to a valid AMI name. */
    InvalidAmiName: true;
    /** An AMI of another bake already has the name. */
    AmiNameTaken: true;
    /** The AMI being made (or copied) ended in a state other than `available`. */
    ImageFailed: true;
    /** Copying the AMI to another region failed. */
    CopyFailed: true;
    /** An account to share AMIs with is not an account id. */
    InvalidAccountId: true;
    /** AMIs encrypted with the AWS managed key cannot be shared. */
    AwsManagedKeyNotShareable: true;
    /** The post step's clean-up left resources behind. */
    SweepFailed: true;

    // Rollout.
    /** The group has an instance refresh running that this run did not start. */
    InstanceRefreshInProgress: true;
    /** The plan names a group that no longer serves its blue/green family. */
    StalePlan: true;
    /** No group of the blue/green family serves traffic. */
    NoServingGroup: true;
    /** The group takes traffic from a source blue/green cannot move. */
    UnsupportedTrafficSource: true;
    /** AWS cannot roll an instance refresh of this group back. */
    AutoRollbackUnsupported: true;
    /** The group uses a launch configuration, not a launch template. */
    LaunchConfigurationUnsupported: true;
    /** The group launches through a mixed instances policy. */
    MixedInstancesPolicyUnsupported: true;
    /** A user-data variable looks like a secret. */
    SecretInUserData: true;
    /** The user-data template contains a GitHub expression. */
    ExpressionInUserData: true;
    /** The user-data template uses a variable that vars does not set. */
    UnknownUserDataVariable: true;
    /** The rendered user data is longer than EC2 allows. */
    UserDataTooLong: true;

    // Promote.
    /** An AMI must be copied to another region, but the release has no bake key to find copies by. */
    NoBakeKey: true;
  }
}
