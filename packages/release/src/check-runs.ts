import type { GithubClient } from "./github.ts";

/** A required check as found on a commit. */
export interface CheckOutcome {
  name: string;
  /**
   * GitHub's conclusion when the check completed (`success`, `failure`, `neutral`...), its
   * status while it runs (`queued`, `in_progress`), `missing` when the commit has no such check.
   */
  conclusion: string;
  /** The check run's page on GitHub. */
  url?: string;
  /** Completed as success, neutral or skipped. */
  passed: boolean;
}

/** The latest run of each named check on `commit`, one outcome per name, in the order given. */
export async function readChecks(
  _client: GithubClient,
  _repository: string,
  _commit: string,
  _names: string[],
): Promise<CheckOutcome[]> {
  throw new Error("not yet");
}

/** Throws a DeployError (RequiredCheckFailed, RequiredCheckPending, RequiredCheckMissing) naming every check that did not pass. */
export function requirePassed(_outcomes: CheckOutcome[], _commit: string): void {
  throw new Error("not yet");
}
