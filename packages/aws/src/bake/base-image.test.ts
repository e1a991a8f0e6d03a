import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { describeBaseImageSource, parseBaseImage } from "./base-image.ts";

const parseError = (text: string, input?: string) => deployErrorFrom(() => parseBaseImage(text, input));

describe("parseBaseImage", () => {
  it("reads an AMI id, long or short", () => {
    expect(parseBaseImage(" ami-0a1b2c3d4e5f60718\n")).toEqual({ kind: "id", imageId: "ami-0a1b2c3d4e5f60718" });
    expect(parseBaseImage("ami-0a1b2c3d")).toEqual({ kind: "id", imageId: "ami-0a1b2c3d" });
  });

  it("reads an SSM parameter, with a version or label selector", () => {
    const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    expect(parseBaseImage(`ssm:${parameter}`)).toEqual({ kind: "ssm", parameter });
    expect(parseBaseImage("ssm:/shop/base-ami:3")).toEqual({ kind: "ssm", parameter: "/shop/base-ami:3" });
  });

  it("reads a name filter with one or more owners, spaces around parts allowed", () => {
    expect(parseBaseImage("name=al2023-ami-2023.*-x86_64,owner=amazon")).toEqual({
      kind: "filter",
      namePattern: "al2023-ami-2023.*-x86_64",
      owners: ["amazon"],
    });
    expect(parseBaseImage("owner=self, name=shop-base-?, owner=123456789012")).toEqual({
      kind: "filter",
      namePattern: "shop-base-?",
      owners: ["self", "123456789012"],
    });
  });

  it("refuses what it cannot read, naming the input and the value and saying what to write", () => {
    const cases: [string, string][] = [
      ["ami-XYZ", "is not a valid AMI id"],
      ["ami-0a1b2c3d4e5f6071", "is not a valid AMI id"],
      ["ssm:", "is not a valid SSM parameter name"],
      ["ssm:/shop/base ami", "is not a valid SSM parameter name"],
      ["resolve:ssm:/shop/base-ami", "is not an AMI id, an SSM parameter or a name filter"],
      ["al2023-ami-*", "is not an AMI id, an SSM parameter or a name filter"],
      ["", "is not an AMI id, an SSM parameter or a name filter"],
      ["name=al2023-*", "has a name filter without an owner"],
      ["owner=amazon", "needs exactly one name= in its name filter"],
      ["name=a*,name=b*,owner=amazon", "needs exactly one name= in its name filter"],
      ["name=al2023-*,owner=amazon,arch=x86_64", 'has "arch=x86_64" in its name filter'],
      ["name=al2023-*,owner=amazn", 'has an invalid owner "amazn"'],
      ["name=al2023-ami-*;rm,owner=amazon", 'has an invalid name pattern "al2023-ami-*;rm"'],
      ["name=,owner=amazon", 'has an invalid name pattern ""'],
    ];
    for (const [text, problem] of cases) {
      const error = parseError(text);
      expect(error.what).toBe(`Input "base-ami" ${problem}.`);
      expect(error.why).toBe(`Got "${text}".`);
      expect(error.input).toBe("base-ami");
      expect(error.fix).toBeTruthy();
    }
  });

  it("names the input it is given", () => {
    expect(parseError("latest", "base-image").what).toContain('Input "base-image"');
  });

  it("round-trips into the summary's words", () => {
    expect(describeBaseImageSource(parseBaseImage("name=al2023-*,owner=amazon,owner=self"))).toBe(
      "name al2023-* owned by amazon or self",
    );
    expect(describeBaseImageSource(parseBaseImage("ssm:/shop/base"))).toBe("ssm:/shop/base");
  });
});
