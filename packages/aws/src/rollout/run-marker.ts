import { runTagValue, type TagContext } from "../tags.ts";

/**
 * How a re-run finds the instance refresh its run started. Refreshes carry no tags, but
 * their desired configuration names a launch-template version, and the version's
 * description names the run: `run <id>-<attempt>`. Any attempt of the same run matches.
 */
const MAX_DESCRIPTION = 255;

/** The description with the run in it (added at the end when it does not name it already), within AWS's 255 characters. */
export function withRunMarker(description: string, run: TagContext): string {
  const kept = description.slice(0, MAX_DESCRIPTION);
  if (namesRun(kept, run.runId)) return kept;
  const marker = ` (run ${runTagValue(run)})`;
  return `${description.slice(0, MAX_DESCRIPTION - marker.length)}${marker}`;
}

export function namesRun(description: string | undefined, runId: string): boolean {
  if (!description) return false;
  const escaped = runId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\brun ${escaped}(?![0-9A-Za-z])`).test(description);
}
