import { randomUUID } from "node:crypto";
import * as core from "@actions/core";
import { cancellationSignal } from "./cancellation.ts";
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

/** Saves `value` as JSON for this action's post step; save what exists as soon as it does. */
export function saveState(name: string, value: unknown): void {
  core.saveState(name, JSON.stringify(value));
}

/** What the main step saved with `saveState`, or `undefined` if it saved nothing. */
export function getState<T>(name: string): T | undefined {
  const text = core.getState(name);
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DeployError({
      what: `State "${name}" is not valid JSON.`,
      why: `Got "${redact(text)}".`,
      fix: "Save state with saveState from @deploy/core, which writes JSON.",
      code: "InvalidState",
      cause: error,
    });
  }
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

/**
 * Runs an action's main or post function: hands it the cancellation signal and turns a
 * thrown error into a failed step with a readable message (the stack goes to the debug log).
 */
export async function runStep(main: (signal: AbortSignal) => Promise<void>): Promise<void> {
  try {
    await main(cancellationSignal());
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(redact(error.stack));
    core.setFailed(failureMessage(error));
  }
}
