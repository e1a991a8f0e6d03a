import { DeployError } from "@deploy/core";
import { type GithubClient, repositoryPath } from "./github.ts";

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

interface CheckRunJson {
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  details_url?: string | null;
}

/** Conclusions that let a release through: GitHub's own rule for required status checks. */
const PASSING = new Set(["success", "neutral", "skipped"]);

/**
 * The latest run of each named check on `commit`, one outcome per name, in the order given.
 * GitHub lists the latest run of a name per check suite; when two suites ran a check of the
 * same name (two workflows with a `test` job), each must have passed, and the first that did
 * not is the outcome.
 */
export async function readChecks(
  client: GithubClient,
  repository: string,
  commit: string,
  names: string[],
): Promise<CheckOutcome[]> {
  const path = `${repositoryPath(repository)}/commits/${commit}/check-runs`;
  return Promise.all(
    [...new Set(names)].map(async (name): Promise<CheckOutcome> => {
      const { data } = await client.request<{ check_runs: CheckRunJson[] }>("GET", path, {
        doing: `read the check run "${name}" of ${commit.slice(0, 7)} in ${repository}`,
        query: { check_name: name, filter: "latest", per_page: 100 },
      });
      const runs = data.check_runs.filter((r) => r.name === name).map(outcomeOf);
      return runs.find((r) => !r.passed) ?? runs[0] ?? { name, conclusion: "missing", passed: false };
    }),
  );
}

function outcomeOf(run: CheckRunJson): CheckOutcome {
  const conclusion = run.status === "completed" ? (run.conclusion ?? "none") : run.status;
  const url = run.html_url ?? run.details_url;
  return { name: run.name, conclusion, ...(url && { url }), passed: PASSING.has(conclusion) };
}

/**
 * Throws a DeployError naming every check that did not pass, with its conclusion and link:
 * RequiredCheckFailed when one concluded otherwise than success, neutral or skipped, else
 * RequiredCheckPending when one still runs, else RequiredCheckMissing.
 */
export function requirePassed(outcomes: CheckOutcome[], commit: string): void {
  const failing = outcomes.filter((o) => !o.passed);
  if (failing.length === 0) return;
  const failed = failing.filter(
    (o) => !["missing", "queued", "in_progress", "waiting", "pending"].includes(o.conclusion),
  );
  const running = failing.filter((o) => o.conclusion !== "missing" && !failed.includes(o));
  const code =
    failed.length > 0 ? "RequiredCheckFailed" : running.length > 0 ? "RequiredCheckPending" : "RequiredCheckMissing";
  const describe = (o: CheckOutcome) =>
    o.conclusion === "missing"
      ? `"${o.name}" has not run on it`
      : `"${o.name}" is ${o.conclusion}${o.url ? ` (${o.url})` : ""}`;
  const short = commit.slice(0, 7);
  throw new DeployError({
    what: `The release of ${short} has not passed its required checks: ${failing.map(describe).join("; ")}.`,
    why: "A release is promoted only when every required check concluded success, neutral or skipped on its commit.",
    fix:
      code === "RequiredCheckFailed"
        ? `Fix what the failing checks report and deploy the fix to stage, or re-run the checks on ${short} if they failed for another reason.`
        : code === "RequiredCheckPending"
          ? "Wait until the checks finish, then run the promotion again."
          : `Check the names in "required-checks" against the check runs of ${short} (the job names of the workflows that run on it), or run those checks on it.`,
    input: "required-checks",
    code,
  });
}
