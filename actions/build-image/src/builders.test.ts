import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { type BuildPlan, buildahCommands, buildxCommand, parseBuildxMetadata, parseDigestFile } from "./builders.ts";
import { formatCommand } from "./process.ts";

const DIGEST = `sha256:${"9b1e".repeat(16)}`;
const PLAN: BuildPlan = {
  reference: `ghcr.io/acme/shop:${"a".repeat(40)}`,
  context: "/work/shop/app",
  file: "/work/shop/app/Containerfile",
  labels: { "org.opencontainers.image.revision": "a".repeat(40), "com.example.team": "shop web" },
  buildArgs: { GREETING: "hi" },
  platforms: [],
  push: true,
  insecure: false,
};
const REF = PLAN.reference;
const LABELS = [
  "--label",
  `org.opencontainers.image.revision=${"a".repeat(40)}`,
  "--label",
  "com.example.team=shop web",
];

describe("buildahCommands", () => {
  it("builds with bud and pushes with push, writing the digest", () => {
    expect(buildahCommands(PLAN, "/tmp/d/digest")).toEqual([
      {
        command: "buildah",
        args: ["bud", "--file", PLAN.file, "--tag", REF, ...LABELS, "--build-arg", "GREETING=hi", PLAN.context],
      },
      { command: "buildah", args: ["push", "--digestfile", "/tmp/d/digest", REF, `docker://${REF}`] },
    ]);
  });

  it("speaks plain http to a loopback registry", () => {
    const [, push] = buildahCommands({ ...PLAN, reference: "127.0.0.1:5000/shop:abc", insecure: true }, "/d");
    expect(push?.args).toEqual([
      "push",
      "--digestfile",
      "/d",
      "--tls-verify=false",
      "127.0.0.1:5000/shop:abc",
      "docker://127.0.0.1:5000/shop:abc",
    ]);
  });

  it("builds one platform into the tag", () => {
    const [bud] = buildahCommands({ ...PLAN, platforms: ["linux/arm64"] }, "/d");
    expect(bud?.args.slice(0, 7)).toEqual(["bud", "--file", PLAN.file, "--tag", REF, "--platform", "linux/arm64"]);
  });

  it("builds several platforms into a manifest list and pushes all of it", () => {
    const [bud, push] = buildahCommands({ ...PLAN, platforms: ["linux/amd64", "linux/arm64"] }, "/d");
    expect(bud?.args.slice(0, 7)).toEqual([
      "bud",
      "--file",
      PLAN.file,
      "--manifest",
      REF,
      "--platform",
      "linux/amd64,linux/arm64",
    ]);
    expect(push?.args).toEqual(["manifest", "push", "--all", "--digestfile", "/d", REF, `docker://${REF}`]);
  });

  it("only builds when push is false", () => {
    expect(buildahCommands({ ...PLAN, push: false }, "/d").map((c) => c.args[0])).toEqual(["bud"]);
  });

  it("reads as a shell line in the log, quoting what needs it", () => {
    const [bud] = buildahCommands(PLAN, "/d");
    expect(formatCommand(bud as never)).toBe(
      `buildah bud --file ${PLAN.file} --tag ${REF} --label org.opencontainers.image.revision=${"a".repeat(40)} --label 'com.example.team=shop web' --build-arg GREETING=hi ${PLAN.context}`,
    );
  });
});

describe("buildxCommand", () => {
  it("builds and pushes in one command, writing its metadata", () => {
    expect(buildxCommand(PLAN, "/tmp/d/metadata.json")).toEqual({
      command: "docker",
      args: [
        "buildx",
        "build",
        "--file",
        PLAN.file,
        "--tag",
        REF,
        ...LABELS,
        "--build-arg",
        "GREETING=hi",
        "--metadata-file",
        "/tmp/d/metadata.json",
        "--push",
        PLAN.context,
      ],
    });
  });

  it("uses the GitHub Actions cache in the image's scope, and builds for the platforms", () => {
    const cmd = buildxCommand(
      { ...PLAN, platforms: ["linux/amd64", "linux/arm64"], cacheScope: "build-image-acme-shop" },
      "/m",
    );
    expect(formatCommand(cmd)).toBe(
      [
        `docker buildx build --file ${PLAN.file} --tag ${REF}`,
        `--label org.opencontainers.image.revision=${"a".repeat(40)} --label 'com.example.team=shop web'`,
        "--build-arg GREETING=hi --platform linux/amd64,linux/arm64",
        "--cache-from type=gha,scope=build-image-acme-shop",
        "--cache-to type=gha,mode=max,scope=build-image-acme-shop",
        `--metadata-file /m --push ${PLAN.context}`,
      ].join(" "),
    );
  });

  it("loads one platform into the engine when push is false", () => {
    expect(buildxCommand({ ...PLAN, push: false }, "/m").args.slice(-2)).toEqual(["--load", PLAN.context]);
  });

  it("leaves several platforms in the build cache when push is false (the engine cannot load them)", () => {
    const args = buildxCommand({ ...PLAN, push: false, platforms: ["linux/amd64", "linux/arm64"] }, "/m").args;
    expect(args).not.toContain("--load");
    expect(args).not.toContain("--push");
  });
});

describe("parseBuildxMetadata", () => {
  it("reads containerimage.digest", () => {
    const metadata = {
      "buildx.build.ref": "builder/builder0/x1y2",
      "containerimage.config.digest": `sha256:${"c0".repeat(32)}`,
      "containerimage.descriptor": { mediaType: "application/vnd.oci.image.index.v1+json", digest: DIGEST, size: 856 },
      "containerimage.digest": DIGEST,
      "image.name": REF,
    };
    expect(parseBuildxMetadata(JSON.stringify(metadata, null, 2))).toBe(DIGEST);
  });

  it.for([
    {
      name: "no digest",
      text: JSON.stringify({ "image.name": REF }),
      why: '"containerimage.digest" is undefined (keys: image.name)',
    },
    {
      name: "a digest that is not sha256",
      text: JSON.stringify({ "containerimage.digest": "md5:abc" }),
      why: '"md5:abc"',
    },
    { name: "bad JSON", text: '{"containerimage.digest": ', why: "It is not JSON" },
    { name: "an array", text: "[]", why: "It is not a JSON object" },
    { name: "an empty file", text: "", why: "Buildx wrote no metadata" },
  ])("fails on $name, saying what it read", ({ text, why }) => {
    const error = deployErrorFrom(() => parseBuildxMetadata(text));
    expect(error).toMatchObject({
      code: "NoDigest",
      what: "Buildx's metadata file does not name the pushed image's digest.",
    });
    expect(error.message).toContain(why);
  });
});

describe("parseDigestFile", () => {
  it("reads buildah's digest file", () => {
    expect(parseDigestFile(`${DIGEST}`)).toBe(DIGEST);
    expect(parseDigestFile(`${DIGEST}\n`)).toBe(DIGEST);
  });

  it("fails on anything else", () => {
    expect(() => parseDigestFile("")).toThrow(/buildah did not write/);
  });
});
