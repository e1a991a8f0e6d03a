import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { amazonLinuxImages } from "../src/services/ec2/defaults.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

describe("SSM Parameter Store", () => {
  it("creates a parameter at version 1 and overwrites it only when asked, counting versions", async () => {
    const created = await t.ssm.send(new PutParameterCommand({ Name: "/shop/stage/url", Value: "a", Type: "String" }));
    expect(created).toMatchObject({ Version: 1, Tier: "Standard" });

    await expect(
      t.ssm.send(new PutParameterCommand({ Name: "/shop/stage/url", Value: "b", Type: "String" })),
    ).rejects.toMatchObject({ name: "ParameterAlreadyExists" });

    await t.world.clock.sleep(60_000);
    const overwritten = await t.ssm.send(
      new PutParameterCommand({ Name: "/shop/stage/url", Value: "b", Overwrite: true }),
    );
    expect(overwritten.Version).toBe(2);

    const { Parameter } = await t.ssm.send(new GetParameterCommand({ Name: "/shop/stage/url" }));
    expect(Parameter).toEqual({
      Name: "/shop/stage/url",
      Type: "String",
      Value: "b",
      Version: 2,
      LastModifiedDate: new Date(t.world.clock.now()),
      ARN: `arn:aws:ssm:${REGION}:${t.world.accountId}:parameter/shop/stage/url`,
      DataType: "text",
    });
  });

  it("answers ParameterNotFound for a name it does not have, in that region only", async () => {
    await t.ssm.send(new PutParameterCommand({ Name: "/only/here", Value: "x", Type: "String" }));
    const elsewhere = t.ssmIn("us-east-1");
    await expect(elsewhere.send(new GetParameterCommand({ Name: "/only/here" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    await expect(t.ssm.send(new GetParameterCommand({ Name: "/nothing" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });

  it("returns a SecureString's value only with WithDecryption, and a ciphertext that does not contain it otherwise", async () => {
    await t.ssm.send(
      new PutParameterCommand({
        Name: "/shop/stage/db-url",
        Value: "postgres://u:hunter2@db/shop",
        Type: "SecureString",
      }),
    );
    const hidden = await t.ssm.send(new GetParameterCommand({ Name: "/shop/stage/db-url" }));
    expect(hidden.Parameter?.Type).toBe("SecureString");
    expect(hidden.Parameter?.Value).toMatch(/^AQICAH[A-Za-z0-9+/=]{40,}$/);
    expect(hidden.Parameter?.Value).not.toContain("hunter2");

    const shown = await t.ssm.send(new GetParameterCommand({ Name: "/shop/stage/db-url", WithDecryption: true }));
    expect(shown.Parameter?.Value).toBe("postgres://u:hunter2@db/shop");
  });

  it("validates aws:ec2:image values as AMI ids and keeps the data type", async () => {
    await expect(
      t.ssm.send(
        new PutParameterCommand({ Name: "/shop/ami", Value: "not-an-ami", Type: "String", DataType: "aws:ec2:image" }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      t.ssm.send(new PutParameterCommand({ Name: "/shop/ami", Value: "x", Type: "String", DataType: "image" })),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("not supported: image") });

    await t.ssm.send(
      new PutParameterCommand({
        Name: "/shop/ami",
        Value: "ami-0123456789abcdef0",
        Type: "String",
        DataType: "aws:ec2:image",
      }),
    );
    const { Parameter } = await t.ssm.send(new GetParameterCommand({ Name: "/shop/ami" }));
    expect(Parameter).toMatchObject({ Value: "ami-0123456789abcdef0", DataType: "aws:ec2:image" });
  });

  it("refuses what AWS refuses: reserved prefixes, relative paths, a missing type, tags with overwrite", async () => {
    const put = (input: ConstructorParameters<typeof PutParameterCommand>[0]) =>
      t.ssm.send(new PutParameterCommand(input));
    await expect(put({ Name: "/aws/service/mine", Value: "x", Type: "String" })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining('prefixed with "aws" or "ssm"'),
    });
    await expect(put({ Name: "ssm-thing", Value: "x", Type: "String" })).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(put({ Name: "shop/url", Value: "x", Type: "String" })).rejects.toMatchObject({
      name: "ValidationException",
      message: "Parameter name must be a fully qualified name.",
    });
    await expect(put({ Name: "/shop/url", Value: "x" })).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      put({ Name: "/shop/url", Value: "x", Type: "String", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("tags and overwrite") });
    await expect(put({ Name: "/shop/big", Value: "x".repeat(4097), Type: "String" })).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(
      put({ Name: "/shop/big", Value: "x".repeat(4097), Type: "String", Tier: "Advanced" }),
    ).resolves.toMatchObject({ Version: 1, Tier: "Advanced" });
  });

  it("GetParameters returns what exists and names the rest in InvalidParameters, at most 10 names", async () => {
    await t.ssm.send(new PutParameterCommand({ Name: "/a", Value: "1", Type: "String" }));
    await t.ssm.send(new PutParameterCommand({ Name: "/b", Value: "x,y", Type: "StringList" }));
    const result = await t.ssm.send(new GetParametersCommand({ Names: ["/a", "/missing", "/b"] }));
    expect(result.Parameters?.map((p) => [p.Name, p.Type, p.Value])).toEqual([
      ["/a", "String", "1"],
      ["/b", "StringList", "x,y"],
    ]);
    expect(result.InvalidParameters).toEqual(["/missing"]);

    const eleven = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    await expect(t.ssm.send(new GetParametersCommand({ Names: eleven }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("GetParametersByPath reads one level or the whole tree, a page at a time, decrypting on request", async () => {
    for (const name of ["db-url", "api-key", "cache-url"]) {
      await t.ssm.send(
        new PutParameterCommand({ Name: `/shop/stage/${name}`, Value: `v-${name}`, Type: "SecureString" }),
      );
    }
    await t.ssm.send(new PutParameterCommand({ Name: "/shop/stage/deep/level", Value: "d", Type: "String" }));
    await t.ssm.send(new PutParameterCommand({ Name: "/shop/production/db-url", Value: "p", Type: "SecureString" }));

    const first = await t.ssm.send(
      new GetParametersByPathCommand({ Path: "/shop/stage", WithDecryption: true, MaxResults: 2 }),
    );
    expect(first.Parameters?.map((p) => [p.Name, p.Value])).toEqual([
      ["/shop/stage/api-key", "v-api-key"],
      ["/shop/stage/cache-url", "v-cache-url"],
    ]);
    expect(first.NextToken).toBeDefined();
    const second = await t.ssm.send(
      new GetParametersByPathCommand({
        Path: "/shop/stage",
        WithDecryption: true,
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(second.Parameters?.map((p) => p.Name)).toEqual(["/shop/stage/db-url"]);
    expect(second.NextToken).toBeUndefined();

    const tree = await t.ssm.send(new GetParametersByPathCommand({ Path: "/shop/", Recursive: true }));
    expect(tree.Parameters?.map((p) => p.Name)).toEqual([
      "/shop/production/db-url",
      "/shop/stage/api-key",
      "/shop/stage/cache-url",
      "/shop/stage/db-url",
      "/shop/stage/deep/level",
    ]);
    expect(tree.Parameters?.find((p) => p.Name === "/shop/stage/db-url")?.Value).not.toBe("v-db-url");

    const root = await t.ssm.send(new GetParametersByPathCommand({ Path: "/", Recursive: true, MaxResults: 10 }));
    expect(root.Parameters?.some((p) => p.Name?.startsWith("/aws/"))).toBe(false);

    await expect(t.ssm.send(new GetParametersByPathCommand({ Path: "/shop", MaxResults: 11 }))).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(t.ssm.send(new GetParametersByPathCommand({ Path: "shop" }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("deletes a parameter, then no longer finds it", async () => {
    await t.ssm.send(new PutParameterCommand({ Name: "/gone", Value: "x", Type: "String" }));
    await t.ssm.send(new DeleteParameterCommand({ Name: "/gone" }));
    await expect(t.ssm.send(new GetParameterCommand({ Name: "/gone" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    await expect(t.ssm.send(new DeleteParameterCommand({ Name: "/gone" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });
});

describe("AWS's public base-image parameters", () => {
  it("name the region's current Amazon Linux 2023 image of each architecture", async () => {
    const latest = "/aws/service/ami-amazon-linux-latest";
    const { Parameters } = await t.ssm.send(
      new GetParametersCommand({
        Names: [`${latest}/al2023-ami-kernel-default-x86_64`, `${latest}/al2023-ami-kernel-default-arm64`],
      }),
    );
    const images = amazonLinuxImages(REGION);
    expect(Parameters?.map((p) => p.Value)).toEqual([images.x86_64, images.arm64]);
    for (const p of Parameters ?? []) {
      expect(p.DataType).toBe("aws:ec2:image");
      // Public parameters belong to no account.
      expect(p.ARN).toBe(`arn:aws:ssm:${REGION}::parameter${p.Name}`);
      const image = t.world.region(REGION).ec2.images.get(p.Value as string);
      expect(image).toMatchObject({ state: "available" });
    }
    expect(t.world.region(REGION).ec2.images.get(images.arm64)?.architecture).toBe("arm64");

    const byPath = await t.ssm.send(new GetParametersByPathCommand({ Path: latest }));
    expect(byPath.Parameters?.map((p) => p.Name)).toContain(`${latest}/al2023-ami-kernel-6.1-x86_64`);
  });

  it("differ per region, as image ids do", async () => {
    const name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    const here = await t.ssm.send(new GetParameterCommand({ Name: name }));
    const there = await t.ssmIn("us-east-1").send(new GetParameterCommand({ Name: name }));
    expect(here.Parameter?.Value).not.toBe(there.Parameter?.Value);
  });
});
