import {
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { groupSummary } from "../src/services/autoscaling/index.ts";
import { stopInstance } from "../src/services/ec2/instances.ts";
import {
  converge,
  createGroup,
  defaultSubnets,
  describeGroup,
  protectFromScaleIn,
  putLaunchTemplate,
  region,
} from "./autoscaling-fixtures.ts";
import { putImage } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

function template(name = "web", images = 2) {
  return putLaunchTemplate(
    t.world,
    name,
    Array.from({ length: images }, () => putImage(t.world)),
  );
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: Error) => e,
  );

describe("CreateAutoScalingGroup and DescribeAutoScalingGroups", () => {
  it("describes a new group with the documented fields and launches its instances across the zones", async () => {
    const lt = template();
    await createGroup(t, lt, {
      MinSize: 2,
      MaxSize: 6,
      DesiredCapacity: 3,
      HealthCheckType: "ELB",
      HealthCheckGracePeriod: 120,
      DefaultInstanceWarmup: 60,
      TargetGroupARNs: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"],
      Tags: [
        { Key: "env", Value: "stage", PropagateAtLaunch: true },
        { Key: "cost-centre", Value: "42", PropagateAtLaunch: false },
      ],
    });
    const group = await describeGroup(t, "web");
    expect(group).toMatchObject({
      AutoScalingGroupName: "web",
      LaunchTemplate: { LaunchTemplateId: lt.id, LaunchTemplateName: "web", Version: "1" },
      MinSize: 2,
      MaxSize: 6,
      DesiredCapacity: 3,
      DefaultCooldown: 300,
      AvailabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      VPCZoneIdentifier: defaultSubnets(t.world).join(","),
      HealthCheckType: "ELB",
      HealthCheckGracePeriod: 120,
      DefaultInstanceWarmup: 60,
      TargetGroupARNs: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"],
      SuspendedProcesses: [],
      TerminationPolicies: ["Default"],
      NewInstancesProtectedFromScaleIn: false,
      CreatedTime: new Date(t.world.clock.now()),
      Tags: [
        { ResourceId: "web", ResourceType: "auto-scaling-group", Key: "env", Value: "stage", PropagateAtLaunch: true },
        {
          ResourceId: "web",
          ResourceType: "auto-scaling-group",
          Key: "cost-centre",
          Value: "42",
          PropagateAtLaunch: false,
        },
      ],
    });
    expect(group.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/web$/,
    );
    expect(group.Status).toBeUndefined();
    expect(group.Instances).toHaveLength(3);
    for (const instance of group.Instances ?? []) {
      expect(instance).toMatchObject({
        LifecycleState: "Pending",
        HealthStatus: "Healthy",
        InstanceType: "t3.micro",
        ProtectedFromScaleIn: false,
        LaunchTemplate: { LaunchTemplateId: lt.id, LaunchTemplateName: "web", Version: "1" },
      });
    }
    expect(new Set(group.Instances?.map((i) => i.AvailabilityZone))).toEqual(
      new Set(["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    );

    const converged = await converge(t, "web");
    expect(converged.Instances?.map((i) => i.InstanceId)).toEqual(group.Instances?.map((i) => i.InstanceId));
    const ec2 = region(t.world).ec2.instances.get(group.Instances?.[0]?.InstanceId as string);
    expect(ec2).toMatchObject({ state: "running", imageId: lt.versions[0]?.data.ImageId, autoScalingGroup: "web" });
    expect(Object.fromEntries((ec2?.tags ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({
      "aws:autoscaling:groupName": "web",
      "aws:ec2launchtemplate:id": lt.id,
      "aws:ec2launchtemplate:version": "1",
      env: "stage",
      "from-template": "yes",
    });
  });

  it("takes $Default when no version is given and resolves it per instance", async () => {
    const lt = template();
    lt.defaultVersion = 2;
    await createGroup(t, lt, { LaunchTemplate: { LaunchTemplateId: lt.id }, DesiredCapacity: 1 });
    const group = await describeGroup(t, "web");
    expect(group.LaunchTemplate).toEqual({ LaunchTemplateId: lt.id, LaunchTemplateName: "web", Version: "$Default" });
    expect(group.Instances?.[0]?.LaunchTemplate?.Version).toBe("2");
  });

  it("stores a launch configuration name, reports it instead of a launch template, and launches nothing", async () => {
    await t.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "legacy",
        LaunchConfigurationName: "legacy-lc",
        MinSize: 1,
        MaxSize: 2,
        AvailabilityZones: ["eu-west-1a"],
      }),
    );
    const group = await describeGroup(t, "legacy");
    expect(group.LaunchConfigurationName).toBe("legacy-lc");
    expect(group.LaunchTemplate).toBeUndefined();
    expect(group.AvailabilityZones).toEqual(["eu-west-1a"]);
    expect(group.DesiredCapacity).toBe(1);
    expect(group.Instances).toEqual([]);
  });

  it("refuses a second group of the same name with AlreadyExists", async () => {
    const lt = template();
    await createGroup(t, lt);
    await expect(createGroup(t, lt)).rejects.toMatchObject({
      name: "AlreadyExistsFault",
      message: "AutoScalingGroup by this name already exists - A group with the name web already exists",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it.each([
    [{ DesiredCapacity: 11 }, "Desired capacity:11 must be between the specified min size:1 and max size:10"],
    [{ MinSize: 5, MaxSize: 2, DesiredCapacity: 3 }, "Max bound, 2, must be greater than or equal to min bound, 5"],
    [{ VPCZoneIdentifier: "subnet-0000000000000000f" }, "The subnet ID 'subnet-0000000000000000f' does not exist"],
    [{ VPCZoneIdentifier: undefined }, "At least one Availability Zone or VPC Subnet is required."],
    [{ LaunchTemplate: { LaunchTemplateName: "nope" } }, "with template name nope, does not exist"],
    [{ LaunchTemplate: { LaunchTemplateName: "web", Version: "9" } }, "Could not find launch template version 9"],
    [{ LaunchTemplate: undefined }, "Valid requests must contain either LaunchTemplate"],
    [{ LaunchConfigurationName: "lc" }, "not both"],
    [{ HealthCheckType: "PING" }, "Invalid health check type: PING"],
  ])("answers ValidationError to %j", async (input, message) => {
    const error = await errorOf(createGroup(t, template(), input));
    expect(error).toMatchObject({ name: "ValidationError", $metadata: { httpStatusCode: 400 } });
    expect(error?.message).toContain(message);
    expect(region(t.world).autoscaling.groups.size).toBe(0);
  });

  it("pages with MaxRecords and NextToken, in name order", async () => {
    const lt = template();
    for (const name of ["e", "b", "d", "a", "c"]) {
      await createGroup(t, lt, { AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 });
    }
    const names: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await t.autoscaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 2, NextToken }));
      names.push(...(page.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName as string));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(names).toEqual(["a", "b", "c", "d", "e"]);
    expect(pages).toBe(3);
    await expect(t.autoscaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))).rejects.toMatchObject({
      name: "ValidationError",
    });
    await expect(
      t.autoscaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: "garbage!" })),
    ).rejects.toMatchObject({
      name: "InvalidNextToken",
    });
    const named = await t.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["d", "missing"] }),
    );
    expect(named.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["d"]);
  });

  it("filters by tag:<key>, tag-key and tag-value, ANDing filters and ORing values", async () => {
    const lt = template();
    const tagged = async (name: string, tags: Record<string, string>) =>
      createGroup(t, lt, {
        AutoScalingGroupName: name,
        MinSize: 0,
        DesiredCapacity: 0,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      });
    await tagged("stage-web", { env: "stage", app: "web" });
    await tagged("prod-web", { env: "production", app: "web" });
    await tagged("prod-worker", { env: "production", app: "worker" });
    const names = async (Filters: { Name: string; Values: string[] }[]) =>
      (await t.autoscaling.send(new DescribeAutoScalingGroupsCommand({ Filters }))).AutoScalingGroups?.map(
        (g) => g.AutoScalingGroupName,
      );
    expect(await names([{ Name: "tag:env", Values: ["production"] }])).toEqual(["prod-web", "prod-worker"]);
    expect(await names([{ Name: "tag:env", Values: ["stage", "production"] }])).toHaveLength(3);
    expect(
      await names([
        { Name: "tag:env", Values: ["production"] },
        { Name: "tag:app", Values: ["web"] },
      ]),
    ).toEqual(["prod-web"]);
    expect(await names([{ Name: "tag-key", Values: ["app"] }])).toHaveLength(3);
    expect(await names([{ Name: "tag-value", Values: ["worker"] }])).toEqual(["prod-worker"]);
    await expect(names([{ Name: "instance-type", Values: ["t3.micro"] }])).rejects.toMatchObject({
      name: "ValidationError",
    });
  });

  it("leaves Instances out with IncludeInstances=false and lists members with DescribeAutoScalingInstances", async () => {
    await createGroup(t, template(), { DesiredCapacity: 2 });
    const { AutoScalingGroups } = await t.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ IncludeInstances: false }),
    );
    expect(AutoScalingGroups?.[0]?.Instances).toBeUndefined();
    await converge(t, "web");
    const { AutoScalingInstances } = await t.autoscaling.send(new DescribeAutoScalingInstancesCommand({}));
    expect(AutoScalingInstances).toHaveLength(2);
    expect(AutoScalingInstances?.[0]).toMatchObject({
      AutoScalingGroupName: "web",
      LifecycleState: "InService",
      HealthStatus: "HEALTHY",
      LaunchTemplate: { LaunchTemplateName: "web", Version: "1" },
    });
  });
});

describe("capacity", () => {
  it("scales out and in with SetDesiredCapacity, and refuses values outside the bounds", async () => {
    await createGroup(t, template(), { DesiredCapacity: 2, MaxSize: 5 });
    await converge(t, "web");
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 5 }));
    expect((await converge(t, "web")).Instances).toHaveLength(5);
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 1 }));
    const shrinking = await describeGroup(t, "web");
    expect(shrinking.Instances?.filter((i) => i.LifecycleState === "Terminating")).toHaveLength(4);
    expect((await converge(t, "web")).Instances).toHaveLength(1);

    await expect(
      t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 6 })),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: "New SetDesiredCapacity value 6 is above max value 5 for the AutoScalingGroup.",
    });
    await expect(
      t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 0 })),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: "New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.",
    });
    await expect(
      t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 })),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("not found") });
  });

  it("replaces an instance that fails its health check once the grace period is over", async () => {
    const bad = putImage(t.world, { unhealthy: true });
    await createGroup(t, putLaunchTemplate(t.world, "web", [bad]), { DesiredCapacity: 1, HealthCheckGracePeriod: 300 });
    const first = (await describeGroup(t, "web")).Instances?.[0]?.InstanceId as string;
    await t.world.clock.sleep(t.world.timings.instanceBootMs + 60_000);
    expect((await describeGroup(t, "web")).Instances).toMatchObject([
      { InstanceId: first, LifecycleState: "InService", HealthStatus: "Healthy" },
    ]);
    // Just past the grace period: the old instance is on its way out, its replacement on its way in.
    await t.world.clock.sleep(300_000 - t.world.timings.instanceBootMs - 60_000 + 5_000);
    const replaced = await describeGroup(t, "web");
    expect(replaced.Instances).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ InstanceId: first, LifecycleState: "Terminating", HealthStatus: "Unhealthy" }),
        expect.objectContaining({ LifecycleState: "Pending" }),
      ]),
    );
    const { Activities } = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web" }),
    );
    expect(Activities?.find((a) => a.Description === `Terminating EC2 instance: ${first}`)?.Cause).toMatch(
      /an instance was taken out of service in response to an EC2 instance status check failure\.$/,
    );
  });

  it("keeps an unhealthy instance while ReplaceUnhealthy is suspended, and replaces it on resume", async () => {
    const image = putImage(t.world);
    t.world.faults.unhealthyImages.add(image);
    await createGroup(t, putLaunchTemplate(t.world, "web", [image]), { DesiredCapacity: 1 });
    await t.autoscaling.send(
      new SuspendProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["ReplaceUnhealthy"] }),
    );
    await t.world.clock.sleep(t.world.timings.instanceBootMs + 3_600_000);
    const group = await describeGroup(t, "web");
    expect(group.Instances).toMatchObject([{ LifecycleState: "InService", HealthStatus: "Unhealthy" }]);
    expect(group.SuspendedProcesses).toEqual([
      {
        ProcessName: "ReplaceUnhealthy",
        SuspensionReason: expect.stringMatching(/^User suspended at 2026-11-26T10:00:00Z$/),
      },
    ]);
    await t.autoscaling.send(
      new ResumeProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["ReplaceUnhealthy"] }),
    );
    expect((await describeGroup(t, "web")).Instances?.map((i) => i.LifecycleState).sort()).toEqual([
      "Pending",
      "Terminating",
    ]);
  });

  it("launches nothing while Launch is suspended, suspends every process when none is named", async () => {
    await createGroup(t, template(), { DesiredCapacity: 0, MinSize: 0 });
    await t.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: "web" }));
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 2 }));
    await t.world.clock.sleep(600_000);
    const suspended = await describeGroup(t, "web");
    expect(suspended.Instances).toEqual([]);
    expect(suspended.SuspendedProcesses?.map((p) => p.ProcessName).sort()).toEqual(
      [
        "AZRebalance",
        "AddToLoadBalancer",
        "AlarmNotification",
        "HealthCheck",
        "InstanceRefresh",
        "Launch",
        "ReplaceUnhealthy",
        "ScheduledActions",
        "Terminate",
      ].sort(),
    );
    await t.autoscaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["Launch"] }));
    expect((await describeGroup(t, "web")).Instances).toHaveLength(2);
    await expect(
      t.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: "web", ScalingProcesses: ["Reboot"] })),
    ).rejects.toMatchObject({ name: "ValidationError", message: "Invalid scaling process name: Reboot" });
  });

  it("replaces an instance stopped behind the group's back", async () => {
    await createGroup(t, template(), { DesiredCapacity: 1 });
    const [member] = (await converge(t, "web")).Instances ?? [];
    const instance = region(t.world).ec2.instances.get(member?.InstanceId as string);
    stopInstance(t.world, instance as NonNullable<typeof instance>, t.world.clock.now());
    const group = await describeGroup(t, "web");
    expect(group.Instances?.find((i) => i.InstanceId === member?.InstanceId)).toMatchObject({
      LifecycleState: "Terminating",
      HealthStatus: "Unhealthy",
    });
    expect((await converge(t, "web")).Instances?.[0]?.InstanceId).not.toBe(member?.InstanceId);
  });

  it("records failed launches when its launch template is gone, retrying with a backoff", async () => {
    const lt = template();
    await createGroup(t, lt, { DesiredCapacity: 1 });
    await converge(t, "web");
    region(t.world).ec2.launchTemplates.delete(lt.id);
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 2 }));
    const failed = async () =>
      (
        await t.autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web" }))
      ).Activities?.filter((a) => a.StatusCode === "Failed");
    expect(await failed()).toMatchObject([
      {
        Description: "Launching a new EC2 instance.",
        StatusMessage: expect.stringMatching(/^The specified launch template, with template ID lt-.*does not exist\./),
      },
    ]);
    await t.world.clock.sleep(5_000);
    expect(await failed()).toHaveLength(1);
    await t.world.clock.sleep(5_000);
    expect(await failed()).toHaveLength(2);
    expect((await describeGroup(t, "web")).Instances).toHaveLength(1);
  });

  it("schedules nothing once converged, so that days of virtual time cost nothing", async () => {
    await createGroup(t, template(), { DesiredCapacity: 3, HealthCheckGracePeriod: 300 });
    await converge(t, "web");
    await t.world.clock.sleep(300_000);
    await describeGroup(t, "web");
    expect(t.world.scheduler.pending().filter((e) => e.label.startsWith("autoscaling"))).toEqual([]);
    await t.world.clock.sleep(30 * 24 * 3_600_000);
    expect((await describeGroup(t, "web")).Instances).toHaveLength(3);
    expect(t.world.scheduler.pending().filter((e) => e.label.startsWith("autoscaling"))).toEqual([]);
  });
});

describe("UpdateAutoScalingGroup", () => {
  it("changes sizes and the launch template; new launches use the new version, running ones stay", async () => {
    const lt = template();
    await createGroup(t, lt, { DesiredCapacity: 2 });
    await converge(t, "web");
    await t.autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "web",
        LaunchTemplate: { LaunchTemplateId: lt.id, Version: "2" },
        MinSize: 3,
        HealthCheckGracePeriod: 30,
      }),
    );
    const group = await converge(t, "web");
    expect(group).toMatchObject({ MinSize: 3, DesiredCapacity: 3, HealthCheckGracePeriod: 30 });
    expect(group.LaunchTemplate).toEqual({ LaunchTemplateId: lt.id, LaunchTemplateName: "web", Version: "2" });
    expect(group.Instances?.map((i) => i.LaunchTemplate?.Version).sort()).toEqual(["1", "1", "2"]);
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:1": 2, "web:2": 1 });

    await t.autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web", MaxSize: 1, MinSize: 1 }),
    );
    expect(await describeGroup(t, "web")).toMatchObject({ MaxSize: 1, DesiredCapacity: 1 });
  });

  it("answers ValidationError to bad sizes and to an unknown group", async () => {
    await createGroup(t, template());
    await expect(
      t.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web", MinSize: 3, MaxSize: 2 })),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: "Max bound, 2, must be greater than or equal to min bound, 3",
    });
    await expect(
      t.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web", DesiredCapacity: 20 })),
    ).rejects.toMatchObject({ name: "ValidationError" });
    await expect(
      t.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "nope", MinSize: 1 })),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: "AutoScalingGroup name not found - AutoScalingGroup nope not found",
    });
  });
});

describe("TerminateInstanceInAutoScalingGroup and SetInstanceProtection", () => {
  it("terminates with and without decrementing, returning the activity", async () => {
    await createGroup(t, template(), { DesiredCapacity: 3 });
    const [a, b] = (await converge(t, "web")).Instances ?? [];
    const { Activity } = await t.autoscaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: a?.InstanceId,
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    expect(Activity).toMatchObject({
      AutoScalingGroupName: "web",
      Description: `Terminating EC2 instance: ${a?.InstanceId}`,
      Cause: `At 2026-11-26T10:00:30Z instance ${a?.InstanceId} was taken out of service in response to a user request, shrinking the capacity from 3 to 2.`,
      StatusCode: "InProgress",
      Progress: 0,
      StartTime: new Date(t.world.clock.now()),
    });
    expect(Activity?.ActivityId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await converge(t, "web")).Instances).toHaveLength(2);

    await t.autoscaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: b?.InstanceId,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    const replaced = await converge(t, "web");
    expect(replaced.DesiredCapacity).toBe(2);
    expect(replaced.Instances?.map((i) => i.InstanceId)).not.toContain(b?.InstanceId);

    const { Activities } = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({
        AutoScalingGroupName: "web",
        ActivityIds: [Activity?.ActivityId as string],
      }),
    );
    expect(Activities).toMatchObject([{ StatusCode: "Successful", Progress: 100, AutoScalingGroupState: "InService" }]);
  });

  it("refuses to go below the minimum, and an instance outside any group", async () => {
    await createGroup(t, template(), { DesiredCapacity: 1, MinSize: 1 });
    const [only] = (await converge(t, "web")).Instances ?? [];
    await expect(
      t.autoscaling.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: only?.InstanceId,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("violate group's min size") });
    await expect(
      t.autoscaling.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: "i-0123456789abcdef0",
          ShouldDecrementDesiredCapacity: false,
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationError",
      message: "Instance Id not found - No managed instance found for instance ID: i-0123456789abcdef0",
    });
  });

  it("does not scale in protected instances", async () => {
    await createGroup(t, template(), { DesiredCapacity: 2, MinSize: 0 });
    const [keep, other] = (await converge(t, "web")).Instances ?? [];
    await protectFromScaleIn(t, "web", keep?.InstanceId as string);
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 1 }));
    const group = await converge(t, "web");
    expect(group.Instances).toMatchObject([{ InstanceId: keep?.InstanceId, ProtectedFromScaleIn: true }]);
    expect(other?.InstanceId).not.toBe(keep?.InstanceId);
  });
});

describe("DeleteAutoScalingGroup", () => {
  it("refuses while instances remain or launch, and ForceDelete terminates them first", async () => {
    await createGroup(t, template(), { DesiredCapacity: 2 });
    await expect(
      t.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web" })),
    ).rejects.toMatchObject({
      name: "ScalingActivityInProgressFault",
    });
    const { Instances } = await converge(t, "web");
    await expect(
      t.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web" })),
    ).rejects.toMatchObject({
      name: "ResourceInUseFault",
      message: "You cannot delete an AutoScalingGroup while there are instances still in the group.",
    });
    await t.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web", ForceDelete: true }));
    const deleting = await describeGroup(t, "web");
    expect(deleting).toMatchObject({ Status: "Delete in progress", DesiredCapacity: 0, MinSize: 0, MaxSize: 0 });
    expect(deleting.Instances?.every((i) => i.LifecycleState === "Terminating")).toBe(true);
    await expect(
      t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 1 })),
    ).rejects.toMatchObject({ name: "ValidationError" });

    await t.world.clock.sleep(t.world.timings.instanceTerminateMs);
    const { AutoScalingGroups } = await t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(AutoScalingGroups).toEqual([]);
    for (const i of Instances ?? []) {
      expect(region(t.world).ec2.instances.get(i.InstanceId as string)?.state).toBe("terminated");
    }
    const { Activities } = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web", IncludeDeletedGroups: true }),
    );
    expect(Activities?.[0]?.AutoScalingGroupState).toBe("Deleted");
  });

  it("deletes an empty group at once", async () => {
    await createGroup(t, template(), { DesiredCapacity: 0, MinSize: 0 });
    await t.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web" }));
    expect((await t.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
  });
});

describe("DescribeScalingActivities", () => {
  it("records launches with their cause, newest first, in progress before done", async () => {
    await createGroup(t, template(), { DesiredCapacity: 2 });
    await converge(t, "web");
    await t.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web", DesiredCapacity: 3 }));
    const { Activities } = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web" }),
    );
    expect(Activities).toHaveLength(3);
    expect(Activities?.[0]).toMatchObject({
      StatusCode: "InProgress",
      Description: expect.stringMatching(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/),
      Cause: expect.stringMatching(
        /^At 2026-11-26T10:00:\d\dZ an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3\.$/,
      ),
      Details: expect.stringContaining('"Availability Zone":"eu-west-1'),
    });
    expect(Activities?.slice(1).every((a) => a.StatusCode === "Successful" && a.EndTime instanceof Date)).toBe(true);
    const page = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web", MaxRecords: 2 }),
    );
    expect(page.Activities).toHaveLength(2);
    const rest = await t.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web", NextToken: page.NextToken }),
    );
    expect(rest.Activities?.map((a) => a.ActivityId)).toEqual([Activities?.[2]?.ActivityId]);
  });
});
