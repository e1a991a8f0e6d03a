// The codes of the DeployErrors this package throws (see ErrorCodes in @deploy/core).
export {};

declare module "@deploy/core" {
  interface ErrorCodes {
    /** The seed file does not describe data this generator can make. */
    SeedFileInvalid: true;
    /** The guard refused to seed this database or environment (`SeedRefusedError`). */
    SeedRefused: true;
    /** The database could not be reached. */
    DatabaseUnreachable: true;
    /** Loading the rows failed; the transaction was rolled back. */
    SeedFailed: true;
  }
}
