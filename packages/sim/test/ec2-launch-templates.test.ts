import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  type DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandInput,
  ModifyLaunchTemplateCommand,
  type RequestLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { amazonLinuxImages, defaultSecurityGroupId, defaultSubnetId } from "../src/services/ec2/defaults.ts";
import { launchInstance } from "../src/services/ec2/instances.ts";
import { launchSpecFromTemplate } from "../src/services/ec2/launch-templates.ts";
import { BASE_IMAGE, run } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();
const SG = defaultSecurityGroupId(REGION);

/** Launch template data using every shape of member: scalars, structures, lists of strings and of structures. */
const DATA: RequestLaunchTemplateData = {
  ImageId: BASE_IMAGE,
  InstanceType: "t3.small",
  UserData: Buffer.from("#!/bin/bash\n/opt/app/start\n").toString("base64"),
  IamInstanceProfile: { Name: "shop-instance" },
  SecurityGroupIds: [SG],
  MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 2 },
  InstanceInitiatedShutdownBehavior: "terminate",
  TagSpecifications: [
    {
      ResourceType: "instance",
      Tags: [
        { Key: "app", Value: "shop" },
        { Key: "tier", Value: "web" },
      ],
    },
  ],
  BlockDeviceMappings: [
    { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 20, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true } },
  ],
  Monitoring: { Enabled: true },
  EbsOptimized: true,
};

async function create(name: string, data: RequestLaunchTemplateData = DATA) {
  const { LaunchTemplate } = await t.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: data,
      VersionDescription: "first",
      TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "team", Value: "web" }] }],
    }),
  );
  return LaunchTemplate?.LaunchTemplateId as string;
}

async function versions(input: DescribeLaunchTemplateVersionsCommandInput) {
  return (await t.ec2.send(new DescribeLaunchTemplateVersionsCommand(input))).LaunchTemplateVersions ?? [];
}

describe("CreateLaunchTemplate", () => {
  it("creates version 1 as default and latest, and answers its data back exactly as it was given", async () => {
    const { LaunchTemplate } = await t.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "shop",
        LaunchTemplateData: DATA,
        TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "team", Value: "web" }] }],
      }),
    );
    expect(LaunchTemplate).toEqual({
      LaunchTemplateId: expect.stringMatching(/^lt-[0-9a-f]{17}$/),
      LaunchTemplateName: "shop",
      CreateTime: new Date(t.world.clock.now()),
      CreatedBy: `arn:aws:iam::${t.world.accountId}:root`,
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
      Tags: [{ Key: "team", Value: "web" }],
    });
    const [version] = await versions({ LaunchTemplateName: "shop" });
    expect(version).toMatchObject({
      VersionNumber: 1,
      DefaultVersion: true,
      LaunchTemplateId: LaunchTemplate?.LaunchTemplateId,
    });
    expect(version?.LaunchTemplateData).toEqual(DATA);
  });

  it("refuses a taken name, a malformed name, missing data and members the simulator does not model", async () => {
    await create("shop");
    const attempt = (LaunchTemplateName: string, LaunchTemplateData: RequestLaunchTemplateData = DATA) =>
      t.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName, LaunchTemplateData }));
    await expect(attempt("shop")).rejects.toMatchObject({ name: "InvalidLaunchTemplateName.AlreadyExistsException" });
    await expect(attempt("a b")).rejects.toMatchObject({ name: "InvalidLaunchTemplateName.MalformedException" });
    await expect(attempt("empty", {})).rejects.toMatchObject({ name: "MissingParameter" });
    await expect(
      attempt("fancy", { ...DATA, InstanceRequirements: { VCpuCount: { Min: 2 }, MemoryMiB: { Min: 1024 } } }),
    ).rejects.toMatchObject({ name: "UnknownParameter", message: expect.stringContaining("InstanceRequirements") });
    await expect(
      attempt("fancy", {
        ...DATA,
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { Iops: 3000, VolumeInitializationRate: 100 } }],
      }),
    ).rejects.toMatchObject({
      name: "UnknownParameter",
      message: expect.stringContaining("Ebs.VolumeInitializationRate"),
    });
  });
});

describe("CreateLaunchTemplateVersion", () => {
  it("starts from SourceVersion's data when named, replacing the members given, and from nothing otherwise", async () => {
    const id = await create("shop");
    const newImage = amazonLinuxImages(REGION).arm64;
    const { LaunchTemplateVersion } = await t.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: "1",
        VersionDescription: "new image",
        LaunchTemplateData: { ImageId: newImage, InstanceType: "t4g.small" },
      }),
    );
    expect(LaunchTemplateVersion).toMatchObject({
      VersionNumber: 2,
      VersionDescription: "new image",
      DefaultVersion: false,
    });
    expect(LaunchTemplateVersion?.LaunchTemplateData).toEqual({
      ...DATA,
      ImageId: newImage,
      InstanceType: "t4g.small",
    });

    const bare = await t.ec2.send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: "shop", LaunchTemplateData: { ImageId: newImage } }),
    );
    expect(bare.LaunchTemplateVersion?.LaunchTemplateData).toEqual({ ImageId: newImage });

    await expect(
      t.ec2.send(
        new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: "9", LaunchTemplateData: DATA }),
      ),
    ).rejects.toMatchObject({ name: "InvalidLaunchTemplateId.VersionNotFound" });
  });
});

describe("DescribeLaunchTemplates", () => {
  it("finds templates by id, name and tag, pages them, and answers each kind of not-found", async () => {
    const shop = await create("shop");
    const api = await create("api");
    const ids = async (input: DescribeLaunchTemplatesCommandInput) =>
      ((await t.ec2.send(new DescribeLaunchTemplatesCommand(input))).LaunchTemplates ?? []).map(
        (l) => l.LaunchTemplateId,
      );

    expect(await ids({})).toEqual([shop, api]);
    expect(await ids({ LaunchTemplateIds: [api] })).toEqual([api]);
    expect(await ids({ LaunchTemplateNames: ["shop"] })).toEqual([shop]);
    expect(
      await ids({
        Filters: [
          { Name: "tag:team", Values: ["web"] },
          { Name: "launch-template-name", Values: ["a*"] },
        ],
      }),
    ).toEqual([api]);

    const first = await t.ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 1 }));
    const second = await t.ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect([first, second].map((p) => p.LaunchTemplates?.[0]?.LaunchTemplateId)).toEqual([shop, api]);
    expect(second.NextToken).toBeUndefined();

    await expect(ids({ LaunchTemplateIds: ["lt-0123456789abcdef0"] })).rejects.toMatchObject({
      name: "InvalidLaunchTemplateId.NotFound",
    });
    await expect(ids({ LaunchTemplateIds: ["lt-1"] })).rejects.toMatchObject({
      name: "InvalidLaunchTemplateId.Malformed",
    });
    await expect(ids({ LaunchTemplateNames: ["nope"] })).rejects.toMatchObject({
      name: "InvalidLaunchTemplateName.NotFoundException",
    });
    await expect(ids({ MaxResults: 201 })).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });
});

describe("DescribeLaunchTemplateVersions and ModifyLaunchTemplate", () => {
  it("answer versions newest first, by alias, by range and by page, and move the default", async () => {
    const id = await create("shop");
    for (const InstanceType of ["t3.medium", "t3.large"] as const) {
      await t.ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: id,
          SourceVersion: "$Latest",
          LaunchTemplateData: { InstanceType },
        }),
      );
    }
    const numbers = async (input: DescribeLaunchTemplateVersionsCommandInput) =>
      (await versions(input)).map((v) => v.VersionNumber);

    expect(await numbers({ LaunchTemplateId: id })).toEqual([3, 2, 1]);
    expect(await numbers({ LaunchTemplateId: id, Versions: ["$Latest", "$Default"] })).toEqual([3, 1]);
    expect(await numbers({ LaunchTemplateId: id, MinVersion: "2", MaxVersion: "2" })).toEqual([2]);
    expect(await numbers({ LaunchTemplateId: id, Filters: [{ Name: "instance-type", Values: ["t3.large"] }] })).toEqual(
      [3],
    );
    const page = await t.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, MaxResults: 2 }));
    expect(page.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([3, 2]);
    expect(page.NextToken).toBeDefined();

    const { LaunchTemplate } = await t.ec2.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "2" }),
    );
    expect(LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 3 });
    expect(await numbers({ Versions: ["$Default"] })).toEqual([2]);
    const [defaultVersion] = await versions({ LaunchTemplateName: "shop", Versions: ["$Default"] });
    expect(defaultVersion).toMatchObject({ DefaultVersion: true, LaunchTemplateData: { InstanceType: "t3.medium" } });

    await expect(
      t.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "7" })),
    ).rejects.toMatchObject({
      name: "InvalidLaunchTemplateId.VersionNotFound",
    });
    await expect(numbers({ LaunchTemplateId: id, Versions: ["4"] })).rejects.toMatchObject({
      name: "InvalidLaunchTemplateId.VersionNotFound",
    });
    await expect(numbers({ Versions: ["1"] })).rejects.toMatchObject({ name: "InvalidParameterCombination" });
  });
});

describe("launching from a launch template", () => {
  it("RunInstances lays its own parameters over the template's and merges tags, the request winning", async () => {
    const id = await create("shop");
    const subnetId = defaultSubnetId(REGION, `${REGION}c`);
    const [instance] = await run(t, {
      ImageId: undefined,
      InstanceType: "m7i.large",
      SubnetId: subnetId,
      LaunchTemplate: { LaunchTemplateName: "shop", Version: "$Latest" },
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "tier", Value: "canary" }] }],
    });
    expect(instance).toMatchObject({
      ImageId: BASE_IMAGE,
      InstanceType: "m7i.large",
      SubnetId: subnetId,
      IamInstanceProfile: { Arn: `arn:aws:iam::${t.world.accountId}:instance-profile/shop-instance` },
      MetadataOptions: { HttpTokens: "required" },
    });
    expect(instance?.Tags).toEqual([
      { Key: "app", Value: "shop" },
      { Key: "tier", Value: "canary" },
      { Key: "aws:ec2launchtemplate:id", Value: id },
      { Key: "aws:ec2launchtemplate:version", Value: "1" },
    ]);
    const stored = t.world.region(REGION).ec2.instances.get(instance?.InstanceId as string);
    expect(stored).toMatchObject({
      userData: DATA.UserData,
      shutdownBehavior: "terminate",
      launchTemplate: { id, version: "1" },
    });

    t.world.clock.advance(t.world.timings.consistencyMs);
    const described = await t.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "tag:aws:ec2launchtemplate:id", Values: [id] }] }),
    );
    expect(described.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(instance?.InstanceId);
  });

  it("fails at launch, not before, when the template's data cannot launch", async () => {
    await create("broken", { ImageId: "ami-0123456789abcdef0", SecurityGroupIds: [SG] });
    await expect(
      run(t, { ImageId: undefined, LaunchTemplate: { LaunchTemplateName: "broken" } }),
    ).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
    });
    await expect(run(t, { LaunchTemplate: { LaunchTemplateName: "absent" } })).rejects.toMatchObject({
      name: "InvalidLaunchTemplateName.NotFoundException",
    });
  });

  it("gives Auto Scaling a LaunchSpec for a template version (launchSpecFromTemplate)", async () => {
    const id = await create("shop");
    const region = t.world.region(REGION);
    const spec = launchSpecFromTemplate(t.world, region, { id, version: "$Default" });
    expect(spec).toMatchObject({
      imageId: BASE_IMAGE,
      instanceType: "t3.small",
      securityGroupIds: [SG],
      metadataHttpTokens: "required",
      launchTemplate: { id, version: "1" },
    });
    const instance = launchInstance(t.world, region, { ...spec, autoScalingGroup: "shop-asg" }, t.world.clock.now());
    expect(instance.tags.map((tag) => tag.Key)).toEqual([
      "app",
      "tier",
      "aws:ec2launchtemplate:id",
      "aws:ec2launchtemplate:version",
    ]);
    expect(() => launchSpecFromTemplate(t.world, region, { name: "shop", version: "2" })).toThrow(
      expect.objectContaining({ code: "InvalidLaunchTemplateId.VersionNotFound" }),
    );
  });
});
