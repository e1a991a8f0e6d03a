import { randomUUID } from "node:crypto";
import * as core from "@actions/core";
import { DeployError, isDeployError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { redact } from "./secrets.ts";

/** Sets a step output; anything but a string is written as JSON. */
export function setOutput(name: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (redact(text) !== text) {
    throw new DeployError({
      what: `Output "${name}" would contain a secret.`,
      why: "Outputs are passed on to later steps and jobs in plain text.",
      fix: "Pass the secret to where it is needed through the environment's secrets, not an output.",
      code: "SecretInOutput",
    });
  }
  core.setOutput(name, text);
}

/** A Logger that writes to the step's log, redacting masked values first. */
export function actionsLogger(): Logger {
  return {
    debug: (message) => core.debug(redact(message)),
    info: (message) => core.info(redact(message)),
    warning: (message) => core.warning(redact(message)),
    error: (message) => core.error(redact(message)),
    // Between `::stop-commands::<token>` and `::<token>::` the runner ignores workflow
    // commands; the token is random so the text cannot end the pause itself.
    verbatim(text) {
      const token = randomUUID();
      core.info(`::stop-commands::${token}`);
      core.info(redact(text));
      core.info(`::${token}::`);
    },
    group: (title, fn) => core.group(redact(title), fn),
  };
}

/** The failure as the step reports it: what, why and fix on their own lines. */
export function failureMessage(error: unknown): string {
  const lines = isDeployError(error)
    ? [error.what, error.why, error.fix]
    : [`Unexpected error: ${error instanceof Error ? error.message : String(error)}`];
  return redact(lines.filter(Boolean).join("\n"));
}
