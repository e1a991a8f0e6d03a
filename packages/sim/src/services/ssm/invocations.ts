import type { RegionState, World } from "../../world.ts";
import { ssmOnline } from "../ec2/instances.ts";
import type { Instance } from "../ec2/state.ts";
import { runScript } from "./exec.ts";
import { type Command, type Invocation, type InvocationStatus, TERMINAL } from "./state.ts";

/**
 * The life of one command on one instance. Simulated (the default): Pending, InProgress once
 * the agent picks it up, Success after `timings.commandMs`, all in virtual time. Executed
 * (`commands: "exec"`): the script really runs, and the invocation follows the process, in
 * real time, whatever the virtual clock does. Either way, an instance that stops or
 * terminates ends its invocations, as the agent dies with it.
 */

/** How long the agent takes to pick a command up. */
const DELIVERY_MS = 1_000;
/** How often a running invocation notices that its instance went away. */
const WATCH_MS = 1_000;

export function deliver(
  world: World,
  region: RegionState,
  command: Command,
  invocation: Invocation,
  instance: Instance,
  now: number,
): void {
  if (world.commands === "exec") {
    // A real process follows real time: it starts now, not when a request next moves virtual time.
    start(world, invocation, instance, now);
    execute(world, region, command, invocation);
    return;
  }
  // Timings as they were when the command was sent, however late the events run.
  const finishAt = now + world.timings.commandMs;
  const deliveryMs = Math.min(DELIVERY_MS, world.timings.commandMs / 2);
  world.scheduler.at(now + deliveryMs, `ssm deliver ${command.id} ${instance.id}`, (at) => {
    if (invocation.status !== "Pending") return;
    if (!ssmOnline(instance, at)) return end(invocation, at, "Failed", "Undeliverable");
    start(world, invocation, instance, at);
    simulate(world, command, invocation, at, finishAt);
  });
}

function start(world: World, invocation: Invocation, instance: Instance, at: number): void {
  invocation.status = "InProgress";
  invocation.statusDetails = "InProgress";
  invocation.startedAt = at;
  watch(world, invocation, instance, at);
}

function simulate(world: World, command: Command, invocation: Invocation, startedAt: number, finishAt: number): void {
  const timeoutMs = command.executionTimeoutSeconds * 1000;
  const runMs = Math.max(0, finishAt - startedAt);
  world.scheduler.at(
    startedAt + Math.min(runMs, timeoutMs),
    `ssm finish ${command.id} ${invocation.instanceId}`,
    (at) => {
      if (TERMINAL.has(invocation.status)) return;
      if (runMs > timeoutMs) return end(invocation, at, "TimedOut", "ExecutionTimedOut");
      const lines = command.parameters.commands?.length ?? 0;
      if (world.faults.takeCommandFailure()) {
        return end(invocation, at, "Failed", "Failed", {
          responseCode: 1,
          stderr: "simulated failure (fault file: failCommands)\n",
        });
      }
      end(invocation, at, "Success", "Success", {
        responseCode: 0,
        stdout: `simulated: ${lines} command line${lines === 1 ? "" : "s"} ran on ${invocation.instanceId}\n`,
      });
    },
  );
}

function execute(world: World, region: RegionState, command: Command, invocation: Invocation): void {
  const run = runScript(
    world,
    {
      instanceId: invocation.instanceId,
      region: region.name,
      lines: command.parameters.commands ?? [],
      workingDirectory: command.parameters.workingDirectory?.[0],
      timeoutSeconds: command.executionTimeoutSeconds,
    },
    (result) => {
      delete invocation.kill;
      if (TERMINAL.has(invocation.status)) return;
      // The process ended now in real time; the record says when that was in virtual time.
      const at = world.clock.now();
      const output = { stdout: result.stdout, stderr: result.stderr };
      if (result.timedOut) return end(invocation, at, "TimedOut", "ExecutionTimedOut", output);
      const responseCode = result.exitCode ?? 1;
      if (responseCode === 0) end(invocation, at, "Success", "Success", { ...output, responseCode });
      else end(invocation, at, "Failed", "Failed", { ...output, responseCode });
    },
  );
  if (!TERMINAL.has(invocation.status)) invocation.kill = run.kill;
}

/** Ends the invocation when its instance stops or terminates: the agent goes down with it. */
function watch(world: World, invocation: Invocation, instance: Instance, from: number): void {
  world.scheduler.at(from + WATCH_MS, `ssm watch ${invocation.commandId} ${instance.id}`, (at) => {
    if (TERMINAL.has(invocation.status)) return;
    if (ssmOnline(instance, at)) return watch(world, invocation, instance, at);
    end(invocation, at, "Failed", "Failed", { stderr: `${invocation.stderr}the instance is ${instance.state}\n` });
  });
}

/** Cancels an invocation that has not finished, killing its process. */
export function cancel(invocation: Invocation, at: number): void {
  if (TERMINAL.has(invocation.status)) return;
  end(invocation, at, "Cancelled", "Cancelled");
}

export function end(
  invocation: Invocation,
  at: number,
  status: InvocationStatus,
  statusDetails: string,
  result: { responseCode?: number; stdout?: string; stderr?: string } = {},
): void {
  invocation.kill?.();
  delete invocation.kill;
  invocation.status = status;
  invocation.statusDetails = statusDetails;
  invocation.endedAt = at;
  if (result.responseCode !== undefined) invocation.responseCode = result.responseCode;
  if (result.stdout !== undefined) invocation.stdout = result.stdout;
  if (result.stderr !== undefined) invocation.stderr = result.stderr;
}

/** Ends every running script of the world (when the simulator closes). */
export function stopCommands(world: World, at: number): void {
  for (const region of world.regions()) {
    for (const command of region.ssm.commands.values()) {
      for (const invocation of command.invocations.values()) cancel(invocation, at);
    }
  }
}
