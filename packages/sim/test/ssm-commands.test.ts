import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { terminateInstance } from "../src/services/ec2/instances.ts";
import { launch, online, onlineInstances, poll, script } from "./ssm-fixture.ts";
import { useTestSim } from "./support.ts";

const t = useTestSim();

describe("SendCommand", () => {
  it("answers with the command as sent: a UUID, Pending, its parameters and targets", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const { Command } = await t.ssm.send(
      new SendCommandCommand({
        ...script(["echo hello", "uname -a"], { executionTimeout: ["600"] }),
        InstanceIds: [instance?.id as string],
        Comment: "bake shop",
        TimeoutSeconds: 120,
        OutputS3BucketName: "ignored-bucket",
      }),
    );
    expect(Command).toMatchObject({
      CommandId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      DocumentName: "AWS-RunShellScript",
      Status: "Pending",
      StatusDetails: "Pending",
      Comment: "bake shop",
      InstanceIds: [instance?.id],
      Parameters: { commands: ["echo hello", "uname -a"], executionTimeout: ["600"] },
      RequestedDateTime: new Date(t.world.clock.now()),
      ExpiresAfter: new Date(t.world.clock.now() + (120 + 600) * 1000),
      TargetCount: 1,
      CompletedCount: 0,
      TimeoutSeconds: 120,
      OutputS3BucketName: "ignored-bucket",
    });
  });

  it("refuses instances that do not exist or whose agent is not online yet, with InvalidInstanceId", async () => {
    const booting = launch(t.world);
    await expect(
      t.ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds: [booting.id] })),
    ).rejects.toMatchObject({ name: "InvalidInstanceId", message: expect.stringContaining(booting.id) });
    await expect(
      t.ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds: ["i-0000000000000dead"] })),
    ).rejects.toMatchObject({ name: "InvalidInstanceId" });

    await online(t.world, booting);
    await expect(
      t.ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds: [booting.id] })),
    ).resolves.toMatchObject({ Command: { TargetCount: 1 } });
  });

  it("knows only the AWS-RunShellScript document and its parameters", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceIds = [instance?.id as string];
    await expect(
      t.ssm.send(new SendCommandCommand({ DocumentName: "Acme-Deploy", Parameters: {}, InstanceIds })),
    ).rejects.toMatchObject({ name: "InvalidDocument" });
    await expect(
      t.ssm.send(new SendCommandCommand({ DocumentName: "AWS-RunShellScript", Parameters: {}, InstanceIds })),
    ).rejects.toMatchObject({ name: "InvalidParameters", message: expect.stringContaining("commands") });
    await expect(
      t.ssm.send(new SendCommandCommand({ ...script(["true"], { shell: ["zsh"] }), InstanceIds })),
    ).rejects.toMatchObject({ name: "InvalidParameters" });
    await expect(
      t.ssm.send(new SendCommandCommand({ ...script(["true"], { executionTimeout: ["soon"] }), InstanceIds })),
    ).rejects.toMatchObject({ name: "InvalidParameters" });
    await expect(t.ssm.send(new SendCommandCommand({ ...script(["true"]) }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("sends to the instances Targets choose, by id or by tag", async () => {
    const web = await onlineInstances(t.world, 2, [{ Key: "role", Value: "web" }]);
    await onlineInstances(t.world, 1, [{ Key: "role", Value: "worker" }]);
    const byTag = await t.ssm.send(
      new SendCommandCommand({ ...script(["true"]), Targets: [{ Key: "tag:role", Values: ["web"] }] }),
    );
    expect(byTag.Command?.TargetCount).toBe(2);
    const invocations = await t.ssm.send(new ListCommandInvocationsCommand({ CommandId: byTag.Command?.CommandId }));
    expect(invocations.CommandInvocations?.map((i) => i.InstanceId).sort()).toEqual(web.map((i) => i.id).sort());

    const byId = await t.ssm.send(
      new SendCommandCommand({
        ...script(["true"]),
        Targets: [{ Key: "InstanceIds", Values: [web[0]?.id as string] }],
      }),
    );
    expect(byId.Command?.TargetCount).toBe(1);
    await expect(
      t.ssm.send(
        new SendCommandCommand({ ...script(["true"]), Targets: [{ Key: "InstanceIds", Values: ["i-0bad"] }] }),
      ),
    ).rejects.toMatchObject({ name: "InvalidInstanceId" });
  });
});

describe("an invocation over (virtual) time", () => {
  it("does not exist for a moment after SendCommand, then runs and succeeds after commandMs", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceId = instance?.id as string;
    const sentAt = t.world.clock.now();
    const { Command } = await t.ssm.send(new SendCommandCommand({ ...script(["echo hi"]), InstanceIds: [InstanceId] }));
    const CommandId = Command?.CommandId as string;

    await expect(t.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }))).rejects.toMatchObject({
      name: "InvocationDoesNotExist",
    });

    await t.world.clock.sleep(t.world.timings.consistencyMs);
    const running = await t.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));
    expect(running).toMatchObject({
      Status: "InProgress",
      StatusDetails: "InProgress",
      ResponseCode: -1,
      ExecutionEndDateTime: "",
      PluginName: "aws:runShellScript",
    });
    expect(Date.parse(running.ExecutionStartDateTime as string)).toBeGreaterThan(sentAt);

    const done = await poll(t.world, t.ssm, CommandId, InstanceId);
    expect(done).toMatchObject({
      Status: "Success",
      StatusDetails: "Success",
      ResponseCode: 0,
      StandardOutputContent: expect.stringContaining("simulated"),
      StandardErrorContent: "",
    });
    expect(Date.parse(done.ExecutionEndDateTime as string)).toBe(sentAt + t.world.timings.commandMs);
    expect(done.ExecutionElapsedTime).toMatch(/^PT\d+\.\d{3}S$/);

    const { Commands } = await t.ssm.send(new ListCommandsCommand({ CommandId }));
    expect(Commands?.[0]).toMatchObject({ Status: "Success", CompletedCount: 1, ErrorCount: 0 });
  });

  it("answers InvocationDoesNotExist for an instance the command was not sent to", async () => {
    const [a, b] = await onlineInstances(t.world, 2);
    const { Command } = await t.ssm.send(
      new SendCommandCommand({ ...script(["true"]), InstanceIds: [a?.id as string] }),
    );
    await t.world.clock.sleep(10_000);
    await expect(
      t.ssm.send(new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: b?.id })),
    ).rejects.toMatchObject({ name: "InvocationDoesNotExist" });
  });

  it("times out when the script runs longer than executionTimeout", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    t.world.timings.commandMs = 120_000;
    const { Command } = await t.ssm.send(
      new SendCommandCommand({
        ...script(["sleep 600"], { executionTimeout: ["30"] }),
        InstanceIds: [instance?.id as string],
      }),
    );
    const done = await poll(t.world, t.ssm, Command?.CommandId as string, instance?.id as string);
    expect(done).toMatchObject({ Status: "TimedOut", StatusDetails: "ExecutionTimedOut" });
    const elapsed = Date.parse(done.ExecutionEndDateTime as string) - Date.parse(done.ExecutionStartDateTime as string);
    expect(elapsed).toBe(30_000);
  });

  it("fails as many invocations as the failCommands fault says, then succeeds again", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceId = instance?.id as string;
    t.world.faults.load({ failCommands: 1 });
    const run = async () => {
      const { Command } = await t.ssm.send(new SendCommandCommand({ ...script(["make"]), InstanceIds: [InstanceId] }));
      return poll(t.world, t.ssm, Command?.CommandId as string, InstanceId);
    };
    expect(await run()).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: 1 });
    expect(await run()).toMatchObject({ Status: "Success", ResponseCode: 0 });
  });

  it("is cancelled by CancelCommand while it runs", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceId = instance?.id as string;
    t.world.timings.commandMs = 600_000;
    const { Command } = await t.ssm.send(
      new SendCommandCommand({ ...script(["sleep 600"]), InstanceIds: [InstanceId] }),
    );
    const CommandId = Command?.CommandId as string;
    await poll(t.world, t.ssm, CommandId, InstanceId, (s) => s.Status === "InProgress");
    await t.ssm.send(new CancelCommandCommand({ CommandId }));
    const state = await t.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));
    expect(state).toMatchObject({ Status: "Cancelled", StatusDetails: "Cancelled" });
    await t.world.clock.sleep(600_000);
    expect((await t.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }))).Status).toBe("Cancelled");

    await expect(
      t.ssm.send(new CancelCommandCommand({ CommandId: "00000000-0000-4000-8000-000000000000" })),
    ).rejects.toMatchObject({ name: "InvalidCommandId" });
  });

  it("ends when its instance terminates: Failed while running, Undeliverable before the agent got it", async () => {
    const [running, early] = await onlineInstances(t.world, 2);
    t.world.timings.commandMs = 600_000;
    const first = await t.ssm.send(
      new SendCommandCommand({ ...script(["sleep 600"]), InstanceIds: [running?.id as string] }),
    );
    await poll(
      t.world,
      t.ssm,
      first.Command?.CommandId as string,
      running?.id as string,
      (s) => s.Status === "InProgress",
    );
    terminateInstance(t.world, running as never, t.world.now());
    const failed = await poll(t.world, t.ssm, first.Command?.CommandId as string, running?.id as string);
    expect(failed).toMatchObject({ Status: "Failed", StatusDetails: "Failed", ResponseCode: -1 });
    expect(failed.StandardErrorContent).toContain("shutting-down");

    const second = await t.ssm.send(
      new SendCommandCommand({ ...script(["true"]), InstanceIds: [early?.id as string] }),
    );
    terminateInstance(t.world, early as never, t.world.now());
    const undelivered = await poll(t.world, t.ssm, second.Command?.CommandId as string, early?.id as string);
    expect(undelivered).toMatchObject({ Status: "Failed", StatusDetails: "Undeliverable" });
  });
});

describe("listing commands and invocations", () => {
  it("pages through invocations newest first, with each plugin's output when Details is set", async () => {
    const instances = await onlineInstances(t.world, 3);
    const InstanceIds = instances.map((i) => i.id);
    const older = await t.ssm.send(new SendCommandCommand({ ...script(["echo one"]), InstanceIds }));
    await t.world.clock.sleep(1000);
    const newer = await t.ssm.send(new SendCommandCommand({ ...script(["echo two"]), InstanceIds }));
    await t.world.clock.sleep(60_000);

    const seen: { CommandId?: string; InstanceId?: string }[] = [];
    let NextToken: string | undefined;
    do {
      const page = await t.ssm.send(new ListCommandInvocationsCommand({ MaxResults: 4, NextToken, Details: true }));
      expect(page.CommandInvocations?.length).toBeLessThanOrEqual(4);
      for (const i of page.CommandInvocations ?? []) {
        seen.push({ CommandId: i.CommandId, InstanceId: i.InstanceId });
        expect(i.CommandPlugins).toEqual([
          expect.objectContaining({
            Name: "aws:runShellScript",
            Status: "Success",
            ResponseCode: 0,
            Output: expect.stringContaining("simulated"),
          }),
        ]);
      }
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen.map((s) => s.CommandId)).toEqual([
      ...Array(3).fill(newer.Command?.CommandId),
      ...Array(3).fill(older.Command?.CommandId),
    ]);

    const withoutDetails = await t.ssm.send(
      new ListCommandInvocationsCommand({ CommandId: older.Command?.CommandId, InstanceId: InstanceIds[1] }),
    );
    expect(withoutDetails.CommandInvocations).toEqual([
      expect.objectContaining({ InstanceId: InstanceIds[1], Status: "Success", CommandPlugins: [] }),
    ]);
    await expect(t.ssm.send(new ListCommandInvocationsCommand({ MaxResults: 51 }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("lists commands newest first and filters them by status", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    const InstanceIds = [instance?.id as string];
    const done = await t.ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds }));
    await t.world.clock.sleep(60_000);
    t.world.timings.commandMs = 600_000;
    const busy = await t.ssm.send(new SendCommandCommand({ ...script(["sleep 600"]), InstanceIds }));
    await t.world.clock.sleep(10_000);

    const all = await t.ssm.send(new ListCommandsCommand({}));
    expect(all.Commands?.map((c) => [c.CommandId, c.Status])).toEqual([
      [busy.Command?.CommandId, "InProgress"],
      [done.Command?.CommandId, "Success"],
    ]);
    const succeeded = await t.ssm.send(new ListCommandsCommand({ Filters: [{ key: "Status", value: "Success" }] }));
    expect(succeeded.Commands?.map((c) => c.CommandId)).toEqual([done.Command?.CommandId]);
    await expect(
      t.ssm.send(new ListCommandsCommand({ CommandId: "00000000-0000-4000-8000-000000000000" })),
    ).rejects.toMatchObject({
      name: "InvalidCommandId",
    });
  });
});

describe("throttling", () => {
  it("answers ThrottlingException when a fault says so, and records the call", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    t.world.faults.add({ operation: "ssm:SendCommand", kind: "throttle", count: 1 });
    const send = () =>
      t.ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds: [instance?.id as string] }));
    await expect(send()).rejects.toMatchObject({ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
    await expect(send()).resolves.toMatchObject({ Command: { Status: "Pending" } });
    expect(t.world.calls.records.filter((r) => r.operation === "ssm:SendCommand").map((r) => r.error)).toEqual([
      "ThrottlingException",
      undefined,
    ]);
  });
});
