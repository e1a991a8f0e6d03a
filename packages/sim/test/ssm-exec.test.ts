import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { terminateInstance } from "../src/services/ec2/instances.ts";
import { instanceDirectory } from "../src/services/ssm/exec.ts";
import { onlineInstances, poll, script } from "./ssm-fixture.ts";
import { useTestSim } from "./support.ts";

const t = useTestSim({ commands: "exec" });

async function run(instanceId: string, commands: string[], extra: Record<string, string[]> = {}) {
  const { Command } = await t.ssm.send(
    new SendCommandCommand({ ...script(commands, extra), InstanceIds: [instanceId] }),
  );
  const CommandId = Command?.CommandId as string;
  return { CommandId, result: await poll(t.world, t.ssm, CommandId, instanceId) };
}

/** Waits in real time until a file exists (a script has reached a point). */
async function fileAppears(path: string): Promise<void> {
  for (let i = 0; i < 500 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  return !alive(pid);
}

describe("AWS-RunShellScript in exec mode", () => {
  it("runs the lines with bash and reports their output and exit code", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const { result } = await run(instance?.id as string, [
      "echo hello from $AWS_SSM_INSTANCE_ID",
      "echo oops >&2",
      "true",
    ]);
    expect(result).toMatchObject({
      Status: "Success",
      StatusDetails: "Success",
      ResponseCode: 0,
      StandardOutputContent: `hello from ${instance?.id}\n`,
      StandardErrorContent: "oops\n",
    });
  });

  it("fails with the script's exit code", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const { CommandId, result } = await run(instance?.id as string, ["echo about to fail", "exit 3"]);
    expect(result).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 3 });
    const { CommandInvocations } = await t.ssm.send(new ListCommandInvocationsCommand({ CommandId, Details: true }));
    expect(CommandInvocations?.[0]?.CommandPlugins?.[0]).toMatchObject({
      Status: "Failed",
      ResponseCode: 3,
      Output: "about to fail\n",
    });
  });

  it("gives each instance its own directory, kept across commands, with HOME and workingDirectory inside it", async () => {
    const [a, b] = await onlineInstances(t.world, 2);
    const aId = a?.id as string;
    const bId = b?.id as string;
    await run(aId, ["echo first > state.txt"], { workingDirectory: ["/opt/app"] });
    const again = await run(aId, ["pwd", "cat state.txt", 'echo "$HOME"'], { workingDirectory: ["/opt/app"] });
    const home = instanceDirectory(t.world, aId);
    expect(again.result.StandardOutputContent).toBe(`${join(home, "opt/app")}\nfirst\n${home}\n`);
    expect(readFileSync(join(home, "opt/app/state.txt"), "utf8")).toBe("first\n");

    const other = await run(bId, ["cat state.txt"], { workingDirectory: ["/opt/app"] });
    expect(other.result).toMatchObject({ Status: "Failed", ResponseCode: 1 });
    expect(other.result.StandardErrorContent).toContain("No such file");

    const outside = await run(bId, ["pwd"], { workingDirectory: ["/../.."] });
    expect(outside.result).toMatchObject({
      Status: "Failed",
      StandardErrorContent: expect.stringContaining("not valid"),
    });
  });

  it("passes the agent's environment, not the simulator's", async () => {
    process.env.SIM_TEST_SECRET = "do-not-leak";
    try {
      const [instance] = await onlineInstances(t.world, 1);
      const { result } = await run(instance?.id as string, ["env"]);
      expect(result.StandardOutputContent).toContain("AWS_SSM_REGION_NAME=eu-west-1");
      expect(result.StandardOutputContent).not.toContain("do-not-leak");
    } finally {
      delete process.env.SIM_TEST_SECRET;
    }
  });

  it("stays InProgress while the process runs, however far virtual time jumps", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceId = instance?.id as string;
    const marker = join(instanceDirectory(t.world, InstanceId), "started");
    const release = join(instanceDirectory(t.world, InstanceId), "release");
    const { Command } = await t.ssm.send(
      new SendCommandCommand({
        ...script([`touch ${marker}`, `while [ ! -e ${release} ]; do sleep 0.02; done`, "echo released"]),
        InstanceIds: [InstanceId],
      }),
    );
    const CommandId = Command?.CommandId as string;
    await fileAppears(marker);
    await t.world.clock.sleep(6 * 3600_000);
    expect(await t.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }))).toMatchObject({
      Status: "InProgress",
      ResponseCode: -1,
    });
    const releasedAt = t.world.clock.now();
    await import("node:fs/promises").then((fs) => fs.writeFile(release, ""));
    const done = await poll(t.world, t.ssm, CommandId, InstanceId);
    expect(done).toMatchObject({ Status: "Success", StandardOutputContent: "released\n" });
    expect(Date.parse(done.ExecutionEndDateTime as string)).toBeGreaterThanOrEqual(releasedAt);
  });

  it("times out at executionTimeout and kills the process", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const pidFile = join(instanceDirectory(t.world, instance?.id as string), "pid");
    const { result } = await run(instance?.id as string, [`echo $$ > ${pidFile}`, "sleep 30", "echo never"], {
      executionTimeout: ["1"],
    });
    expect(result).toMatchObject({ Status: "TimedOut", StatusDetails: "ExecutionTimedOut", ResponseCode: -1 });
    expect(result.StandardOutputContent).toBe("");
    expect(await gone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("kills the process on CancelCommand, and when the instance terminates", async () => {
    const [a, b] = await onlineInstances(t.world, 2);
    const started = async (instanceId: string) => {
      const pidFile = join(instanceDirectory(t.world, instanceId), "pid");
      const { Command } = await t.ssm.send(
        new SendCommandCommand({
          ...script([`echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}`, "sleep 30"]),
          InstanceIds: [instanceId],
        }),
      );
      await fileAppears(pidFile);
      return { CommandId: Command?.CommandId as string, pid: Number(readFileSync(pidFile, "utf8")) };
    };

    const cancelled = await started(a?.id as string);
    await t.ssm.send(new CancelCommandCommand({ CommandId: cancelled.CommandId }));
    expect(await gone(cancelled.pid)).toBe(true);
    expect(await poll(t.world, t.ssm, cancelled.CommandId, a?.id as string)).toMatchObject({ Status: "Cancelled" });

    const orphaned = await started(b?.id as string);
    terminateInstance(t.world, b as never, t.world.now());
    expect(await poll(t.world, t.ssm, orphaned.CommandId, b?.id as string)).toMatchObject({ Status: "Failed" });
    expect(await gone(orphaned.pid)).toBe(true);
  });

  it("keeps the first 24,000 characters of stdout, 8,000 of stderr, and 2,500 in a listed plugin's Output", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const { CommandId, result } = await run(instance?.id as string, [
      "head -c 30000 /dev/zero | tr '\\0' o",
      "head -c 10000 /dev/zero | tr '\\0' e >&2",
    ]);
    expect(result.StandardOutputContent).toBe("o".repeat(24_000));
    expect(result.StandardErrorContent).toBe("e".repeat(8_000));
    const { CommandInvocations } = await t.ssm.send(new ListCommandInvocationsCommand({ CommandId, Details: true }));
    expect(CommandInvocations?.[0]?.CommandPlugins?.[0]?.Output).toBe("o".repeat(2_500));
  });
});
