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

  it("adds a latency fault's delay before answering, and only to the operation named", async () => {
    t.world.faults.add({ operation: "ec2:DescribeInstances", kind: "latency", latencyMs: 300 });
    const slow = performance.now();
    await t.ec2.send(new DescribeInstancesCommand({}));
    expect(performance.now() - slow).toBeGreaterThanOrEqual(300);
    await t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(t.world.calls.records.map((r) => [r.operation, r.error])).toEqual([
      ["ec2:DescribeInstances", undefined],
      ["autoscaling:DescribeAutoScalingGroups", undefined],
    ]);
  });

  it("answers a 503 fault with the service's own unavailable code", async () => {
    t.world.faults.add({ operation: "autoscaling:*", kind: "error", status: 503, count: 1 });
    await expect(t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({
      name: "ServiceUnavailable",
      $metadata: { httpStatusCode: 503 },
    });
    await expect(t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).resolves.toMatchObject({
      AutoScalingGroups: [],
    });
  });
});
