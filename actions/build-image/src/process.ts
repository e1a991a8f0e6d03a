import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { DeployError, type Logger } from "@deploy/core";

/** How many of the builder's last lines a failed build shows in its error. */
export const TAIL_LINES = 30;
/** After SIGINT, how long the builder has to stop before it is killed. */
const KILL_AFTER_MS = 5_000;
/** How long output may wait before it is logged, so that it comes in blocks rather than line by line. */
const FLUSH_MS = 200;

/** The builder's programs, as inputs.ts asks about them; tests pass a fake. */
export interface Tools {
  /** True when `command` is an executable file on PATH. */
  onPath(command: string): boolean;
  /** True when `command args` exits 0 within a few seconds (`docker info`, `docker buildx version`). */
  answers(command: string, args: readonly string[]): Promise<boolean>;
}

export function systemTools(env: NodeJS.ProcessEnv = process.env): Tools {
  return {
    onPath: (command) =>
      (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .some((dir) => {
          try {
            accessSync(path.join(dir, command), constants.X_OK);
            return true;
          } catch {
            return false;
          }
        }),
    answers: (command, args) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { env, stdio: "ignore", timeout: 15_000 });
        child.on("error", () => resolve(false));
        child.on("close", (code) => resolve(code === 0));
      }),
  };
}

/** A command line: the program and its arguments. */
export interface Command {
  command: string;
  args: string[];
}

/** How a command line reads in the log: arguments with spaces or quotes are quoted. */
export function formatCommand({ command, args }: Command): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  return [command, ...args].map(quote).join(" ");
}

/**
 * Runs a builder's command, streaming its output to the log verbatim (the runner does not
 * act on workflow commands in it). A non-zero exit fails with the last TAIL_LINES lines; a
 * cancellation sends the builder SIGINT (then SIGKILL) and rejects with the signal's reason.
 */
export function runTool(
  what: string,
  cmd: Command,
  options: { logger: Logger; signal: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const { logger, signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  logger.info(`$ ${formatCommand(cmd)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const partial = { stdout: "", stderr: "" };
    const take = (stream: "stdout" | "stderr", text: string, end = false) => {
      const lines = (partial[stream] + text).split(/\r?\n/);
      partial[stream] = end ? "" : (lines.pop() ?? "");
      const complete = lines.filter((line, i) => !(end && i === lines.length - 1 && line === ""));
      if (complete.length === 0) return;
      tail.push(...complete);
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
      pending.push(...complete);
      flusher ??= setTimeout(flush, FLUSH_MS);
    };
    // Lines are logged in batches: each verbatim block costs two lines of its own.
    const pending: string[] = [];
    let flusher: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(flusher);
      flusher = undefined;
      if (pending.length > 0) logger.verbatim(pending.splice(0).join("\n"));
    };
    child.stdout.setEncoding("utf8").on("data", (text: string) => take("stdout", text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => take("stderr", text));

    let killer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill("SIGINT");
      killer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
      killer.unref();
    };
    signal.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(
        new DeployError({
          what: `${what} could not start ${cmd.command}.`,
          why: error.message,
          fix: `Install ${cmd.command} on the runner, or choose another builder with the "builder" input.`,
          code: "BuilderMissing",
          cause: error,
        }),
      );
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", onAbort);
      clearTimeout(killer);
      take("stdout", "", true);
      take("stderr", "", true);
      flush();
      if (signal.aborted) return reject(signal.reason);
      if (code === 0) return resolve();
      const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
      reject(
        new DeployError({
          what: `${what} failed: ${cmd.command} ${how}.`,
          why: tail.length > 0 ? `The last lines of its output:\n${tail.join("\n")}` : "It wrote no output.",
          fix: "Read the builder's output above, fix the Containerfile or the build's inputs, and run the job again.",
          code: "BuildFailed",
        }),
      );
    });
  });
}
