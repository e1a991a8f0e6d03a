// Runs an action's bundled main and post steps as child processes, the way the GitHub
// runner does (actions/runner: NodeScriptActionHandler, FileCommandManager,
// ActionCommandManager, ProcessInvoker's SIGINT -> SIGTERM -> kill on cancellation).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { node24 } from "../../scripts/node24.mjs";
import { type ActionMetadata, readActionMetadata } from "./action-metadata.ts";
import {
  type Annotation,
  annotationOf,
  CommandProcessor,
  type LogLine,
  parseKeyValueFile,
  parsePathFile,
} from "./commands.ts";
import { evaluateCondition, type JobStatus } from "./conditions.ts";
import {
  contextValues,
  defaultEvent,
  defaultGitHubContext,
  type GitHubContext,
  type RunnerDirs,
  runnerEnv,
} from "./context.ts";
import { renderLog } from "./masking.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type StepName = "main" | "post";
export type StepOutcome = JobStatus;

/** When the harness cancels the main step, as a cancelled job would. */
export type CancelWhen =
  | { afterMs: number }
  | { whenLog: RegExp | string }
  | {
      /** Called for every log line and every `pollMs` (line undefined); true cancels. */
      when: (line: LogLine | undefined, elapsedMs: number) => boolean | Promise<boolean>;
      pollMs?: number;
    };

export interface RunActionOptions {
  /** `with:` values, by input name as declared in action.yml. */
  inputs?: Record<string, string | number | boolean>;
  /**
   * Extra environment (AWS_ENDPOINT_URL, AWS_REGION, ...) for both steps. It overrides what the
   * harness sets (GITHUB_*, RUNNER_*, INPUT_*, STATE_*) except the file-command paths; undefined removes.
   */
  env?: Record<string, string | undefined>;
  /** Overrides of the `github` context (GITHUB_* variables). */
  github?: Partial<GitHubContext>;
  /** The event payload written to GITHUB_EVENT_PATH; default: a payload for `github.eventName`. */
  event?: Record<string, unknown>;
  /** Values the workflow took from `secrets`: the runner masks them from the start. */
  secrets?: string[];
  cancel?: CancelWhen;
  /** The runner's grace periods after SIGINT and after SIGTERM (7500 ms and 2500 ms). */
  signals?: { sigtermAfterMs?: number; sigkillAfterMs?: number };
  /** Per step, like `timeout-minutes`: the step is stopped as on cancellation and fails. Default 90 s. */
  timeoutMs?: number;
  /** Run the post step when the action has one (default true). */
  post?: boolean;
  /** GITHUB_WORKSPACE and the steps' working directory; default: an empty temporary folder. */
  workspace?: string;
  /** Step debug logging: RUNNER_DEBUG=1, and `::debug::` lines shown by maskedLog(). */
  debug?: boolean;
  /** Keep the temporary folder (file commands, RUNNER_TEMP, HOME, event) for inspection. */
  keepFiles?: boolean;
  /** Called with each log line as it arrives. */
  onLine?: (line: LogLine, step: StepName) => void;
}

export interface SignalSent {
  signal: NodeJS.Signals;
  atMs: number;
}

export interface StepResult {
  step: StepName;
  /** Absolute path of the script that ran. */
  script: string;
  outcome: StepOutcome;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  signalsSent: SignalSent[];
  /** The harness cancelled the step (cancel option). */
  cancelled: boolean;
  timedOut: boolean;
  durationMs: number;
  /** From GITHUB_OUTPUT and legacy `::set-output`. */
  outputs: Record<string, string>;
  /** From GITHUB_STATE and legacy `::save-state`. */
  state: Record<string, string>;
  /** GITHUB_STEP_SUMMARY, raw (unmasked) markdown. */
  summary: string;
  /** From GITHUB_ENV: variables for the later steps. */
  exportedEnv: Record<string, string>;
  /** From GITHUB_PATH, in PATH order (last added first). */
  addedPath: string[];
  log: LogLine[];
  annotations: Annotation[];
  /** Values registered with `::add-mask::`, in order. */
  masks: string[];
  /** What the runner would report about the step's commands (malformed files, disabled commands, ...). */
  runnerErrors: string[];
  stdout: string;
  stderr: string;
  /** The environment the process got. */
  env: Record<string, string>;
}

export interface ActionRun {
  action: ActionMetadata;
  main: StepResult;
  /** Undefined when the action has no post step, or its post-if was false. */
  post: StepResult | undefined;
  postIf: { expression: string; status: JobStatus; ran: boolean } | undefined;
  /** The job's status after both steps. */
  status: JobStatus;
  /** The step's outputs (main's; a post step's outputs are not visible to anyone). */
  outputs: Record<string, string>;
  /** State saved by main, as given to post in STATE_* variables. */
  state: Record<string, string>;
  /** The job summary: main's then post's. */
  summary: string;
  /** Every value the runner masks: github.token, `secrets`, then add-mask values. */
  masks: string[];
  /** The job log as the runner shows it: commands rendered, secrets replaced by ***. */
  maskedLog(step?: StepName): string;
  /** The temporary folder (only left on disk with keepFiles). */
  tempDir: string;
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replaceAll(" ", "_").toUpperCase()}`;
}

function inputEnv(
  action: ActionMetadata,
  given: Record<string, string | number | boolean>,
  values: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const declared = Object.keys(action.inputs);
  for (const name of Object.keys(given)) {
    if (!declared.includes(name)) {
      throw new Error(
        `runAction: input '${name}' is not declared in ${action.dir}/action.yml (declared: ${declared.join(", ")})`,
      );
    }
  }
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = given[name];
    env[inputEnvName(name)] =
      value !== undefined ? String(value) : evaluateDefault(name, input.default ?? "", values, action.dir);
  }
  return env;
}

function evaluateDefault(name: string, text: string, values: Record<string, string>, dir: string): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const value = values[expression];
    if (value === undefined) {
      throw new Error(
        `runAction: the default of input '${name}' in ${dir}/action.yml uses '${expression}', which the harness does not evaluate; pass the input`,
      );
    }
    return value;
  });
}

const FILE_COMMANDS = ["GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"] as const;
type FileCommand = (typeof FILE_COMMANDS)[number];
const SUMMARY_LIMIT = 128 * 1024;

interface StepSpec {
  step: StepName;
  script: string;
  cwd: string;
  env: Record<string, string>;
  fileDir: string;
  cancel: CancelWhen | undefined;
  sigtermAfterMs: number;
  sigkillAfterMs: number;
  timeoutMs: number;
  onLine: RunActionOptions["onLine"];
}

function matches(pattern: RegExp | string, text: string): boolean {
  if (typeof pattern === "string") return text.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(text);
}

function lineSplitter(onText: (text: string) => void, onLine: (line: string) => void) {
  const decoder = new StringDecoder("utf8");
  let buffer = "";
  const push = (text: string) => {
    onText(text);
    buffer += text;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      onLine(buffer.slice(0, nl).replace(/\r$/, ""));
      buffer = buffer.slice(nl + 1);
    }
  };
  return {
    write: (chunk: Buffer) => push(decoder.write(chunk)),
    end: () => {
      push(decoder.end());
      if (buffer !== "") onLine(buffer.replace(/\r$/, ""));
      buffer = "";
    },
  };
}

async function runStep(spec: StepSpec): Promise<StepResult> {
  const files = {} as Record<FileCommand, string>;
  for (const name of FILE_COMMANDS) {
    files[name] = path.join(spec.fileDir, `${spec.step}_${name.toLowerCase()}`);
    writeFileSync(files[name], "");
  }
  const env = { ...spec.env, ...files };

  const log: LogLine[] = [];
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  const runnerErrors: string[] = [];
  const legacyOutputs: Record<string, string> = {};
  const legacyState: Record<string, string> = {};
  const signalsSent: SignalSent[] = [];
  const raw = { stdout: "", stderr: "" };
  const timers: NodeJS.Timeout[] = [];
  const processor = new CommandProcessor();
  let commandFailed = false;
  let cancelled = false;
  let timedOut = false;
  let exited = false;
  let callbackError: unknown;

  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // Its own process group, so that the final kill reaches whatever the step started.
  const child = spawn(node24(), [spec.script], {
    cwd: spec.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });

  const send = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      if (signal === "SIGKILL") process.kill(-child.pid, signal);
      else if (!child.kill(signal)) return;
      signalsSent.push({ signal, atMs: elapsed() });
    } catch {
      // Already gone.
    }
  };
  const stop = (why: "cancel" | "timeout") => {
    if (cancelled || timedOut || exited) return;
    if (why === "cancel") cancelled = true;
    else timedOut = true;
    send("SIGINT");
    timers.push(
      setTimeout(() => {
        send("SIGTERM");
        timers.push(setTimeout(() => send("SIGKILL"), spec.sigkillAfterMs));
      }, spec.sigtermAfterMs),
    );
  };

  const cancel = spec.cancel;
  const ask = async (line: LogLine | undefined) => {
    if (!cancel || !("when" in cancel) || cancelled || exited) return;
    try {
      if (await cancel.when(line, elapsed())) stop("cancel");
    } catch (error) {
      callbackError ??= error;
    }
  };
  if (cancel && "afterMs" in cancel) timers.push(setTimeout(() => stop("cancel"), cancel.afterMs));
  if (cancel && "when" in cancel) {
    let polling = false;
    const poll = setInterval(async () => {
      if (polling) return;
      polling = true;
      await ask(undefined);
      polling = false;
    }, cancel.pollMs ?? 50);
    timers.push(poll);
  }
  timers.push(setTimeout(() => stop("timeout"), spec.timeoutMs));

  const handle = (stream: LogLine["stream"], text: string) => {
    const line = processor.line(stream, text, elapsed());
    log.push(line);
    const command = line.command;
    if (command) {
      const annotation = annotationOf(command);
      if (annotation) annotations.push(annotation);
      const name = command.properties.name;
      switch (command.name) {
        case "add-mask":
          if (command.message.trim() === "") {
            annotations.push({
              level: "warning",
              message: "Can't add secret mask for empty string in ##[add-mask] command.",
            });
          } else masks.push(command.message);
          break;
        case "set-output":
        case "save-state":
          if (!name) {
            runnerErrors.push(`Required field 'name' is missing in ##[${command.name}] command.`);
            commandFailed = true;
          } else if (command.name === "set-output") legacyOutputs[name] = command.message;
          else legacyState[name] = command.message;
          break;
        case "set-env":
        case "add-path":
          runnerErrors.push(
            `Unable to process command '${text}' successfully: the ${command.name} command is disabled.`,
          );
          commandFailed = true;
          break;
      }
    }
    spec.onLine?.(line, spec.step);
    if (cancel && "whenLog" in cancel && !cancelled && matches(cancel.whenLog, text)) stop("cancel");
    void ask(line);
  };

  const out = lineSplitter(
    (t) => {
      raw.stdout += t;
    },
    (l) => handle("stdout", l),
  );
  const err = lineSplitter(
    (t) => {
      raw.stderr += t;
    },
    (l) => handle("stderr", l),
  );
  child.stdout.on("data", out.write).on("end", out.end);
  child.stderr.on("data", err.write).on("end", err.end);
  child.on("exit", () => {
    exited = true;
  });

  let exitCode: number | null;
  let signal: NodeJS.Signals | null;
  try {
    [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, sig) => resolve([code, sig]));
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  if (callbackError) throw callbackError;
  const durationMs = elapsed();

  const readFile = <T>(name: FileCommand, parse: (text: string) => T, empty: T): T => {
    try {
      return parse(readFileSync(files[name], "utf8"));
    } catch (error) {
      runnerErrors.push(
        `Unable to process file command '${name}' successfully: ${error instanceof Error ? error.message : String(error)}`,
      );
      commandFailed = true;
      return empty;
    }
  };
  const outputs = { ...legacyOutputs, ...readFile("GITHUB_OUTPUT", parseKeyValueFile, {}) };
  const state = { ...legacyState, ...readFile("GITHUB_STATE", parseKeyValueFile, {}) };
  const exportedEnv = readFile("GITHUB_ENV", parseKeyValueFile, {});
  const addedPath = readFile("GITHUB_PATH", parsePathFile, []);
  let summary = readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
  const summarySize = statSync(files.GITHUB_STEP_SUMMARY).size;
  if (summarySize > SUMMARY_LIMIT) {
    // The runner reports it and drops the summary; the step itself does not fail.
    runnerErrors.push(`$GITHUB_STEP_SUMMARY supports content up a size of 128k got ${Math.floor(summarySize / 1024)}k`);
    summary = "";
  }

  const outcome: StepOutcome = cancelled
    ? "cancelled"
    : timedOut || exitCode !== 0 || commandFailed
      ? "failure"
      : "success";
  return {
    step: spec.step,
    script: spec.script,
    outcome,
    exitCode,
    signal,
    signalsSent,
    cancelled,
    timedOut,
    durationMs,
    outputs,
    state,
    summary,
    exportedEnv,
    addedPath,
    log,
    annotations,
    masks,
    runnerErrors,
    stdout: raw.stdout,
    stderr: raw.stderr,
    env,
  };
}

function applyOverrides(env: Record<string, string>, overrides: Record<string, string | undefined> = {}) {
  const result = { ...env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

/**
 * Runs the action in `actionDir` (relative to the repository root, or absolute): its
 * main step, then its post step if `post-if` allows, with the state main saved.
 */
export async function runAction(actionDir: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const action = readActionMetadata(path.resolve(REPO_ROOT, actionDir));
  const tempDir = mkdtempSync(path.join(os.tmpdir(), "deploy-harness-"));
  try {
    const dirs: RunnerDirs = {
      actionDir: action.dir,
      workspace: options.workspace ?? path.join(tempDir, "workspace"),
      temp: path.join(tempDir, "runner-temp"),
      toolCache: path.join(tempDir, "tool-cache"),
      home: path.join(tempDir, "home"),
      eventPath: path.join(tempDir, "event.json"),
    };
    const fileDir = path.join(tempDir, "file-commands");
    for (const dir of [dirs.workspace, dirs.temp, dirs.toolCache, dirs.home, fileDir])
      mkdirSync(dir, { recursive: true });

    const github: GitHubContext = { ...defaultGitHubContext, ...options.github };
    const event = options.event ?? defaultEvent(github);
    writeFileSync(dirs.eventPath, JSON.stringify(event, null, 2));
    const values = contextValues(github, dirs, event);
    const debug = options.debug ?? false;
    const inputs = inputEnv(action, options.inputs ?? {}, values);
    const base = { ...runnerEnv(github, dirs, debug), ...inputs };
    const step = {
      cwd: dirs.workspace,
      fileDir,
      sigtermAfterMs: options.signals?.sigtermAfterMs ?? 7500,
      sigkillAfterMs: options.signals?.sigkillAfterMs ?? 2500,
      timeoutMs: options.timeoutMs ?? 90_000,
      onLine: options.onLine,
    };

    const main = await runStep({
      ...step,
      step: "main",
      script: action.runs.main,
      env: applyOverrides(base, options.env),
      cancel: options.cancel,
    });

    let post: StepResult | undefined;
    let postIf: ActionRun["postIf"];
    if (action.runs.post && options.post !== false) {
      const ran = evaluateCondition(action.runs.postIf, { status: main.outcome, values });
      postIf = { expression: action.runs.postIf, status: main.outcome, ran };
      if (ran) {
        // GITHUB_ENV cannot override the runner's context variables, NODE_OPTIONS or inputs.
        const exported = Object.fromEntries(
          Object.entries(main.exportedEnv).filter(
            ([key]) => !/^(GITHUB|RUNNER)_/.test(key) && key !== "NODE_OPTIONS" && !(key in inputs),
          ),
        );
        const stateEnv = Object.fromEntries(Object.entries(main.state).map(([key, value]) => [`STATE_${key}`, value]));
        const env = applyOverrides({ ...base, ...exported, ...stateEnv }, options.env);
        if (main.addedPath.length > 0) env.PATH = [...main.addedPath, env.PATH].join(path.delimiter);
        post = await runStep({ ...step, step: "post", script: action.runs.post, env, cancel: undefined });
      }
    }

    const steps = post ? [main, post] : [main];
    const initialSecrets = [github.token, ...(options.secrets ?? [])];
    const status: JobStatus =
      main.outcome === "cancelled" ? "cancelled" : steps.some((s) => s.outcome !== "success") ? "failure" : "success";
    return {
      action,
      main,
      post,
      postIf,
      status,
      outputs: main.outputs,
      state: main.state,
      summary: steps
        .map((s) => s.summary)
        .filter((s) => s !== "")
        .join("\n"),
      masks: [...new Set([...initialSecrets, ...steps.flatMap((s) => s.masks)])],
      maskedLog: (only?: StepName) => renderLog(steps, initialSecrets, debug, only),
      tempDir,
    };
  } finally {
    if (!options.keepFiles) rmSync(tempDir, { recursive: true, force: true });
  }
}
