import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { scaledClock } from "../src/clock.ts";
import { defaultSecurityGroupId, defaultSubnetId, defaultVpcId } from "../src/services/ec2/defaults.ts";
import { BASE_IMAGE, run, running } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

const instancesOf = (out: DescribeInstancesCommandOutput) => (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);

async function describe1(id: string) {
  const out = await t.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return instancesOf(out)[0];
}

describe("RunInstances", () => {
  it("launches MaxCount pending instances in one reservation, with what was asked for", async () => {
    const subnetId = defaultSubnetId(REGION, `${REGION}b`);
    const userData = Buffer.from("#!/bin/bash\necho hi\n").toString("base64");
    const instances = await run(t, {
      MinCount: 1,
      MaxCount: 2,
      SubnetId: subnetId,
      UserData: userData,
      IamInstanceProfile: { Name: "builder" },
      MetadataOptions: { HttpTokens: "required" },
      InstanceInitiatedShutdownBehavior: "terminate",
      TagSpecifications: [
        { ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] },
        { ResourceType: "volume", Tags: [{ Key: "Name", Value: "web-root" }] },
      ],
    });

    expect(instances).toHaveLength(2);
    const [first] = instances;
    expect(first).toMatchObject({
      ImageId: BASE_IMAGE,
      InstanceType: "t3.micro",
      State: { Code: 0, Name: "pending" },
      SubnetId: subnetId,
      VpcId: defaultVpcId(REGION),
      Placement: { AvailabilityZone: `${REGION}b` },
      SecurityGroups: [{ GroupId: defaultSecurityGroupId(REGION), GroupName: "default" }],
      IamInstanceProfile: { Arn: `arn:aws:iam::${t.world.accountId}:instance-profile/builder` },
      MetadataOptions: { HttpTokens: "required" },
      Architecture: "x86_64",
      LaunchTime: new Date(t.world.clock.now()),
      Tags: [{ Key: "Name", Value: "web" }],
    });
    expect(first?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(first?.PrivateDnsName).toBe(
      `ip-${first?.PrivateIpAddress?.replaceAll(".", "-")}.${REGION}.compute.internal`,
    );

    const stored = t.world.region(REGION).ec2.instances.get(first?.InstanceId as string);
    expect(stored).toMatchObject({ userData, shutdownBehavior: "terminate" });

    t.world.clock.advance(t.world.timings.consistencyMs);
    const out = await t.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: instances.map((i) => i.InstanceId ?? "") }),
    );
    expect(out.Reservations).toHaveLength(1);
    expect(out.Reservations?.[0]?.OwnerId).toBe(t.world.accountId);
    expect(out.Reservations?.[0]?.Instances).toHaveLength(2);
  });

  it("refuses what AWS refuses, with AWS's error codes", async () => {
    const cases: [Parameters<typeof run>[1], string][] = [
      [{ ImageId: "ami-0123456789abcdef0" }, "InvalidAMIID.NotFound"],
      [{ ImageId: "ami-nope" }, "InvalidAMIID.Malformed"],
      [{ ImageId: undefined }, "MissingParameter"],
      [{ SubnetId: "subnet-0123456789abcdef0" }, "InvalidSubnetID.NotFound"],
      [{ SecurityGroupIds: ["sg-0123456789abcdef0"] }, "InvalidGroup.NotFound"],
      [{ UserData: "not base64!" }, "InvalidParameterValue"],
      [{ MinCount: 3, MaxCount: 2 }, "InvalidParameterValue"],
      [{ MetadataOptions: { HttpTokens: "sometimes" as "required" } }, "InvalidParameterValue"],
      [
        { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "aws:x", Value: "y" }] }] },
        "InvalidTagKey.Malformed",
      ],
      [{ TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "a", Value: "b" }] }] }, "InvalidParameterValue"],
    ];
    for (const [input, code] of cases) {
      await expect(run(t, input), JSON.stringify(input)).rejects.toMatchObject({ name: code });
    }
    expect(t.world.region(REGION).ec2.instances.size).toBe(0);
  });
});

describe("DescribeInstances", () => {
  it("answers NotFound for a just-launched id, then shows it pending, then running", async () => {
    const [instance] = await run(t);
    const id = instance?.InstanceId as string;

    await expect(describe1(id)).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
    t.world.clock.advance(t.world.timings.consistencyMs);
    expect((await describe1(id))?.State).toEqual({ Code: 0, Name: "pending" });
    t.world.clock.advance(t.world.timings.instanceBootMs);
    expect((await describe1(id))?.State).toEqual({ Code: 16, Name: "running" });
  });

  it("tells a malformed instance id from an unknown one", async () => {
    await expect(describe1("i-123")).rejects.toMatchObject({ name: "InvalidInstanceID.Malformed" });
    await expect(describe1("i-0123456789abcdef0")).rejects.toMatchObject({
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
  });

  it("filters by state, tag, tag key, image and subnet, with wildcards", async () => {
    const subnetC = defaultSubnetId(REGION, `${REGION}c`);
    const web = await running(t, {
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "role", Value: "web-1" }] }],
    });
    const worker = await running(t, {
      SubnetId: subnetC,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: "core" }] }],
    });
    await t.ec2.send(new StopInstancesCommand({ InstanceIds: [worker] }));

    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      instancesOf(await t.ec2.send(new DescribeInstancesCommand({ Filters }))).map((i) => i.InstanceId);
    expect(await ids([{ Name: "instance-state-name", Values: ["running"] }])).toEqual([web]);
    expect(await ids([{ Name: "instance-state-name", Values: ["running", "stopping"] }])).toEqual([web, worker]);
    expect(await ids([{ Name: "tag:role", Values: ["web-?"] }])).toEqual([web]);
    expect(await ids([{ Name: "tag-key", Values: ["team"] }])).toEqual([worker]);
    expect(await ids([{ Name: "subnet-id", Values: [subnetC] }])).toEqual([worker]);
    expect(await ids([{ Name: "instance-id", Values: [web] }])).toEqual([web]);
    expect(
      await ids([
        { Name: "image-id", Values: [BASE_IMAGE] },
        { Name: "tag:role", Values: ["*"] },
      ]),
    ).toEqual([web]);
    await expect(ids([{ Name: "colour", Values: ["red"] }])).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });

  it("pages with MaxResults (5 to 1000) and NextToken, never together with instance ids", async () => {
    const launched = (await run(t, { MinCount: 7, MaxCount: 7 })).map((i) => i.InstanceId);
    const first = await t.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(instancesOf(first)).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    const second = await t.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    expect([...instancesOf(first), ...instancesOf(second)].map((i) => i.InstanceId)).toEqual(launched);

    await expect(t.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
    await expect(
      t.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [launched[0] as string] })),
    ).rejects.toMatchObject({ name: "InvalidParameterCombination" });
  });
});

describe("StopInstances and TerminateInstances", () => {
  it("move instances through stopping, stopped, shutting-down and terminated over virtual time", async () => {
    const id = await running(t);
    const stop = await t.ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(stop.StoppingInstances).toEqual([
      { InstanceId: id, PreviousState: { Code: 16, Name: "running" }, CurrentState: { Code: 64, Name: "stopping" } },
    ]);
    t.world.clock.advance(t.world.timings.instanceStopMs);
    expect(await describe1(id)).toMatchObject({
      State: { Code: 80, Name: "stopped" },
      StateReason: { Code: "Client.UserInitiatedShutdown" },
    });

    const terminate = await t.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminate.TerminatingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 80, Name: "stopped" },
        CurrentState: { Code: 32, Name: "shutting-down" },
      },
    ]);
    t.world.clock.advance(t.world.timings.instanceTerminateMs);
    expect((await describe1(id))?.State).toEqual({ Code: 48, Name: "terminated" });

    const again = await t.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances?.[0]?.CurrentState).toEqual({ Code: 48, Name: "terminated" });
    await expect(t.ec2.send(new StopInstancesCommand({ InstanceIds: [id] }))).rejects.toMatchObject({
      name: "IncorrectInstanceState",
    });
  });

  it("changes nothing when one of the ids is unknown", async () => {
    const id = await running(t);
    await expect(
      t.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, "i-0123456789abcdef0"] })),
    ).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
    expect((await describe1(id))?.State?.Name).toBe("running");
  });
});

describe("CreateTags and DeleteTags", () => {
  it("tag an instance once it can be found, replacing values by key", async () => {
    const [instance] = await run(t, {
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "1" }] }],
    });
    const id = instance?.InstanceId as string;
    const tag = (Key: string, Value: string) =>
      t.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value }] }));

    await expect(tag("b", "2")).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
    t.world.clock.advance(t.world.timings.consistencyMs);
    await tag("b", "2");
    await tag("a", "changed");
    expect((await describe1(id))?.Tags).toEqual([
      { Key: "a", Value: "changed" },
      { Key: "b", Value: "2" },
    ]);

    await t.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "a", Value: "other" }, { Key: "b" }] }));
    expect((await describe1(id))?.Tags).toEqual([{ Key: "a", Value: "changed" }]);
    await t.ec2.send(new DeleteTagsCommand({ Resources: [id] }));
    expect((await describe1(id))?.Tags).toBeUndefined();
  });

  it("answer each resource kind's NotFound, InvalidID for what is no resource, and refuse aws: keys", async () => {
    const tags = [{ Key: "k", Value: "v" }];
    const tag = (id: string, Tags = tags) => t.ec2.send(new CreateTagsCommand({ Resources: [id], Tags }));
    await expect(tag("ami-0123456789abcdef0")).rejects.toMatchObject({ name: "InvalidAMIID.NotFound" });
    await expect(tag("snap-0123456789abcdef0")).rejects.toMatchObject({ name: "InvalidSnapshot.NotFound" });
    await expect(tag("lt-0123456789abcdef0")).rejects.toMatchObject({ name: "InvalidLaunchTemplateId.NotFound" });
    await expect(tag("i-0123456789abcdef0")).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
    await expect(tag("banana-1")).rejects.toMatchObject({ name: "InvalidID" });
    const id = await running(t);
    await expect(tag(id, [{ Key: "aws:owner", Value: "me" }])).rejects.toMatchObject({
      name: "InvalidTagKey.Malformed",
    });
  });
});

describe("the SDK's waiters", () => {
  // 2000 times real speed: NotFound for 30 ms of real time, then pending for 15 ms.
  const scaled = useTestSim(() => ({ clock: scaledClock(2000), timings: { consistencyMs: 60_000 } }));

  it("waitUntilInstanceRunning rides out NotFound and pending on a fast clock", async () => {
    const [instance] = await run(scaled);
    const result = await waitUntilInstanceRunning(
      { client: scaled.ec2, minDelay: 0.005, maxDelay: 0.02, maxWaitTime: 10 },
      { InstanceIds: [instance?.InstanceId as string] },
    );
    expect(result.state).toBe("SUCCESS");
    expect(scaled.world.calls.records.some((r) => r.error === "InvalidInstanceID.NotFound")).toBe(true);
  });
});
