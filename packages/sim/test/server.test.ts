import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServer, World } from "../src/index.ts";
import type { SimServer } from "../src/server.ts";

let world: World;
let server: SimServer;

beforeEach(async () => {
  world = new World();
  server = await startServer(world);
});
afterEach(() => server.close());

const clientConfig = () => ({
  endpoint: server.url,
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
  maxAttempts: 1,
});

describe("the wire protocols", () => {
  it("answers an unknown EC2 action with EC2's error envelope", async () => {
    const ec2 = new EC2Client(clientConfig());
    world.faults.add({ operation: "ec2:DescribeInstances", kind: "error", status: 400 });
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: "InternalError",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("gives each service its own throttling error, which the SDK retries", async () => {
    world.faults.add({ operation: "*", kind: "throttle" });
    const ec2 = new EC2Client(clientConfig());
    const asg = new AutoScalingClient(clientConfig());
    const ssm = new SSMClient(clientConfig());
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "RequestLimitExceeded" });
    await expect(asg.send(new DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({ name: "Throttling" });
    await expect(ssm.send(new GetParameterCommand({ Name: "/x" }))).rejects.toMatchObject({
      name: "ThrottlingException",
    });
    expect(world.calls.counts()).toEqual({
      "ec2:DescribeInstances": 1,
      "autoscaling:DescribeAutoScalingGroups": 1,
      "ssm:GetParameter": 1,
    });
    expect(world.calls.records.every((r) => r.region === "eu-west-1")).toBe(true);
  });

  it("retries throttled calls up to the SDK's attempts, counting each", async () => {
    world.faults.add({ operation: "ssm:GetParameter", kind: "throttle", count: 2 });
    const ssm = new SSMClient({ ...clientConfig(), maxAttempts: 3 });
    await expect(ssm.send(new GetParameterCommand({ Name: "/x" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    expect(world.calls.records.map((r) => r.error)).toEqual([
      "ThrottlingException",
      "ThrottlingException",
      "ParameterNotFound",
    ]);
  });
});
