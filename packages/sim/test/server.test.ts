import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { useTestSim } from "./support.ts";

const t = useTestSim();

describe("the wire protocols", () => {
  it("answers an unknown EC2 action with EC2's error envelope", async () => {
    t.world.faults.add({ operation: "ec2:DescribeInstances", kind: "error", status: 400 });
    await expect(t.ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: "InternalError",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("gives each service its own throttling error, which the SDK retries", async () => {
    t.world.faults.add({ operation: "*", kind: "throttle" });
    await expect(t.ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "RequestLimitExceeded" });
    await expect(t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({
      name: "Throttling",
    });
    await expect(t.ssm.send(new GetParameterCommand({ Name: "/x" }))).rejects.toMatchObject({
      name: "ThrottlingException",
    });
    expect(t.world.calls.counts()).toEqual({
      "ec2:DescribeInstances": 1,
      "autoscaling:DescribeAutoScalingGroups": 1,
      "ssm:GetParameter": 1,
    });
    expect(t.world.calls.records.every((r) => r.region === "eu-west-1")).toBe(true);
  });

  it("retries throttled calls up to the SDK's attempts, counting each", async () => {
    t.world.faults.add({ operation: "ssm:GetParameter", kind: "throttle", count: 2 });
    const ssm = new SSMClient({ ...t.clientConfig(), maxAttempts: 3 });
    await expect(ssm.send(new GetParameterCommand({ Name: "/x" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    expect(t.world.calls.records.map((r) => r.error)).toEqual([
      "ThrottlingException",
      "ThrottlingException",
      "ParameterNotFound",
    ]);
  });
});
