import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { defaultSecurityGroupId, defaultSubnetId, defaultVpcId } from "../src/services/ec2/defaults.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

describe("the default network of every region", () => {
  it("has one default subnet per availability zone, in the default VPC", async () => {
    const { Subnets } = await t.ec2.send(new DescribeSubnetsCommand({}));
    expect(Subnets?.map((s) => [s.AvailabilityZone, s.SubnetId, s.CidrBlock, s.DefaultForAz])).toEqual([
      [`${REGION}a`, defaultSubnetId(REGION, `${REGION}a`), "172.31.0.0/20", true],
      [`${REGION}b`, defaultSubnetId(REGION, `${REGION}b`), "172.31.16.0/20", true],
      [`${REGION}c`, defaultSubnetId(REGION, `${REGION}c`), "172.31.32.0/20", true],
    ]);
    expect(Subnets?.every((s) => s.VpcId === defaultVpcId(REGION) && s.State === "available")).toBe(true);

    const { Subnets: inB } = await t.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: [`${REGION}b`] }] }),
    );
    expect(inB?.map((s) => s.SubnetId)).toEqual([defaultSubnetId(REGION, `${REGION}b`)]);
    const other = await t.ec2In("us-east-1").send(new DescribeSubnetsCommand({}));
    expect(other.Subnets?.map((s) => s.AvailabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  it("has the default security group, named default", async () => {
    const { SecurityGroups } = await t.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }));
    expect(SecurityGroups).toEqual([
      expect.objectContaining({
        GroupId: defaultSecurityGroupId(REGION),
        GroupName: "default",
        VpcId: defaultVpcId(REGION),
        OwnerId: t.world.accountId,
      }),
    ]);
  });

  it("answers NotFound and Malformed for subnets and security groups it does not have", async () => {
    await expect(
      t.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })),
    ).rejects.toMatchObject({
      name: "InvalidSubnetID.NotFound",
    });
    await expect(t.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-x"] }))).rejects.toMatchObject({
      name: "InvalidSubnetID.Malformed",
    });
    await expect(
      t.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0123456789abcdef0"] })),
    ).rejects.toMatchObject({ name: "InvalidGroup.NotFound" });
  });
});
