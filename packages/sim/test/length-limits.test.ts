import { CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
} from "@aws-sdk/client-ec2";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { defaultSubnets, putLaunchTemplate } from "./autoscaling-fixtures.ts";
import { BASE_IMAGE, running } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

/** The service model's and API reference's bounds: one value just inside (or the rule kept), one just outside. */
const t = useTestSim();
const Data = { ImageId: BASE_IMAGE, InstanceType: "t3.micro" as const };

type Case = [string, () => Promise<unknown>, string | undefined];

describe("EC2 length limits", () => {
  const cases: Case[] = [
    ["LaunchTemplateName of 3", () => lt({ LaunchTemplateName: "abc" }), undefined],
    ["LaunchTemplateName of 128", () => lt({ LaunchTemplateName: "a".repeat(128) }), undefined],
    ["LaunchTemplateName of 2", () => lt({ LaunchTemplateName: "ab" }), "InvalidLaunchTemplateName.MalformedException"],
    [
      "LaunchTemplateName of 129",
      () => lt({ LaunchTemplateName: "a".repeat(129) }),
      "InvalidLaunchTemplateName.MalformedException",
    ],
    [
      "LaunchTemplateName with a space",
      () => lt({ LaunchTemplateName: "a b c" }),
      "InvalidLaunchTemplateName.MalformedException",
    ],
    ["VersionDescription of 255", () => lt({ VersionDescription: "d".repeat(255) }), undefined],
    ["VersionDescription of 256", () => lt({ VersionDescription: "d".repeat(256) }), "InvalidParameterValue"],
    ["a new version's VersionDescription of 256", () => ltVersion("d".repeat(256)), "InvalidParameterValue"],
    ["a new version's VersionDescription of 255", () => ltVersion("d".repeat(255)), undefined],
    ["AMI Name of 128", () => image({ Name: "n".repeat(128) }), undefined],
    ["AMI Name of 2", () => image({ Name: "nn" }), "InvalidAMIName.Malformed"],
    ["AMI Name of 129", () => image({ Name: "n".repeat(129) }), "InvalidAMIName.Malformed"],
    ["AMI Name with a character outside the allowed ones", () => image({ Name: "shop#1" }), "InvalidAMIName.Malformed"],
    ["AMI Description of 255", () => image({ Description: "d".repeat(255) }), undefined],
    ["AMI Description of 256", () => image({ Description: "d".repeat(256) }), "InvalidParameterValue"],
  ];
  it.each(cases)("%s", async (_, call, code) => {
    if (code === undefined) await expect(call()).resolves.toBeDefined();
    else await expect(call()).rejects.toMatchObject({ name: code });
  });

  function lt(input: { LaunchTemplateName?: string; VersionDescription?: string }) {
    return t.ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: "shop", LaunchTemplateData: Data, ...input }),
    );
  }
  function ltVersion(VersionDescription: string) {
    putLaunchTemplate(t.world, "shop", [BASE_IMAGE]);
    return t.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "shop",
        LaunchTemplateData: Data,
        VersionDescription,
      }),
    );
  }
  async function image(input: { Name?: string; Description?: string }) {
    const InstanceId = await running(t);
    return t.ec2.send(new CreateImageCommand({ InstanceId, Name: "shop-image", ...input }));
  }
});

describe("Auto Scaling length limits", () => {
  const cases: [string, string, boolean][] = [
    ["a name of 1", "a", true],
    ["a name of 255", "g".repeat(255), true],
    ["a name of 256", "g".repeat(256), false],
    ["a name with a colon", "web:blue", false],
    ["a name with a space", "web blue", false],
  ];
  it.each(cases)("%s", async (_, AutoScalingGroupName, ok) => {
    const template = putLaunchTemplate(t.world, "web", [BASE_IMAGE]);
    const call = t.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName,
        LaunchTemplate: { LaunchTemplateName: template.name, Version: "1" },
        MinSize: 0,
        MaxSize: 1,
        VPCZoneIdentifier: defaultSubnets(t.world).join(","),
      }),
    );
    if (ok) await expect(call).resolves.toBeDefined();
    else await expect(call).rejects.toMatchObject({ name: "ValidationError" });
  });
});

describe("SSM length limits", () => {
  // arn:aws:ssm:eu-west-1:123456789012:parameter is 44 characters; the name's own "/" makes 45, as in the doc's example.
  const arnPrefix = `arn:aws:ssm:${REGION}:123456789012:parameter`.length;
  const longest = `/${"n".repeat(1011 - arnPrefix - 1)}`;
  const cases: [string, ConstructorParameters<typeof PutParameterCommand>[0], string | undefined][] = [
    ["a name of 1011 with its ARN", { Name: longest, Value: "v", Type: "String" }, undefined],
    ["a name of 1012 with its ARN", { Name: `${longest}n`, Value: "v", Type: "String" }, "ValidationException"],
    ["15 levels", { Name: "/a".repeat(15), Value: "v", Type: "String" }, undefined],
    ["16 levels", { Name: "/a".repeat(16), Value: "v", Type: "String" }, "HierarchyLevelLimitExceededException"],
    ["a standard value of 4096", { Name: "/v", Value: "x".repeat(4096), Type: "String" }, undefined],
    ["a standard value of 4097", { Name: "/v", Value: "x".repeat(4097), Type: "String" }, "ValidationException"],
    ["an advanced value of 8192", { Name: "/v", Value: "x".repeat(8192), Type: "String", Tier: "Advanced" }, undefined],
    [
      "an advanced value of 8193",
      { Name: "/v", Value: "x".repeat(8193), Type: "String", Tier: "Advanced" },
      "ValidationException",
    ],
  ];
  it.each(cases)("%s", async (_, input, code) => {
    const call = t.ssm.send(new PutParameterCommand(input));
    if (code === undefined) await expect(call).resolves.toMatchObject({ Version: 1 });
    else await expect(call).rejects.toMatchObject({ name: code });
  });
});
