// The codes of the DeployErrors this package throws (see ErrorCodes in @deploy/core).
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    // Release records.
    /** A release record (an input, a deployment's payload) is not one this version reads. */
    InvalidRelease: true;
    /** The release has no AMI in the region asked for. */
    NoAmiForRegion: true;
    /** A commit to record or look for is not a full commit SHA. */
    InvalidCommit: true;

    // Promotion.
    /** No deployment to the source environment has succeeded. */
    NoSuccessfulDeployment: true;
    /** The release asked for never succeeded in the source environment. */
    ReleaseNeverSucceeded: true;
    /** The release is older than the promotion allows. */
    ReleaseTooOld: true;
    /** The promotion would put an older release in place of the one the target runs. */
    Rollback: true;
    /** A required check concluded otherwise than success, neutral or skipped. */
    RequiredCheckFailed: true;
    /** A required check is still running. */
    RequiredCheckPending: true;
    /** A required check has not run on the commit. */
    RequiredCheckMissing: true;

    // The GitHub client: its own checks, then GitHub's answers by kind.
    /** There is no token to call GitHub with. */
    MissingGithubToken: true;
    /** A repository is not written owner/name. */
    InvalidRepository: true;
    /** GITHUB_API_URL is not an http(s) URL. */
    InvalidGithubApiUrl: true;
    /** A `Link` header points outside the API root. */
    GithubBadLink: true;
    /** GitHub could not be reached. */
    GithubUnreachable: true;
    /** GitHub is limiting the token's requests. */
    GithubRateLimited: true;
    /** GitHub answered 401. */
    GithubUnauthorized: true;
    /** GitHub answered 403. */
    GithubForbidden: true;
    /** GitHub answered 404. */
    GithubNotFound: true;
    /** GitHub answered 409 or 422. */
    GithubRejected: true;
    /** GitHub answered 5xx. */
    GithubServerError: true;
    /** GitHub answered another error status. */
    GithubError: true;
  }
}
