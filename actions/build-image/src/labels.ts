import type { RunContext } from "@deploy/core";
import { REVISION_LABEL } from "./inputs.ts";

/**
 * The OCI labels the action sets (the commit, the repository's page, when and as what the
 * image was built), then the labels input, which may add to them or replace all but the
 * revision.
 */
export function imageLabels(run: RunContext, given: Record<string, string>, now: Date): Record<string, string> {
  return {
    [REVISION_LABEL]: run.commit,
    "org.opencontainers.image.source": `${run.serverUrl}/${run.repository}`,
    "org.opencontainers.image.created": now.toISOString(),
    "org.opencontainers.image.title": run.repository.slice(run.repository.indexOf("/") + 1),
    ...given,
  };
}
