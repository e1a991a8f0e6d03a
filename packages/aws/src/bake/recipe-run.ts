import { type CommandInvocationStatus, GetCommandInvocationCommand, SendCommandCommand } from "@aws-sdk/client-ssm";
import { DeployError, formatDuration } from "@deploy/core";
import { fromAwsError, isTransient } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import type { RecipeFile, RecipeResult } from "./types.ts";
import { type BakeWait, bakePoll } from "./wait.ts";

/**
 * Runs the recipe on the builder over SSM Run Command (AWS-RunShellScript): one command per
 * file, in order, so that each file's output is its own and a failure names its file; the
 * files share the builder's disk, not their shell. Each file is written to the builder
 * and executed as it is, so its `#!` line counts (`#!/bin/bash -eu`, `#!/usr/bin/env
 * python3`); without one, bash runs it. Its exit code decides.
 */

/** How many lines of a failed file's output the error shows. */
export const TAIL_LINES = 30;
/**
 * GetCommandInvocation keeps the first 24,000 characters of output, and a failure shows at
 * the end: a longer output is cut on the builder to its start and its end.
 */
const OUTPUT_KEEP_BYTES = 20_000;
const OUTPUT_HEAD_BYTES = 4_000;
/** AWS's bounds for `executionTimeout`, in seconds. */
const MAX_EXECUTION_SECONDS = 172_800;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FINISHED: ReadonlySet<string> = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

export interface FileResult extends RecipeResult {
  path: string;
  commandId: string;
  /** Everything SSM kept of the output. */
  output: string;
  ms: number;
}

/** Checked before the builder is launched: each name becomes a shell variable. */
export function checkRecipeEnv(env: Record<string, string>): void {
  const bad = Object.keys(env).filter((name) => !ENV_NAME.test(name));
  if (bad.length > 0) {
    throw new DeployError({
      what: `recipe-env sets ${bad.map((n) => `"${n}"`).join(", ")}, which ${bad.length === 1 ? "is not a" : "are not"} shell variable name${bad.length === 1 ? "" : "s"}.`,
      why: "Each KEY=VALUE line is exported to the recipe as an environment variable.",
      fix: "Use letters, digits and _ in names, not starting with a digit, e.g. APP_PORT=8080.",
      input: "recipe-env",
      code: "InvalidRecipeEnv",
    });
  }
}

/**
 * The command lines for one file: the environment exported, the file written from base64
 * (a heredoc cannot mangle any byte, and base64 never contains the `_` of its end
 * marker), run with its output in a file, and that output printed, cut in the middle if
 * it is long. The exit code is the file's.
 */
export function recipeCommands(file: RecipeFile, env: Record<string, string>): string[] {
  const name =
    file.path
      .split("/")
      .pop()
      ?.replaceAll(/[^A-Za-z0-9._-]/g, "_") || "recipe";
  const base64 = file.content.toString("base64").match(/.{1,76}/g) ?? [];
  const keep = OUTPUT_KEEP_BYTES;
  return [
    `# deploy bake-ami: recipe file ${file.path.replaceAll(/[\r\n]/g, " ")}`,
    ...Object.entries(env).map(([key, value]) => `export ${key}=${shellQuote(value)}`),
    'recipe_dir="$(mktemp -d)"',
    `trap 'rm -rf "$recipe_dir"' EXIT`,
    `base64 -d > "$recipe_dir/${name}" <<'DEPLOY_RECIPE_END'`,
    ...base64,
    "DEPLOY_RECIPE_END",
    `chmod +x "$recipe_dir/${name}"`,
    `"$recipe_dir/${name}" > "$recipe_dir/output" 2>&1`,
    "status=$?",
    'size="$(wc -c < "$recipe_dir/output")"',
    `if [ "$size" -le ${keep} ]; then cat "$recipe_dir/output"; else`,
    `  head -c ${OUTPUT_HEAD_BYTES} "$recipe_dir/output"`,
    `  printf '\\n[... %s bytes of output left out ...]\\n' "$((size - ${keep}))"`,
    `  tail -c ${keep - OUTPUT_HEAD_BYTES} "$recipe_dir/output"`,
    "fi",
    'exit "$status"',
  ];
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The last `lines` lines of the output, without trailing blank lines. */
export function outputTail(output: string, lines = TAIL_LINES): string {
  return output.replace(/\s+$/, "").split("\n").slice(-lines).join("\n");
}

/**
 * Runs each file in order inside a collapsible group of the log, with its output; stops at
 * the first that does not succeed and throws a DeployError naming it, its exit code and
 * the tail of its output.
 */
export async function runRecipe(
  clients: AwsClients,
  instanceId: string,
  recipe: RecipeFile[],
  env: Record<string, string>,
  wait: BakeWait,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const [i, file] of recipe.entries()) {
    const title = `Recipe ${i + 1}/${recipe.length}: ${file.path}`;
    const result = await wait.logger.group(title, async () => {
      const ran = await runFile(clients, instanceId, file, env, wait);
      if (ran.output.trim()) wait.logger.verbatim(ran.output.replace(/\s+$/, ""));
      wait.logger.info(`${ran.status} (exit code ${ran.exitCode}) in ${formatDuration(ran.ms)}.`);
      return ran;
    });
    results.push(result);
    if (result.status !== "Success") throw recipeFailed(result, instanceId, recipe.slice(i + 1));
  }
  return results;
}

async function runFile(
  clients: AwsClients,
  instanceId: string,
  file: RecipeFile,
  env: Record<string, string>,
  wait: BakeWait,
): Promise<FileResult> {
  const started = wait.clock.now();
  const remainingSeconds = Math.ceil((wait.deadline - started) / 1000);
  let commandId: string;
  try {
    const answer = await clients.ssm.send(
      new SendCommandCommand({
        InstanceIds: [instanceId],
        DocumentName: "AWS-RunShellScript",
        Comment: `deploy bake-ami ${file.path}`.slice(0, 100),
        Parameters: {
          commands: recipeCommands(file, env),
          executionTimeout: [String(Math.min(Math.max(remainingSeconds, 1), MAX_EXECUTION_SECONDS))],
        },
      }),
    );
    commandId = answer.Command?.CommandId as string;
  } catch (error) {
    throw fromAwsError(error, `send the recipe file ${file.path} to the builder ${instanceId}`);
  }
  // InvocationDoesNotExist, right after SendCommand, is a NotFound: bakePoll retries it.
  const { value } = await bakePoll(wait, `recipe file ${file.path} to finish on ${instanceId}`, async () => {
    const invocation = await getInvocation(clients, commandId, instanceId);
    const status = invocation.Status ?? "Pending";
    if (!FINISHED.has(status)) return { done: false, progress: status };
    return { done: true, value: invocation };
  });
  const output = [value.StandardOutputContent, value.StandardErrorContent].filter(Boolean).join("\n");
  return {
    path: file.path,
    commandId,
    status: value.Status as Extract<CommandInvocationStatus, RecipeResult["status"]>,
    exitCode: value.ResponseCode ?? -1,
    output,
    outputTail: outputTail(output),
    ms: wait.clock.now() - started,
  };
}

async function getInvocation(clients: AwsClients, commandId: string, instanceId: string) {
  try {
    return await clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  } catch (error) {
    throw isTransient(error) ? error : fromAwsError(error, `read the recipe command ${commandId} on ${instanceId}`);
  }
}

function recipeFailed(result: FileResult, instanceId: string, skipped: RecipeFile[]): DeployError {
  const ended =
    result.status === "TimedOut"
      ? "did not finish within the timeout"
      : result.status === "Cancelled"
        ? "was cancelled"
        : `failed with exit code ${result.exitCode}`;
  const notRun = skipped.length > 0 ? ` ${skipped.map((f) => f.path).join(", ")} did not run.` : "";
  return new DeployError({
    what: `The recipe file ${result.path} ${ended} on the builder ${instanceId}.${notRun}`,
    why: result.outputTail
      ? `The last lines of its output:\n${result.outputTail}`
      : `It wrote no output (SSM Run Command command ${result.commandId}).`,
    fix:
      result.status === "TimedOut"
        ? 'Raise the "timeout" input, or make the recipe faster. This bake made no AMI, and its builder is terminated.'
        : "Fix the recipe file and run the job again; to reproduce, run it on an instance of the base AMI. This bake made no AMI, and its builder is terminated.",
    ...(result.status === "TimedOut" && { input: "timeout" }),
    code: "RecipeFailed",
  });
}
