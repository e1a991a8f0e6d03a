import { DeployError } from "@deploy/core";
import { testRunContext, virtualClock } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { amiFor, formatRelease, parseRelease, type Release, releaseOf } from "./release.ts";

const release: Release = {
  schema: 1,
  commit: "3f9c2b7e8d1a4c6b9e0f1a2b3c4d5e6f7a8b9c0d",
  repository: "acme/shop",
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"9b1e".repeat(16)}`,
  amis: { "us-east-1": "ami-0f1e2d3c4b5a69788", "eu-west-1": "ami-0a1b2c3d4e5f60718" },
  bakeKey: `sha256:${"51d0".repeat(16)}`,
  createdAt: "2026-11-26T10:00:00Z",
  run: { id: 4242, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4242" },
};

function errorOf(value: unknown): DeployError {
  try {
    parseRelease(value);
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error("parseRelease accepted it");
}

describe("parseRelease", () => {
  it("reads a release from JSON text and from a value, the same", () => {
    expect(parseRelease(JSON.stringify(release))).toEqual(release);
    expect(parseRelease(release)).toEqual(release);
  });

  it("round-trips through formatRelease, whose key order is fixed", () => {
    const text = formatRelease(release);
    expect(parseRelease(text)).toEqual(release);
    expect(
      formatRelease({
        ...release,
        amis: { "eu-west-1": "ami-0a1b2c3d4e5f60718", "us-east-1": "ami-0f1e2d3c4b5a69788" },
      }),
    ).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "schema",
      "commit",
      "repository",
      "image",
      "amis",
      "bakeKey",
      "createdAt",
      "run",
    ]);
  });

  it("accepts a release without image and bake key (an AMI-only release)", () => {
    const { image, bakeKey, ...bare } = release;
    expect(parseRelease(bare)).toEqual(bare);
  });

  it.each([
    ["not JSON", "{nope", /not JSON/],
    ["an array", [], /not a JSON object/],
    ["another schema", { ...release, schema: 2 }, /schema is 2/],
    ["a short commit", { ...release, commit: "3f9c2b7" }, /Field "commit" is "3f9c2b7"/],
    ["an image by tag", { ...release, image: "shop:latest" }, /Field "image"/],
    ["a bad AMI id", { ...release, amis: { "eu-west-1": "ami-xyz" } }, /maps "eu-west-1" to "ami-xyz"/],
    ["a bad region", { ...release, amis: { europe: "ami-0a1b2c3d4e5f60718" } }, /maps "europe"/],
    ["a bad date", { ...release, createdAt: "yesterday" }, /not a date/],
    ["no run", { ...release, run: undefined }, /Field "run"/],
  ])("refuses %s, saying which field and why", (_, value, why) => {
    const error = errorOf(value);
    expect(error.what).toBe('Input "release" is not a valid release record.');
    expect(error.why).toMatch(why);
    expect(error.fix).toBeTruthy();
    expect(error.code).toBe("InvalidRelease");
  });

  it("names where the record came from", () => {
    expect(() => parseRelease("{}", "The payload of deployment 42")).toThrow(/^The payload of deployment 42 is not/);
  });
});

describe("amiFor", () => {
  it("gives the region's AMI", () => {
    expect(amiFor(release, "eu-west-1")).toBe("ami-0a1b2c3d4e5f60718");
  });

  it("says which regions the release has when the asked one is missing", () => {
    expect(() => amiFor(release, "ap-south-1")).toThrow(/no AMI in ap-south-1.*It has AMIs in us-east-1, eu-west-1/);
  });
});

describe("releaseOf", () => {
  const run = testRunContext({ commit: release.commit, runAttempt: "2" });

  it("makes a valid release of the run's commit, with what the step made", () => {
    const made = releaseOf(
      { run, clock: virtualClock(Date.parse("2026-11-26T10:00:00Z")) },
      { amis: release.amis, image: release.image as string, bakeKey: release.bakeKey as string },
    );
    expect(made).toEqual({ ...release, createdAt: "2026-11-26T10:00:00.000Z", run: { ...release.run, attempt: 2 } });
    expect(parseRelease(formatRelease(made))).toEqual(made);
  });

  it("leaves out the image and bake key when there are none", () => {
    const made = releaseOf({ run, clock: virtualClock(0) }, { amis: { "eu-west-1": "ami-0a1b2c3d4e5f60718" } });
    expect(Object.keys(made)).toEqual(["schema", "commit", "repository", "amis", "createdAt", "run"]);
  });
});
