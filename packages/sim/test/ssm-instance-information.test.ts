import {
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  type InstanceInformation,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { stopInstance } from "../src/services/ec2/instances.ts";
import { launch, onlineInstances } from "./ssm-fixture.ts";
import { useTestSim } from "./support.ts";

const t = useTestSim();

describe("DescribeInstanceInformation", () => {
  it("lists an instance only once its agent is online: not while it boots, nor in the agent's delay after", async () => {
    const instance = launch(t.world, [{ Key: "role", Value: "builder" }]);
    const ids = async () =>
      (
        await t.ssm.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [instance.id] }] }),
        )
      ).InstanceInformationList?.map((i) => [i.InstanceId, i.PingStatus]);

    expect(await ids()).toEqual([]);
    await t.world.clock.sleep(t.world.timings.instanceBootMs);
    t.world.now();
    expect(instance.state).toBe("running");
    expect(await ids()).toEqual([]);
    await t.world.clock.sleep(t.world.timings.ssmAgentMs);
    expect(await ids()).toEqual([[instance.id, "Online"]]);

    const { InstanceInformationList } = await t.ssm.send(new DescribeInstanceInformationCommand({}));
    expect(InstanceInformationList?.[0]).toMatchObject({
      InstanceId: instance.id,
      PingStatus: "Online",
      PlatformType: "Linux",
      ResourceType: "EC2Instance",
      IPAddress: instance.privateIpAddress,
      AgentVersion: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      LastPingDateTime: new Date(t.world.clock.now()),
    } satisfies InstanceInformation);
  });

  it("drops an instance whose agent went away with it", async () => {
    const [instance] = await onlineInstances(t.world, 1);
    stopInstance(t.world, instance as never, t.world.now());
    const { InstanceInformationList } = await t.ssm.send(new DescribeInstanceInformationCommand({}));
    expect(InstanceInformationList).toEqual([]);
  });

  it("pages with MaxResults between 5 and 50", async () => {
    const instances = await onlineInstances(t.world, 7);
    const first = await t.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(first.InstanceInformationList).toHaveLength(5);
    const second = await t.ssm.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: first.NextToken }),
    );
    expect(second.InstanceInformationList).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.InstanceInformationList ?? []), ...(second.InstanceInformationList ?? [])].map((i) => i.InstanceId),
    ).toEqual(instances.map((i) => i.id));
    await expect(t.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 4 }))).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(
      t.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: "bm9wZQ" })),
    ).rejects.toMatchObject({ name: "InvalidNextToken" });
  });

  it("filters by instance id, ping status and tag; the legacy filter list refuses unknown instances", async () => {
    const [web] = await onlineInstances(t.world, 1, [{ Key: "role", Value: "web" }]);
    const [worker] = await onlineInstances(t.world, 1, [{ Key: "role", Value: "worker" }]);
    const ids = async (input: DescribeInstanceInformationCommandInput) =>
      (await t.ssm.send(new DescribeInstanceInformationCommand(input))).InstanceInformationList?.map(
        (i) => i.InstanceId,
      );

    expect(await ids({ Filters: [{ Key: "tag:role", Values: ["worker"] }] })).toEqual([worker?.id]);
    expect(await ids({ Filters: [{ Key: "PingStatus", Values: ["ConnectionLost"] }] })).toEqual([]);
    expect(
      await ids({ InstanceInformationFilterList: [{ key: "InstanceIds", valueSet: [web?.id as string] }] }),
    ).toEqual([web?.id]);
    await expect(
      ids({ InstanceInformationFilterList: [{ key: "InstanceIds", valueSet: ["i-0000000000000dead"] }] }),
    ).rejects.toMatchObject({ name: "InvalidInstanceId" });
    await expect(ids({ Filters: [{ Key: "Colour", Values: ["blue"] }] })).rejects.toMatchObject({
      name: "InvalidFilterKey",
    });
  });
});
