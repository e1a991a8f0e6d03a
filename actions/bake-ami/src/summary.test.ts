import type { BakeResult } from "@deploy/aws";
import { testRunContext, virtualClock } from "@deploy/core/testing";
import { parseRelease } from "@deploy/release";
import { describe, expect, it } from "vitest";
import type { Settings } from "./inputs.ts";
import { bakedRelease } from "./outputs.ts";
import { bakeSummary, sweepSummary } from "./summary.ts";

const RUN = testRunContext();
const KEY = `sha256:${"51d0".repeat(16)}`;
const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"9b1e".repeat(16)}`;
const AMIS = { "eu-west-1": "ami-0a1b2c3d4e5f60718", "us-east-1": "ami-0f1e2d3c4b5a69788" };

const RESULT: BakeResult = {
  bakeKey: KEY,
  amis: AMIS,
  reused: false,
  base: {
    imageId: "ami-067d4594b67c239c8",
    name: "al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64",
    architecture: "x86_64",
    source: "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
  },
  recipe: {
    status: "Success",
    exitCode: 0,
    outputTail: "done",
    files: [
      { path: "bake/10-packages.sh", status: "Success", exitCode: 0, ms: 95_000 },
      { path: "bake/20-app.sh", status: "Success", exitCode: 0, ms: 12_000 },
    ],
  },
  phases: [
    { phase: "resolving", ms: 800 },
    { phase: "launching", ms: 62_000 },
    { phase: "configuring", ms: 107_000 },
    { phase: "imaging", ms: 420_000 },
    { phase: "copying", ms: 610_000 },
    { phase: "sharing", ms: 3_000 },
  ],
  sharedWith: ["210987654321"],
};

const settings = (release?: Settings["release"], image?: string) =>
  ({
    request: { region: "eu-west-1", recipe: [{}, {}], ...(image && { image }) },
    commit: RUN.commit,
    regions: Object.keys(AMIS),
    ...(release && { release }),
  }) as unknown as Settings;

describe("bakeSummary", () => {
  it("shows the base AMI, the key, baked or reused, the recipe, the AMIs and each phase", () => {
    const text = bakeSummary(RESULT, settings(), RUN, 1_203_000).toString();
    expect(text).toContain("## Bake AMI: ami-0a1b2c3d4e5f60718 ✅");
    expect(text).toContain("Baked **ami-0a1b2c3d4e5f60718** from ami-067d4594b67c239c8 and the recipe. 20m 3s in all.");
    expect(text).toContain(
      "| Base AMI | ami-067d4594b67c239c8 (al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64), from ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 |",
    );
    expect(text).toContain(`| Bake key | \`${KEY}\` |`);
    expect(text).toContain("| Recipe | Success, exit code 0 (2 files) |");
    expect(text).toContain("| Shared with | 210987654321 |");
    expect(text).toContain(
      "| us-east-1 | [ami-0f1e2d3c4b5a69788](https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=ami-0f1e2d3c4b5a69788) |",
    );
    expect(text).toContain("| imaging | 7m | succeeded |");
    expect(text).toContain("| bake/10-packages.sh | Success | 0 | 1m 35s |");
    expect(text).toContain(`[Workflow run](${RUN.runUrl})`);
  });

  it("says a reused AMI ran no recipe", () => {
    const { recipe: _, ...reused } = { ...RESULT, reused: true };
    const text = bakeSummary(reused, settings(), RUN, 4_000).toString();
    expect(text).toContain(
      "Reused **ami-0a1b2c3d4e5f60718**: an AMI with this bake key existed, so no builder was launched.",
    );
    expect(text).toContain("| Result | reused |");
    expect(text).toContain("| Recipe | not run (2 files): the AMI was reused |");
    expect(text).not.toContain("| Recipe file |");
  });
});

describe("sweepSummary", () => {
  it("lists what the post step removed, builders main had terminated, and images kept", () => {
    const text = sweepSummary(
      { terminated: ["i-0b"], deregistered: ["ami-0c"], deletedSnapshots: ["snap-0d"], kept: [] },
      [
        { kind: "instance", region: "eu-west-1", instanceId: "i-0a" },
        { kind: "instance", region: "eu-west-1", instanceId: "i-0b" },
        { kind: "image", region: "eu-west-1", imageId: "ami-0e" },
        { kind: "image", region: "us-east-1", imageId: "ami-0c" },
      ],
      ["eu-west-1", "us-east-1"],
      RUN,
    ).toString();
    expect(text).toContain("The post step removed what this run attempt left unfinished in eu-west-1, us-east-1:");
    expect(text).toContain(
      "- Terminated the builder i-0b\n- Deregistered the unfinished AMI ami-0c\n- Deleted the snapshot snap-0d",
    );
    expect(text).toContain("- Builder i-0a in eu-west-1: already terminated by the main step");
    expect(text).not.toContain("Builder i-0b");
    expect(text).toMatch(/Kept, as they were finished .*\n\n- AMI \[ami-0e\]\(\S+\) in eu-west-1\n/);
  });

  it("says when it found nothing", () => {
    const text = sweepSummary(
      { terminated: [], deregistered: [], deletedSnapshots: [], kept: [] },
      [],
      ["eu-west-1"],
      RUN,
    );
    expect(text.toString()).toContain("found nothing of this run attempt left unfinished in eu-west-1.");
  });

  it("says which pending images it kept for the retry after a timeout, and why", () => {
    const text = sweepSummary(
      { terminated: [], deregistered: [], deletedSnapshots: [], kept: ["ami-0e"] },
      [
        { kind: "instance", region: "eu-west-1", instanceId: "i-0a" },
        { kind: "image", region: "eu-west-1", imageId: "ami-0e" },
      ],
      ["eu-west-1"],
      RUN,
    ).toString();
    expect(text).toMatch(
      /Kept for the retry, still pending: the bake timed out .* finds them by their bake key .*\n\n- AMI \[ami-0e\]\(\S+\) in eu-west-1\n/,
    );
    expect(text).not.toContain("Kept, as they were finished");
  });
});

describe("bakedRelease", () => {
  const ctx = { run: RUN, clock: virtualClock(Date.parse("2026-11-26T10:00:00Z")) };

  it("makes a release of the run's commit without a release input", () => {
    expect(bakedRelease(ctx, settings(undefined, IMAGE), RESULT)).toEqual({
      schema: 1,
      commit: RUN.commit,
      repository: RUN.repository,
      image: IMAGE,
      amis: AMIS,
      bakeKey: KEY,
      createdAt: "2026-11-26T10:00:00.000Z",
      run: { id: 4242, attempt: 1, url: RUN.runUrl },
    });
  });

  it("adds the AMIs and the key to the release it was given, keeping the rest", () => {
    const given = parseRelease({
      schema: 1,
      commit: "a".repeat(40),
      repository: "acme/shop",
      image: IMAGE,
      amis: { "us-east-1": "ami-00000000000000001", "ap-south-1": "ami-00000000000000002" },
      createdAt: "2026-11-25T09:00:00Z",
      run: { id: 4200, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4200" },
    });
    expect(bakedRelease(ctx, settings(given, IMAGE), RESULT)).toEqual({
      ...given,
      amis: { ...AMIS, "ap-south-1": "ami-00000000000000002" },
      bakeKey: KEY,
    });
  });
});
