import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandInput,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { useTestSim } from "./support.ts";

const t = useTestSim();

async function types(input: DescribeInstanceTypesCommandInput) {
  return (await t.ec2.send(new DescribeInstanceTypesCommand(input))).InstanceTypes ?? [];
}

const architectures = async (type: string) =>
  (await types({ InstanceTypes: [type as _InstanceType] }))[0]?.ProcessorInfo?.SupportedArchitectures;

describe("DescribeInstanceTypes", () => {
  it("gives each type's architectures as the SDK parses them: Graviton arm64, the others x86_64", async () => {
    expect(await architectures("t3.small")).toEqual(["x86_64"]);
    expect(await architectures("m7i.large")).toEqual(["x86_64"]);
    expect(await architectures("t4g.small")).toEqual(["arm64"]);
    expect(await architectures("m7g.large")).toEqual(["arm64"]);
    // Older types run 32-bit images too.
    expect(await architectures("t2.micro")).toEqual(["i386", "x86_64"]);
  });

  it("answers several types in one call, each once", async () => {
    const answer = await types({ InstanceTypes: ["t3.small", "t4g.small", "t3.small"] });
    expect(answer.map((i) => i.InstanceType).sort()).toEqual(["t3.small", "t4g.small"]);
  });

  it("refuses a type that does not exist, naming it, as InvalidInstanceType", async () => {
    await expect(types({ InstanceTypes: ["t3.small", "t3.gigantic" as _InstanceType] })).rejects.toMatchObject({
      name: "InvalidInstanceType",
      message: expect.stringContaining("t3.gigantic"),
    });
  });

  it("filters by architecture and pages within the model's bounds", async () => {
    const arm = await types({ Filters: [{ Name: "processor-info.supported-architecture", Values: ["arm64"] }] });
    expect(arm.length).toBeGreaterThan(0);
    expect(arm.every((i) => i.ProcessorInfo?.SupportedArchitectures?.includes("arm64"))).toBe(true);
    const first = await t.ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
    expect(first.InstanceTypes).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    await expect(types({ MaxResults: 101 })).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });
});
