import {
  AttachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  DeleteAutoScalingGroupCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachTrafficSourcesCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { trafficTargets } from "../src/services/autoscaling/index.ts";
import { converge, createGroup, describeGroup, putLaunchTemplate } from "./autoscaling-fixtures.ts";
import { putImage } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

const tg = (name: string, region = REGION) =>
  `arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/${name}/0123456789abcdef`;
const LATTICE = `arn:aws:vpc-lattice:${REGION}:123456789012:targetgroup/tg-0e2f2665e0123456`;

async function group(name = "web", input: Parameters<typeof createGroup>[2] = {}) {
  const template = putLaunchTemplate(t.world, `${name}-lt`, [putImage(t.world)]);
  return createGroup(t, template, { AutoScalingGroupName: name, DesiredCapacity: 2, ...input });
}

const attachTargetGroups = (name: string, arns: string[]) =>
  t.autoscaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns }));
const detachTargetGroups = (name: string, arns: string[]) =>
  t.autoscaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns }));
const attachSources = (name: string, sources: { Identifier: string; Type?: string }[]) =>
  t.autoscaling.send(new AttachTrafficSourcesCommand({ AutoScalingGroupName: name, TrafficSources: sources }));
const detachSources = (name: string, ids: string[]) =>
  t.autoscaling.send(
    new DetachTrafficSourcesCommand({
      AutoScalingGroupName: name,
      TrafficSources: ids.map((Identifier) => ({ Identifier })),
    }),
  );

async function targetGroupStates(name: string) {
  const { LoadBalancerTargetGroups } = await t.autoscaling.send(
    new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name }),
  );
  return LoadBalancerTargetGroups ?? [];
}

async function sources(name: string, type?: string) {
  const { TrafficSources } = await t.autoscaling.send(
    new DescribeTrafficSourcesCommand({ AutoScalingGroupName: name, TrafficSourceType: type }),
  );
  return (TrafficSources ?? []).map(({ Identifier, Type }) => ({ Identifier, Type }));
}

describe("AttachLoadBalancerTargetGroups, DetachLoadBalancerTargetGroups, DescribeLoadBalancerTargetGroups", () => {
  it("attaches additively and once, and the group lists the target groups as TargetGroupARNs and TrafficSources", async () => {
    await group("web", { TargetGroupARNs: [tg("a")] });
    await attachTargetGroups("web", [tg("b"), tg("a")]);
    await attachTargetGroups("web", [tg("b")]);

    const described = await describeGroup(t, "web");
    expect(described.TargetGroupARNs).toEqual([tg("a"), tg("b")]);
    expect(described.TrafficSources).toEqual([
      { Identifier: tg("a"), Type: "elbv2" },
      { Identifier: tg("b"), Type: "elbv2" },
    ]);
    expect((await targetGroupStates("web")).map((s) => s.LoadBalancerTargetGroupARN)).toEqual([tg("a"), tg("b")]);
  });

  it("reports Adding while instances launch, then InService with ELB health checks and Added without", async () => {
    await group("elb", { HealthCheckType: "ELB", TargetGroupARNs: [tg("a")] });
    await group("ec2", { TargetGroupARNs: [tg("a")] });
    expect((await targetGroupStates("elb"))[0]?.State).toBe("Adding");

    await converge(t, "elb");
    await converge(t, "ec2");
    expect((await targetGroupStates("elb"))[0]?.State).toBe("InService");
    expect((await targetGroupStates("ec2"))[0]?.State).toBe("Added");
  });

  it("detaches only what is attached, with AWS's error for the rest, and leaves the instances running", async () => {
    await group("web", { TargetGroupARNs: [tg("a"), tg("b")] });
    await converge(t, "web");

    await expect(detachTargetGroups("web", [tg("a"), tg("c")])).rejects.toMatchObject({
      name: "ValidationError",
      message: "Trying to remove Target Groups that are not part of the group",
    });
    expect((await describeGroup(t, "web")).TargetGroupARNs).toEqual([tg("a"), tg("b")]);

    await detachTargetGroups("web", [tg("a")]);
    const described = await describeGroup(t, "web");
    expect(described.TargetGroupARNs).toEqual([tg("b")]);
    expect(described.Instances?.filter((i) => i.LifecycleState === "InService")).toHaveLength(2);
  });

  it("refuses malformed, foreign-region and missing target groups, and unknown groups", async () => {
    await group();
    for (const arn of ["not-an-arn", tg("a", "us-east-1"), LATTICE]) {
      await expect(attachTargetGroups("web", [arn])).rejects.toMatchObject({
        name: "ValidationError",
        message: "Provided Target Groups may not be valid. Please ensure they exist and try again.",
      });
    }
    await expect(attachTargetGroups("web", [])).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Value null at 'targetGroupARNs'"),
    });
    await expect(
      attachTargetGroups(
        "web",
        Array.from({ length: 11 }, (_, i) => tg(`t${i}`)),
      ),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("up to 10") });
    await expect(attachTargetGroups("nope", [tg("a")])).rejects.toMatchObject({
      name: "ValidationError",
      message: "AutoScalingGroup name not found - AutoScalingGroup nope not found",
    });
    expect((await describeGroup(t, "web")).TargetGroupARNs).toEqual([]);
  });

  it("refuses to attach while an instance refresh is in progress, and still detaches", async () => {
    await group("web", { TargetGroupARNs: [tg("a")] });
    await converge(t, "web");
    await t.autoscaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: "web" }));

    await expect(attachTargetGroups("web", [tg("b")])).rejects.toMatchObject({
      name: "InstanceRefreshInProgressFault",
    });
    await expect(attachSources("web", [{ Identifier: tg("b") }])).rejects.toMatchObject({
      name: "InstanceRefreshInProgressFault",
    });
    await detachTargetGroups("web", [tg("a")]);
    expect((await describeGroup(t, "web")).TargetGroupARNs).toEqual([]);
  });

  it("pages with MaxRecords up to 100", async () => {
    await group("web", { TargetGroupARNs: [tg("a"), tg("b"), tg("c")] });
    const first = await t.autoscaling.send(
      new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web", MaxRecords: 2 }),
    );
    expect(first.LoadBalancerTargetGroups).toHaveLength(2);
    const second = await t.autoscaling.send(
      new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web", NextToken: first.NextToken }),
    );
    expect(second.LoadBalancerTargetGroups?.map((s) => s.LoadBalancerTargetGroupARN)).toEqual([tg("c")]);
    expect(second.NextToken).toBeUndefined();
    await expect(
      t.autoscaling.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web", MaxRecords: 101 })),
    ).rejects.toMatchObject({ name: "ValidationError" });
  });
});

describe("AttachTrafficSources, DetachTrafficSources, DescribeTrafficSources", () => {
  it("infers the type of an ARN, needs it for a Classic Load Balancer's name, and lists both APIs' attachments", async () => {
    await group("web", { TargetGroupARNs: [tg("a")] });
    await attachSources("web", [
      { Identifier: tg("b") },
      { Identifier: LATTICE },
      { Identifier: "classic-web", Type: "elb" },
    ]);
    await expect(attachSources("web", [{ Identifier: "classic-api" }])).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("needs a Type"),
    });
    await expect(attachSources("web", [{ Identifier: tg("c"), Type: "alb" }])).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Invalid traffic source type alb"),
    });

    expect(await sources("web")).toEqual([
      { Identifier: tg("a"), Type: "elbv2" },
      { Identifier: tg("b"), Type: "elbv2" },
      { Identifier: LATTICE, Type: "vpc-lattice" },
      { Identifier: "classic-web", Type: "elb" },
    ]);
    expect(await sources("web", "vpc-lattice")).toEqual([{ Identifier: LATTICE, Type: "vpc-lattice" }]);
    // The older API sees only what it attached.
    expect((await targetGroupStates("web")).map((s) => s.LoadBalancerTargetGroupARN)).toEqual([tg("a")]);
    expect((await describeGroup(t, "web")).TrafficSources).toHaveLength(4);
  });

  it("detaches what either API attached, but the older API cannot detach a traffic source", async () => {
    await group("web", { TargetGroupARNs: [tg("a")] });
    await attachSources("web", [{ Identifier: tg("b") }]);

    await expect(detachTargetGroups("web", [tg("b")])).rejects.toMatchObject({
      message: "Trying to remove Target Groups that are not part of the group",
    });
    await expect(detachSources("web", [tg("c")])).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("not part of the group"),
    });
    await detachSources("web", [tg("a"), tg("b")]);
    expect(await sources("web")).toEqual([]);
    expect((await describeGroup(t, "web")).TargetGroupARNs).toEqual([]);
  });

  it("pages with MaxRecords up to 50", async () => {
    await group("web", { TargetGroupARNs: [tg("a"), tg("b")] });
    const first = await t.autoscaling.send(
      new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "web", MaxRecords: 1 }),
    );
    expect(first.TrafficSources?.map((s) => s.Identifier)).toEqual([tg("a")]);
    await expect(
      t.autoscaling.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "web", MaxRecords: 51 })),
    ).rejects.toMatchObject({ name: "ValidationError" });
  });
});

describe("trafficTargets", () => {
  it("is the InService, Healthy instances of the groups attached, not those detached or being deleted", async () => {
    await group("blue", { TargetGroupARNs: [tg("a")] });
    await group("green", { DesiredCapacity: 3 });
    await group("other", { TargetGroupARNs: [tg("b")] });
    expect(trafficTargets(t.world, REGION, tg("a"))).toEqual({});

    const blue = await converge(t, "blue");
    await converge(t, "green");
    expect(trafficTargets(t.world, REGION, tg("a"))).toEqual({
      blue: (blue.Instances ?? []).map((i) => i.InstanceId).sort(),
    });

    await attachTargetGroups("green", [tg("a")]);
    await detachTargetGroups("blue", [tg("a")]);
    expect(Object.keys(trafficTargets(t.world, REGION, tg("a")))).toEqual(["green"]);
    expect(trafficTargets(t.world, REGION, tg("a")).green).toHaveLength(3);

    await t.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "green", ForceDelete: true }));
    expect(trafficTargets(t.world, REGION, tg("a"))).toEqual({});
    expect(Object.keys(trafficTargets(t.world, REGION, tg("b")))).toEqual(["other"]);
  });
});
