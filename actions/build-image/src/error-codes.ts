// The codes of the DeployErrors this action throws (see ErrorCodes in @deploy/core). The
// registry's own codes (`UNAUTHORIZED`, `MANIFEST_UNKNOWN`, ...) are not among them: they
// are quoted in messages only.
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    /** The tag exists already, and a tag is never pushed twice. */
    TagExists: true;
    /** The registry serves another digest for the tag than the one just pushed. */
    DigestMismatch: true;
    /** The builder did not say the digest of the image it pushed. */
    NoDigest: true;
    /** The builder program could not be started. */
    BuilderMissing: true;
    /** The builder exited with an error or was killed. */
    BuildFailed: true;
    /** A registry credentials file cannot be read or is not valid. */
    CredentialsUnreadable: true;
    /** A credential helper could not run, failed, or gave no credentials. */
    CredentialHelperFailed: true;
    /** The registry could not be reached. */
    RegistryUnreachable: true;
    /** The registry did not let this step in. */
    RegistryUnauthorized: true;
    /** The registry answered with another error. */
    RegistryError: true;
    /**
     * The registry has no such image, or it is not one this step can read. @deploy/aws
     * throws the same code for AMIs; this action does not depend on it, so it declares the
     * code as its own (the two declarations merge).
     */
    ImageNotFound: true;
  }
}
