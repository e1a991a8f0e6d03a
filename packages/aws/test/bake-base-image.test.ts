import { CancelledError, DeployError } from "@deploy/core";
import type { WorldFile } from "@deploy/sim";
import { afterEach, describe, expect, it } from "vitest";
import { parseBaseImage, resolveBaseImage } from "../src/bake/base-image.ts";
import { REGION, type RolloutSim, startRolloutSim, useRolloutSim } from "./rollout-sim.ts";

const SELF_AMI = "ami-0000000000000c001";
const PENDING_AMI = "ami-0000000000000c002";
const FAILED_AMI = "ami-0000000000000c003";
const MISSING_AMI = "ami-0000000000000dead";
/** AWS's current Amazon Linux 2023 in every simulated region; 2023.5 before it is deprecated. */
const CURRENT_AL2023 = "al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64";
const AL2023_X86 = "al2023-ami-2023.*-kernel-6.1-x86_64";
const PUBLIC_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const HOUR_MS = 3_600_000;
/** An hour after the simulator's clock starts. */
const IN_AN_HOUR = "2026-11-26T11:00:00Z";

type Images = NonNullable<NonNullable<WorldFile["regions"]>[string]["images"]>;

function world(images: Images = []): WorldFile {
  return {
    regions: {
      [REGION]: {
        images: [
          { id: SELF_AMI, name: "shop-base-1", ownerId: "self" },
          { id: PENDING_AMI, name: "shop-wip-2", ownerId: "self", state: "pending" },
          { id: FAILED_AMI, name: "shop-wip-3", ownerId: "self", state: "failed" },
          ...images,
        ],
        parameters: [
          { name: "/shop/base-ami", value: SELF_AMI },
          { name: "/shop/base-ami-name", value: "shop-base-1" },
          { name: "/shop/secret-base", value: "do-not-print-me", type: "SecureString" },
          { name: "/shop/gone-ami", value: MISSING_AMI },
          // Two versions: the base image before (1, labelled "previous") and after (2) a patch.
          { name: "/shop/versioned-ami", value: SELF_AMI, labels: ["previous"] },
          { name: "/shop/versioned-ami", value: "name:al2023-ami-2023.6.20261101.0-kernel-6.1-x86_64" },
        ],
      },
    },
  };
}

/** A newer Amazon Linux release than the simulator's current one, published at the clock's start. */
const newerAl2023 = (extra: Partial<Images[number]> = {}): Images[number] => ({
  name: "al2023-ami-2023.7.20261126.0-kernel-6.1-x86_64",
  ownerId: "amazon",
  public: true,
  ...extra,
});

const resolve = (t: RolloutSim, text: string) =>
  resolveBaseImage(t.clients(REGION), parseBaseImage(text), {
    clock: t.sim.world.clock,
    signal: new AbortController().signal,
  });

async function failure(t: RolloutSim, text: string): Promise<DeployError> {
  const error = await resolve(t, text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployError);
  expect((error as DeployError).input).toBe("base-ami");
  return error as DeployError;
}

describe("resolveBaseImage by id", () => {
  const t = useRolloutSim(() => world());

  it("resolves an available AMI, with what the summary shows, reading only", async () => {
    const base = await resolve(t, SELF_AMI);
    expect(base).toMatchObject({ imageId: SELF_AMI, name: "shop-base-1", architecture: "x86_64", source: SELF_AMI });
    expect(base.creationDate).toBe("2026-11-26T10:00:00.000Z");
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });

  it("fails for an AMI that does not exist in the region", async () => {
    const error = await failure(t, MISSING_AMI);
    expect(error.code).toBe("BaseImageNotFound");
    expect(error.what).toBe(`The base AMI ${MISSING_AMI} does not exist in ${REGION}.`);
  });

  it("fails for an AMI that is pending or failed, saying so", async () => {
    const pending = await failure(t, PENDING_AMI);
    expect(pending.what).toBe(`The base AMI ${PENDING_AMI} in ${REGION} is pending, not available.`);
    expect(pending.fix).toContain("once the AMI is available");
    const failed = await failure(t, FAILED_AMI);
    expect(failed.code).toBe("BaseImageNotAvailable");
    expect(failed.what).toContain("is failed, not available");
  });

  it("rides out throttling (the SDK retries it)", async () => {
    t.sim.world.faults.add({ operation: "ec2:DescribeImages", kind: "throttle", count: 2 });
    expect((await resolve(t, SELF_AMI)).imageId).toBe(SELF_AMI);
    expect(t.sim.world.calls.counts()["ec2:DescribeImages"]).toBe(3);
  });

  it("stops before calling AWS when the step is cancelled", async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError("SIGINT"));
    const source = parseBaseImage(SELF_AMI);
    const resolving = resolveBaseImage(t.clients(REGION), source, {
      clock: t.sim.world.clock,
      signal: controller.signal,
    });
    await expect(resolving).rejects.toBeInstanceOf(CancelledError);
    expect(t.sim.world.calls.counts()["ec2:DescribeImages"]).toBeUndefined();
  });
});

describe("resolveBaseImage by SSM parameter", () => {
  const t = useRolloutSim(() => world());

  it("resolves AWS's public Amazon Linux parameter to the region's current image", async () => {
    const base = await resolve(t, `ssm:${PUBLIC_PARAMETER}`);
    expect(base).toMatchObject({ name: CURRENT_AL2023, architecture: "x86_64", source: `ssm:${PUBLIC_PARAMETER}` });
    expect(base.imageId).toMatch(/^ami-[0-9a-f]{17}$/);
  });

  it("resolves a parameter of the account", async () => {
    expect(await resolve(t, "ssm:/shop/base-ami")).toMatchObject({ imageId: SELF_AMI, source: "ssm:/shop/base-ami" });
  });

  it("fails clearly for a parameter that does not exist", async () => {
    const error = await failure(t, "ssm:/shop/no-such-parameter");
    expect(error.code).toBe("ParameterNotFound");
    expect(error.what).toBe(`The SSM parameter /shop/no-such-parameter does not exist in ${REGION}.`);
  });

  it("fails for a value that is not an AMI id, without printing a SecureString", async () => {
    const text = await failure(t, "ssm:/shop/base-ami-name");
    expect(text.code).toBe("InvalidBaseImage");
    expect(text.what).toBe(`The SSM parameter /shop/base-ami-name in ${REGION} does not hold an AMI id.`);
    expect(text.why).toContain('It holds "shop-base-1".');
    const secret = await failure(t, "ssm:/shop/secret-base");
    expect(secret.why).toContain("It is a SecureString.");
    expect(secret.message).not.toContain("do-not-print-me");
  });

  it("resolves a version or a label of a parameter, not its latest value", async () => {
    expect(await resolve(t, "ssm:/shop/versioned-ami:1")).toMatchObject({
      imageId: SELF_AMI,
      source: "ssm:/shop/versioned-ami:1",
    });
    expect(await resolve(t, "ssm:/shop/versioned-ami:previous")).toMatchObject({ imageId: SELF_AMI });
    expect(await resolve(t, "ssm:/shop/versioned-ami")).toMatchObject({ name: CURRENT_AL2023 });
  });

  it("fails clearly for a version or a label the parameter does not have, naming both", async () => {
    const version = await failure(t, "ssm:/shop/versioned-ami:7");
    expect(version.code).toBe("ParameterNotFound");
    expect(version.serviceCode).toBe("ParameterVersionNotFound");
    expect(version.what).toBe(`The SSM parameter /shop/versioned-ami has no version 7 in ${REGION}.`);
    const label = await failure(t, "ssm:/shop/versioned-ami:stable");
    expect(label.code).toBe("ParameterNotFound");
    expect(label.what).toBe(`The SSM parameter /shop/versioned-ami has no version labelled stable in ${REGION}.`);
  });

  it("fails for an AMI id that does not exist, naming the parameter it came from", async () => {
    const error = await failure(t, "ssm:/shop/gone-ami");
    expect(error.what).toBe(
      `The base AMI ${MISSING_AMI}, named by the SSM parameter /shop/gone-ami, does not exist in ${REGION}.`,
    );
  });
});

describe("resolveBaseImage by name filter", () => {
  it("picks the newest match that is available and not deprecated", async () => {
    const t = await withWorld([newerAl2023({ state: "pending" })]);
    // 2023.5 matches too but is deprecated; the pending 2023.7 is not available yet.
    const base = await resolve(t, `name=${AL2023_X86},owner=amazon`);
    expect(base).toMatchObject({
      name: CURRENT_AL2023,
      source: `name ${AL2023_X86} owned by amazon`,
      creationDate: "2026-11-01T19:24:18.000Z",
    });
  });

  it("picks a newer release as soon as it is published", async () => {
    const t = await withWorld([newerAl2023()]);
    expect((await resolve(t, `name=${AL2023_X86},owner=amazon`)).name).toBe(newerAl2023().name);
  });

  it("skips a release once its deprecation time has passed on the clock", async () => {
    const t = await withWorld([newerAl2023({ deprecationTime: IN_AN_HOUR })]);
    expect((await resolve(t, `name=${AL2023_X86},owner=amazon`)).name).toBe(newerAl2023().name);
    t.sim.world.clock.advance(2 * HOUR_MS);
    expect((await resolve(t, `name=${AL2023_X86},owner=amazon`)).name).toBe(CURRENT_AL2023);
  });

  it("matches only the owners given", async () => {
    const t = await withWorld();
    const error = await failure(t, `name=${AL2023_X86},owner=self`);
    expect(error.code).toBe("BaseImageNotFound");
    expect(error.what).toBe(`No base AMI in ${REGION} matches name "${AL2023_X86}" owned by self.`);
    expect(error.why).toContain("none matches");
    expect((await resolve(t, "name=shop-base-*,owner=self,owner=amazon")).imageId).toBe(SELF_AMI);
  });

  it("fails naming the pattern and owners when every match is deprecated or not available", async () => {
    const t = await withWorld();
    const error = await failure(t, "name=al2023-ami-2023.5.*-x86_64,owner=amazon,owner=123456789012");
    expect(error.what).toBe(
      `No base AMI in ${REGION} matches name "al2023-ami-2023.5.*-x86_64" owned by amazon or 123456789012.`,
    );
    expect(error.why).toContain("1 match, but none is available and not deprecated");
    expect(error.fix).toContain("--owners amazon 123456789012");
    const unavailable = await failure(t, "name=shop-wip-*,owner=self");
    expect(unavailable.why).toContain("2 match, but none is available and not deprecated");
  });

  // One simulator for the whole file would leak worlds between tests; these build their own.
  let current: Awaited<ReturnType<typeof startRolloutSim>> | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  async function withWorld(images: Images = []): Promise<RolloutSim> {
    current = await startRolloutSim(world(images));
    return current;
  }
});
