import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { World } from "../../world.ts";

/**
 * Runs an AWS-RunShellScript command for real (`commands: "exec"`): bash in a directory that
 * stands for the instance's file system, kept across that instance's commands, with the
 * environment the SSM agent gives (and nothing of the simulator's own environment, which
 * may hold secrets). Processes run asynchronously so the server keeps answering while they do.
 */
export interface ScriptSpec {
  instanceId: string;
  region: string;
  lines: string[];
  /** A path on the instance (absolute, or relative to its root); created inside the instance's directory. */
  workingDirectory?: string | undefined;
  timeoutSeconds: number;
}

export interface ScriptResult {
  /** The exit code; undefined when the script timed out or could not start. */
  exitCode?: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Enough for what GetCommandInvocation shows (24,000 and 8,000 characters), without holding runaway output. */
const KEEP_CHARS = 24_000;

const roots = new WeakMap<World, string>();
const allRoots = new Set<string>();
const running = new Set<ChildProcess>();
let exitHook = false;

export function runScript(world: World, spec: ScriptSpec, done: (result: ScriptResult) => void): { kill(): void } {
  const home = join(worldRoot(world), spec.instanceId);
  const cwd = join(home, spec.workingDirectory ?? "");
  const inside = relative(home, cwd);
  if (inside === ".." || inside.startsWith("../")) {
    done({ timedOut: false, stdout: "", stderr: `workingDirectory ${spec.workingDirectory} is not valid` });
    return { kill() {} };
  }
  mkdirSync(cwd, { recursive: true });
  const child = spawn("bash", ["-c", spec.lines.join("\n")], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: home,
      LANG: "C.UTF-8",
      AWS_SSM_INSTANCE_ID: spec.instanceId,
      AWS_SSM_REGION_NAME: spec.region,
    },
    // Its own process group, so that killing it also ends whatever the script started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    if (stdout.length < KEEP_CHARS) stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    if (stderr.length < KEEP_CHARS) stderr += chunk;
  });
  let finished = false;
  const finish = (result: ScriptResult) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(result);
  };
  const timer = setTimeout(() => {
    killGroup(child);
    finish({ timedOut: true, stdout, stderr });
  }, spec.timeoutSeconds * 1000);
  timer.unref();
  child.on("error", (error) => {
    running.delete(child);
    finish({ timedOut: false, stdout, stderr: `${stderr}${error.message}\n` });
  });
  child.on("close", (code, signal) => {
    running.delete(child);
    finish({ exitCode: code ?? 128 + signalNumber(signal), timedOut: false, stdout, stderr });
  });
  return {
    kill() {
      finished = true;
      clearTimeout(timer);
      killGroup(child);
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === "SIGKILL" ? 9 : signal === "SIGTERM" ? 15 : 1;
}

/** One directory per world, so that two worlds in one process never share an instance's files. */
function worldRoot(world: World): string {
  let root = roots.get(world);
  if (!root) {
    root = mkdtempSync(join(tmpdir(), `deploy-sim-${process.pid}-`));
    roots.set(world, root);
    allRoots.add(root);
    if (!exitHook) process.once("exit", cleanUpAll);
    exitHook = true;
  }
  return root;
}

/** The directory that stands for an instance's file system (created on its first command). */
export function instanceDirectory(world: World, instanceId: string): string {
  return join(worldRoot(world), instanceId);
}

/** Removes a world's instance directories; running scripts must have been killed first. */
export function removeWorldFiles(world: World): void {
  const root = roots.get(world);
  if (!root) return;
  rmSync(root, { recursive: true, force: true });
  roots.delete(world);
  allRoots.delete(root);
}

// Scripts run in their own process groups and would outlive the simulator otherwise.
function cleanUpAll(): void {
  for (const child of running) killGroup(child);
  for (const root of allRoots) rmSync(root, { recursive: true, force: true });
}
