import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BakeKeyInput, type BakeKeyRequest, bakeKey, bakeSettings, shortBakeKey } from "./bake-key.ts";

const request: BakeKeyRequest = {
  instanceType: "t3.small",
  rootVolumeSizeGiB: 16,
  encrypt: true,
  kmsKeyIds: { "us-east-1": "alias/shop-us", "eu-west-1": "alias/shop-eu" },
  recipeEnv: { APP_PORT: "8080", LOG_LEVEL: "info" },
};

const fixture: BakeKeyInput = {
  baseImageId: "ami-0a1b2c3d4e5f60718",
  recipe: [
    { path: "bake/10-packages.sh", content: Buffer.from("#!/bin/bash\ndnf install -y nginx\n") },
    { path: "bake/20-app.sh", content: Buffer.from("#!/bin/bash\necho $IMAGE > /etc/shop-image\n") },
  ],
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"9b1e".repeat(16)}`,
  settings: bakeSettings(request),
};

const keyOf = (changes: Partial<BakeKeyInput>) => bakeKey({ ...fixture, ...changes });

describe("bakeKey", () => {
  it("is pinned: the same input gives this key on every machine and in every version of schema 1", () => {
    expect(bakeKey(fixture)).toBe("sha256:74aabe562c30e74d1e914ff8bb61d5e27a4cb16b80dd9207be0efef865fe7c43");
  });

  it("is the documented formula: SHA-256 of the JSON document in BAKE-KEY.md", () => {
    const document = [
      "deploy-bake-key",
      1,
      "ami-0a1b2c3d4e5f60718",
      fixture.recipe.map((f) => [f.path, createHash("sha256").update(f.content).digest("hex")]),
      fixture.image,
      [
        ["encrypt", true],
        ["instance-type", "t3.small"],
        ["kms-key-id", ["eu-west-1=alias/shop-eu", "us-east-1=alias/shop-us"]],
        ["recipe-env", ["APP_PORT=8080", "LOG_LEVEL=info"]],
        ["root-volume-size", 16],
      ],
    ];
    const expected = createHash("sha256").update(JSON.stringify(document)).digest("hex");
    expect(bakeKey(fixture)).toBe(`sha256:${expected}`);
  });

  it("does not depend on the order of settings, recipe variables or KMS keys", () => {
    const reversed = Object.fromEntries(Object.entries(fixture.settings).reverse());
    expect(keyOf({ settings: reversed })).toBe(bakeKey(fixture));
    const reorderedMaps = bakeSettings({
      ...request,
      recipeEnv: { LOG_LEVEL: "info", APP_PORT: "8080" },
      kmsKeyIds: { "eu-west-1": "alias/shop-eu", "us-east-1": "alias/shop-us" },
    });
    expect(keyOf({ settings: reorderedMaps })).toBe(bakeKey(fixture));
  });

  it("does not depend on the path separators of the machine that read the recipe", () => {
    const windows = fixture.recipe.map((f) => ({ ...f, path: f.path.replaceAll("/", "\\") }));
    expect(keyOf({ recipe: windows })).toBe(bakeKey(fixture));
  });

  it("changes when one byte of one recipe file changes", () => {
    const [first, second] = fixture.recipe as [BakeKeyInput["recipe"][0], BakeKeyInput["recipe"][0]];
    const content = Buffer.from(second.content);
    const last = content.length - 2;
    content.writeUInt8(content.readUInt8(last) ^ 1, last);
    expect(keyOf({ recipe: [first, { ...second, content }] })).not.toBe(bakeKey(fixture));
  });

  it("changes when the recipe files run in another order, or one is renamed", () => {
    const [first, second] = fixture.recipe as [BakeKeyInput["recipe"][0], BakeKeyInput["recipe"][0]];
    expect(keyOf({ recipe: [second, first] })).not.toBe(bakeKey(fixture));
    expect(keyOf({ recipe: [first, { ...second, path: "bake/30-app.sh" }] })).not.toBe(bakeKey(fixture));
  });

  it("changes with the base AMI and with the image digest, and with or without an image", () => {
    const key = bakeKey(fixture);
    expect(keyOf({ baseImageId: "ami-0a1b2c3d4e5f60719" })).not.toBe(key);
    expect(keyOf({ image: fixture.image?.replace(/9b1e$/, "9b1f") })).not.toBe(key);
    expect(keyOf({ image: undefined })).not.toBe(key);
  });

  it("changes with every setting that changes what is baked", () => {
    const key = bakeKey(fixture);
    const changed: Partial<BakeKeyRequest>[] = [
      { instanceType: "t4g.small" },
      { rootVolumeSizeGiB: 20 },
      { rootVolumeSizeGiB: undefined },
      { encrypt: false },
      { kmsKeyIds: { ...request.kmsKeyIds, "us-east-1": "alias/other" } },
      { recipeEnv: { ...request.recipeEnv, LOG_LEVEL: "debug" } },
    ];
    const keys = changed.map((change) => keyOf({ settings: bakeSettings({ ...request, ...change }) }));
    expect(new Set([key, ...keys]).size).toBe(changed.length + 1);
  });

  it('keeps a setting\'s type: 16 and "16" are different values', () => {
    expect(keyOf({ settings: { ...fixture.settings, "root-volume-size": "16" } })).not.toBe(bakeKey(fixture));
  });

  it("ignores unset settings, so that adding an optional setting keeps the keys baked without it", () => {
    expect(keyOf({ settings: { ...fixture.settings, "future-setting": undefined } })).toBe(bakeKey(fixture));
  });
});

describe("bakeSettings", () => {
  it("leaves out RELEASE (new on every commit) and IMAGE (in the key as the image)", () => {
    const withRunValues = bakeSettings({
      ...request,
      recipeEnv: { ...request.recipeEnv, RELEASE: "3f9c2b1a", IMAGE: fixture.image as string },
    });
    expect(withRunValues).toEqual(bakeSettings(request));
  });

  it("has no AMI name, tags, regions, accounts, network or timeouts: a BakeRequest's others do not change the key", () => {
    const bakeRequest = {
      ...request,
      amiNameTemplate: "shop-{commit}-{date}",
      tags: { team: "shop" },
      copyToRegions: ["us-east-1"],
      shareWithAccounts: ["210987654321"],
      subnetId: "subnet-0a1b2c3d",
      timeoutMs: 3_600_000,
    };
    const other = {
      ...bakeRequest,
      amiNameTemplate: "web-{commit}",
      tags: {},
      copyToRegions: [],
      subnetId: "subnet-1",
    };
    expect(keyOf({ settings: bakeSettings(other) })).toBe(keyOf({ settings: bakeSettings(bakeRequest) }));
    expect(Object.keys(bakeSettings(bakeRequest)).sort()).toEqual([
      "encrypt",
      "instance-type",
      "kms-key-id",
      "recipe-env",
      "root-volume-size",
    ]);
  });
});

describe("shortBakeKey", () => {
  it("is the first 12 hex digits", () => {
    expect(shortBakeKey(`sha256:${"51d0".repeat(16)}`)).toBe("51d051d051d0");
  });
});
