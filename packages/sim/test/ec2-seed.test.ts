import {
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSubnetsCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { amazonLinuxImages } from "../src/services/ec2/defaults.ts";
import { type Ec2Seed, seedEc2 } from "../src/services/ec2/seed.ts";
import { World } from "../src/world.ts";
import { run } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

const SEED: Ec2Seed = {
  subnets: [{ id: "subnet-0aaaaaaaaaaaaaaa1", availabilityZone: `${REGION}a`, cidrBlock: "10.0.1.0/24" }],
  securityGroups: ["sg-0bbbbbbbbbbbbbbb1"],
  images: [
    { id: "ami-0ccccccccccccccc1", name: "shop-2026-11-20", tags: { app: "shop" } },
    { name: "shop-2026-11-25", unhealthy: true, state: "pending" },
    { name: "partner-base", ownerId: "210987654321", public: true, architecture: "arm64" },
  ],
  launchTemplates: [
    {
      id: "lt-0ddddddddddddddd1",
      name: "shop",
      versions: [
        { ImageId: "name:shop-2026-11-20", InstanceType: "t3.small", SecurityGroupIds: ["sg-0bbbbbbbbbbbbbbb1"] },
        { ImageId: "name:shop-2026-11-25", InstanceType: "t3.small" },
      ],
      defaultVersion: 1,
      tags: { team: "web" },
    },
  ],
};

describe("seedEc2", () => {
  it("adds subnets, security groups, images and launch templates that the API then answers", async () => {
    seedEc2(t.world, REGION, SEED);
    const ec2 = t.world.region(REGION).ec2;

    const { Subnets } = await t.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] }));
    expect(Subnets?.[0]).toMatchObject({
      CidrBlock: "10.0.1.0/24",
      AvailabilityZone: `${REGION}a`,
      DefaultForAz: false,
    });

    const { Images } = await t.ec2.send(new DescribeImagesCommand({ Owners: ["self", "210987654321"] }));
    expect(Images?.map((i) => [i.Name, i.State, i.Architecture, i.Public])).toEqual([
      ["shop-2026-11-20", "available", "x86_64", false],
      ["shop-2026-11-25", "pending", "x86_64", false],
      ["partner-base", "available", "arm64", true],
    ]);
    const pendingId = Images?.[1]?.ImageId as string;
    expect(ec2.images.get(pendingId)?.unhealthy).toBe(true);
    t.world.clock.advance(t.world.timings.createImageMs);
    expect((await t.ec2.send(new DescribeImagesCommand({ ImageIds: [pendingId] }))).Images?.[0]?.State).toBe(
      "available",
    );

    const { LaunchTemplateVersions } = await t.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "shop" }),
    );
    expect(
      LaunchTemplateVersions?.map((v) => [v.VersionNumber, v.DefaultVersion, v.LaunchTemplateData?.ImageId]),
    ).toEqual([
      [2, false, pendingId],
      [1, true, "ami-0ccccccccccccccc1"],
    ]);
    const [instance] = await run(t, {
      ImageId: undefined,
      LaunchTemplate: { LaunchTemplateId: "lt-0ddddddddddddddd1" },
    });
    expect(instance?.SecurityGroups?.map((g) => g.GroupId)).toEqual(["sg-0bbbbbbbbbbbbbbb1"]);
  });

  it("can name Amazon's images and images of an earlier seed", () => {
    const world = new World();
    const [amazonName] = [...world.region(REGION).ec2.images.values()]
      .filter((i) => i.id === amazonLinuxImages(REGION).x86_64)
      .map((i) => i.name);
    seedEc2(world, REGION, { images: [{ name: "base-copy" }] });
    seedEc2(world, REGION, {
      launchTemplates: [
        { name: "on-amazon", data: { ImageId: `name:${amazonName}` } },
        { name: "on-mine", data: { ImageId: "name:base-copy" } },
      ],
    });
    const templates = [...world.region(REGION).ec2.launchTemplates.values()];
    expect(templates.map((lt) => lt.versions[0]?.data.ImageId)).toEqual([
      amazonLinuxImages(REGION).x86_64,
      [...world.region(REGION).ec2.images.values()].find((i) => i.name === "base-copy")?.id,
    ]);
  });

  it("says where a section is wrong", () => {
    const where = `ec2 (${REGION})`;
    const cases: [Ec2Seed, string][] = [
      [{ images: [{ name: "x1x", id: "ami-1" }] }, `${where}.images[0].id: ami-1 is not a well-formed id`],
      [{ images: [{ name: "dup" }, { name: "dup" }] }, `${where}.images[1]: AMI name dup is already in use`],
      [{ images: [{ name: "ok-name", ownerId: "bob" }] }, `${where}.images[0].ownerId must be an account id`],
      [
        { subnets: [{ availabilityZone: "us-east-1a" }] },
        `${where}.subnets[0].availabilityZone must be a zone of ${REGION}`,
      ],
      [
        { launchTemplates: [{ name: "lt1", data: { ImageId: "name:missing" } }] },
        `${where}.launchTemplates[0].data.ImageId: no image named "missing"`,
      ],
      [
        { launchTemplates: [{ name: "lt2", data: { ImageID: "ami-0123456789abcdef0" } }] },
        `${where}.launchTemplates[0].data.ImageID is not a launch template data member`,
      ],
      [
        { launchTemplates: [{ name: "lt3", data: { SecurityGroupIds: "sg-1" } }] },
        `${where}.launchTemplates[0].data.SecurityGroupIds must be a list`,
      ],
      [{ launchTemplates: [{ name: "lt4" }] }, `${where}.launchTemplates[0]: give either data`],
      [
        { launchTemplates: [{ name: "lt5", versions: [{}], defaultVersion: 2 }] },
        `${where}.launchTemplates[0].defaultVersion must be a version between 1 and 1`,
      ],
      [{ images: [{ name: "ok-name", colour: "red" } as never] }, `${where}.images[0].colour is not known here`],
      [{ volumes: [] } as never, `${where}.volumes is not known here`],
    ];
    for (const [section, message] of cases) {
      expect(() => seedEc2(new World(), REGION, section), JSON.stringify(section)).toThrow(message);
    }
  });
});
