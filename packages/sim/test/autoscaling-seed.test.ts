import { StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { groupSummary, seedAutoScaling } from "../src/services/autoscaling/index.ts";
import { ssmOnline } from "../src/services/ec2/instances.ts";
import { describeGroup, followRefresh, putLaunchTemplate, region } from "./autoscaling-fixtures.ts";
import { putImage } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

describe("seedAutoScaling", () => {
  it("loads a group already converged: instances InService, Healthy, running and online", async () => {
    const template = putLaunchTemplate(t.world, "web", [putImage(t.world), putImage(t.world)]);
    seedAutoScaling(t.world, region(t.world), {
      autoScalingGroups: [
        {
          name: "web",
          launchTemplate: { name: "web", version: "1" },
          minSize: 2,
          maxSize: 6,
          desiredCapacity: 3,
          healthCheckType: "ELB",
          healthCheckGracePeriod: 300,
          targetGroupARNs: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"],
          tags: { env: "stage" },
        },
      ],
    });
    const group = await describeGroup(t, "web");
    expect(group).toMatchObject({
      LaunchTemplate: { LaunchTemplateId: template.id, LaunchTemplateName: "web", Version: "1" },
      MinSize: 2,
      MaxSize: 6,
      DesiredCapacity: 3,
      HealthCheckType: "ELB",
      HealthCheckGracePeriod: 300,
      AvailabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      Tags: [expect.objectContaining({ Key: "env", Value: "stage", PropagateAtLaunch: true })],
    });
    expect(group.Instances?.map((i) => `${i.LifecycleState}/${i.HealthStatus}/${i.LaunchTemplate?.Version}`)).toEqual([
      "InService/Healthy/1",
      "InService/Healthy/1",
      "InService/Healthy/1",
    ]);
    expect(new Set(group.Instances?.map((i) => i.AvailabilityZone)).size).toBe(3);
    for (const member of group.Instances ?? []) {
      const instance = region(t.world).ec2.instances.get(member.InstanceId as string);
      expect(instance?.state).toBe("running");
      expect(ssmOnline(instance as NonNullable<typeof instance>, t.world.clock.now())).toBe(true);
      expect(instance?.tags).toEqual(expect.arrayContaining([{ Key: "env", Value: "stage" }]));
    }
    expect(groupSummary(t.world, REGION, "web")).toEqual({
      desiredCapacity: 3,
      launchTemplate: { id: template.id, name: "web", version: "1" },
      inService: 3,
      pending: 0,
      terminating: 0,
      healthy: 3,
      unhealthy: 0,
      versions: { "web:1": 3 },
    });
  });

  it("gives a seeded fleet what a refresh with AutoRollback needs", async () => {
    putLaunchTemplate(t.world, "web", [putImage(t.world), putImage(t.world)]);
    seedAutoScaling(t.world, region(t.world), {
      autoScalingGroups: [{ name: "web", launchTemplate: { name: "web", version: "1" }, minSize: 2, maxSize: 4 }],
    });
    const { InstanceRefreshId } = await t.autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "web",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateName: "web", Version: "2" } },
        Preferences: { AutoRollback: true, MinHealthyPercentage: 50 },
      }),
    );
    expect((await followRefresh(t, "web", InstanceRefreshId as string)).at(-1)?.Status).toBe("Successful");
    expect(groupSummary(t.world, REGION, "web").versions).toEqual({ "web:2": 2 });
  });

  it("seeds a group on a launch configuration without instances", async () => {
    seedAutoScaling(t.world, region(t.world), {
      autoScalingGroups: [{ name: "legacy", launchConfigurationName: "legacy-lc", minSize: 1, maxSize: 1 }],
    });
    const group = await describeGroup(t, "legacy");
    expect(group).toMatchObject({ LaunchConfigurationName: "legacy-lc", DesiredCapacity: 1, Instances: [] });
    expect(group.LaunchTemplate).toBeUndefined();
  });

  it.each([
    [
      { name: "web", launchTemplate: { name: "nope" }, minSize: 1, maxSize: 1 },
      "autoScalingGroups[0] (web): The specified launch template, with template name nope, does not exist.",
    ],
    [
      { name: "web", launchTemplate: { name: "web" }, minSize: "1", maxSize: 1 },
      'autoScalingGroups[0].minSize must be a whole number, 0 or more, not "1"',
    ],
    [
      { name: "web", launchTemplate: { name: "web" }, minSize: 1, maxSize: 1, size: 3 },
      "autoScalingGroups[0].size is not a field of a group",
    ],
    [
      { name: "web", minSize: 1, maxSize: 1 },
      "autoScalingGroups[0]: give either launchTemplate or launchConfigurationName",
    ],
    [
      { name: "web", launchTemplate: { name: "web" }, minSize: 3, maxSize: 1 },
      "autoScalingGroups[0] (web): Max bound, 1, must be greater than or equal to min bound, 3",
    ],
  ])("refuses %j naming the place", (group, message) => {
    putLaunchTemplate(t.world, "web", [putImage(t.world)]);
    expect(() => seedAutoScaling(t.world, region(t.world), { autoScalingGroups: [group as never] })).toThrow(message);
  });

  it("refuses a group whose image cannot launch, and keeps no half-made group", () => {
    const image = putImage(t.world);
    putLaunchTemplate(t.world, "web", [image]);
    region(t.world).ec2.images.delete(image);
    expect(() =>
      seedAutoScaling(t.world, region(t.world), {
        autoScalingGroups: [{ name: "web", launchTemplate: { name: "web" }, minSize: 1, maxSize: 1 }],
      }),
    ).toThrow(/^autoScalingGroups\[0\] \(web\): cannot launch the group's instances: The image id '\[ami-/);
    expect(region(t.world).autoscaling.groups.size).toBe(0);
  });
});
