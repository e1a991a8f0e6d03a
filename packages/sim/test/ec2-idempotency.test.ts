import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import {
  CopyImageCommand,
  type CopyImageCommandInput,
  CreateLaunchTemplateCommand,
  type CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateVersionCommand,
  type CreateLaunchTemplateVersionCommandInput,
  DescribeInstancesCommand,
  type EC2Client,
  ModifyLaunchTemplateCommand,
  type ModifyLaunchTemplateCommandInput,
  type RequestLaunchTemplateData,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { amazonLinuxImages, defaultSubnetId } from "../src/services/ec2/defaults.ts";
import { BASE_IMAGE } from "./ec2-fixture.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();

/** IdempotentParameterMismatch as the SDK parses EC2's error envelope. */
const MISMATCH = {
  name: "IdempotentParameterMismatch",
  $fault: "client",
  $metadata: { httpStatusCode: 400 },
  message: expect.stringContaining("client token"),
};

// biome-ignore lint/suspicious/noExplicitAny: any EC2 command; only its middleware stack is touched
type AnyCommand = { middlewareStack: { add(middleware: any, options: { step: "build" }): void } };

/**
 * The command as a raw client without a token would send it: the SDK fills in a random
 * ClientToken when the input has none, so the member is taken out of the body it built.
 */
function withoutToken<C extends AnyCommand>(command: C): C {
  command.middlewareStack.add(
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { body?: unknown; headers: Record<string, string> };
      if (typeof request.body === "string") {
        const body = request.body.replace(/&ClientToken=[^&]*/, "");
        request.body = body;
        request.headers["content-length"] = String(Buffer.byteLength(body));
      }
      return next(args);
    },
    { step: "build" },
  );
  return command;
}

function region(name = REGION) {
  return t.world.region(name);
}

describe("RunInstances with a client token", () => {
  const input: RunInstancesCommandInput = { ImageId: BASE_IMAGE, InstanceType: "t3.micro", MinCount: 2, MaxCount: 2 };
  const runIn = (client: EC2Client, extra: Partial<RunInstancesCommandInput> = {}) =>
    client.send(new RunInstancesCommand({ ...input, ...extra }));
  const runOnce = (extra: Partial<RunInstancesCommandInput> = {}) => runIn(t.ec2, extra);
  const ids = (r: { Instances?: { InstanceId?: string }[] }) => r.Instances?.map((i) => i.InstanceId);

  it("answers a retry with the same reservation and instances, in their current state, launching none", async () => {
    const first = await runOnce({ ClientToken: "launch-1" });
    expect(region().ec2.instances.size).toBe(2);
    expect(first.Instances?.map((i) => i.State?.Name)).toEqual(["pending", "pending"]);

    await t.world.clock.sleep(t.world.timings.instanceBootMs);
    const again = await runOnce({ ClientToken: "launch-1" });
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(ids(again)).toEqual(ids(first));
    expect(again.Instances?.map((i) => i.State?.Name)).toEqual(["running", "running"]);
    expect(again.Instances?.map((i) => i.ClientToken)).toEqual(["launch-1", "launch-1"]);
    expect(region().ec2.instances.size).toBe(2);

    const described = await t.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids(first) as string[] }));
    expect(described.Reservations?.[0]?.Instances?.map((i) => i.ClientToken)).toEqual(["launch-1", "launch-1"]);
  });

  it("answers the terminated instances after they ended, and launches no new ones", async () => {
    const first = await runOnce({ ClientToken: "launch-2" });
    await t.world.clock.sleep(t.world.timings.consistencyMs);
    await t.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids(first) as string[] }));
    await t.world.clock.sleep(t.world.timings.instanceTerminateMs);

    const again = await runOnce({ ClientToken: "launch-2" });
    expect(ids(again)).toEqual(ids(first));
    expect(again.Instances?.map((i) => i.State?.Name)).toEqual(["terminated", "terminated"]);
    expect(region().ec2.instances.size).toBe(2);
  });

  it("refuses the same token with another parameter: IdempotentParameterMismatch, HTTP 400, nothing launched", async () => {
    await runOnce({ ClientToken: "launch-3" });
    await expect(runOnce({ ClientToken: "launch-3", InstanceType: "t3.small" })).rejects.toMatchObject(MISMATCH);
    await expect(runOnce({ ClientToken: "launch-3", MaxCount: 3 })).rejects.toMatchObject(MISMATCH);
    await expect(
      runOnce({
        ClientToken: "launch-3",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }],
      }),
    ).rejects.toMatchObject(MISMATCH);
    expect(region().ec2.instances.size).toBe(2);
  });

  it("launches again for another token, a token differing only in case, or no token at all", async () => {
    const a = await runOnce({ ClientToken: "Launch-4" });
    const b = await runOnce({ ClientToken: "launch-4" });
    const c = await runOnce({ ClientToken: "launch-5" });
    const none1 = await t.ec2.send(withoutToken(new RunInstancesCommand(input)));
    const none2 = await t.ec2.send(withoutToken(new RunInstancesCommand(input)));
    const reservations = new Set([a, b, c, none1, none2].map((r) => r.ReservationId));
    expect(reservations.size).toBe(5);
    expect(region().ec2.instances.size).toBe(10);
    expect(none1.Instances?.[0]?.ClientToken).toBeUndefined();
    expect(region().idempotency.size).toBe(3);
  });

  it("keeps tokens per region, and per Availability Zone when the request implies one", async () => {
    const here = await runOnce({ ClientToken: "launch-6" });
    // Another region's own image: in one store, the other parameter would be a mismatch.
    const there = await runIn(t.ec2In("us-east-1"), {
      ClientToken: "launch-6",
      ImageId: amazonLinuxImages("us-east-1").x86_64,
    });
    expect(there.ReservationId).not.toBe(here.ReservationId);
    expect(region("us-east-1").ec2.instances.size).toBe(2);

    const zoneA = await runOnce({ ClientToken: "launch-7", SubnetId: defaultSubnetId(REGION, `${REGION}a`) });
    const zoneB = await runOnce({ ClientToken: "launch-7", SubnetId: defaultSubnetId(REGION, `${REGION}b`) });
    expect(zoneB.ReservationId).not.toBe(zoneA.ReservationId);
    expect(zoneB.Instances?.[0]?.Placement?.AvailabilityZone).toBe(`${REGION}b`);
    const retryA = await runOnce({ ClientToken: "launch-7", SubnetId: defaultSubnetId(REGION, `${REGION}a`) });
    expect(retryA.ReservationId).toBe(zoneA.ReservationId);
    expect(region().ec2.instances.size).toBe(6);
  });

  it("remembers nothing of a request that failed, and checks the token's length", async () => {
    await expect(runOnce({ ClientToken: "launch-8", ImageId: "ami-0123456789abcdef0" })).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
    });
    const retried = await runOnce({ ClientToken: "launch-8" });
    expect(retried.Instances).toHaveLength(2);

    await expect(runOnce({ ClientToken: "x".repeat(65) })).rejects.toMatchObject({
      name: "InvalidParameterValue",
      $metadata: { httpStatusCode: 400 },
    });
    expect((await runOnce({ ClientToken: "x".repeat(64) })).Instances).toHaveLength(2);
    expect(region().ec2.instances.size).toBe(4);
  });
});

describe("launch templates with a client token", () => {
  const DATA: RequestLaunchTemplateData = { ImageId: BASE_IMAGE, InstanceType: "t3.small" };
  const createTemplate = (extra: Partial<CreateLaunchTemplateCommandInput> = {}) =>
    t.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "shop", LaunchTemplateData: DATA, ...extra }));
  const addVersion = (extra: Partial<CreateLaunchTemplateVersionCommandInput> = {}) =>
    t.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "shop",
        LaunchTemplateData: { ...DATA, InstanceType: "t3.large" },
        ...extra,
      }),
    );
  const modify = (extra: Partial<ModifyLaunchTemplateCommandInput>) =>
    t.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: "shop", ...extra }));
  const templates = () => [...region().ec2.launchTemplates.values()];

  it("CreateLaunchTemplate: a retry answers the same template, another parameter is a mismatch, another token a new one", async () => {
    const first = await createTemplate({ ClientToken: "lt-1" });
    const again = await createTemplate({ ClientToken: "lt-1" });
    expect(again.LaunchTemplate?.LaunchTemplateId).toBe(first.LaunchTemplate?.LaunchTemplateId);
    expect(templates()).toHaveLength(1);

    await expect(createTemplate({ ClientToken: "lt-1", LaunchTemplateName: "shop-2" })).rejects.toMatchObject(MISMATCH);
    await expect(
      createTemplate({ ClientToken: "lt-1", LaunchTemplateData: { ...DATA, InstanceType: "t3.micro" } }),
    ).rejects.toMatchObject(MISMATCH);
    expect(templates()).toHaveLength(1);

    const second = await createTemplate({ ClientToken: "lt-2", LaunchTemplateName: "shop-2" });
    expect(second.LaunchTemplate?.LaunchTemplateId).not.toBe(first.LaunchTemplate?.LaunchTemplateId);
    expect(templates()).toHaveLength(2);
    // Without a token, as before: the name is taken.
    await expect(
      t.ec2.send(
        withoutToken(new CreateLaunchTemplateCommand({ LaunchTemplateName: "shop", LaunchTemplateData: DATA })),
      ),
    ).rejects.toMatchObject({
      name: "InvalidLaunchTemplateName.AlreadyExistsException",
    });
  });

  it("CreateLaunchTemplateVersion: a retry answers version 2 again and adds none; another token or no token adds one", async () => {
    await createTemplate();
    const first = await addVersion({ ClientToken: "v-1" });
    const again = await addVersion({ ClientToken: "v-1" });
    expect(first.LaunchTemplateVersion?.VersionNumber).toBe(2);
    expect(again.LaunchTemplateVersion?.VersionNumber).toBe(2);
    expect(templates()[0]?.versions).toHaveLength(2);
    expect(templates()[0]?.latestVersion).toBe(2);

    await expect(
      addVersion({ ClientToken: "v-1", LaunchTemplateData: { ...DATA, InstanceType: "t3.xlarge" } }),
    ).rejects.toMatchObject(MISMATCH);
    await expect(addVersion({ ClientToken: "v-1", VersionDescription: "other" })).rejects.toMatchObject(MISMATCH);
    expect(templates()[0]?.versions).toHaveLength(2);

    expect((await addVersion({ ClientToken: "v-2" })).LaunchTemplateVersion?.VersionNumber).toBe(3);
    const untokened = () =>
      t.ec2.send(
        withoutToken(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: "shop", LaunchTemplateData: DATA })),
      );
    expect((await untokened()).LaunchTemplateVersion?.VersionNumber).toBe(4);
    expect((await untokened()).LaunchTemplateVersion?.VersionNumber).toBe(5);
    expect(templates()[0]?.versions).toHaveLength(5);
  });

  it("ModifyLaunchTemplate: a retry changes nothing again and answers the template as it is now", async () => {
    await createTemplate();
    await addVersion();
    await addVersion();
    expect((await modify({ ClientToken: "m-1", DefaultVersion: "2" })).LaunchTemplate?.DefaultVersionNumber).toBe(2);
    await modify({ ClientToken: "m-2", DefaultVersion: "3" });
    const retried = await modify({ ClientToken: "m-1", DefaultVersion: "2" });
    expect(retried.LaunchTemplate?.DefaultVersionNumber).toBe(3);
    expect(templates()[0]?.defaultVersion).toBe(3);
    await expect(modify({ ClientToken: "m-1", DefaultVersion: "1" })).rejects.toMatchObject(MISMATCH);
    expect(templates()[0]?.defaultVersion).toBe(3);
    await t.ec2.send(
      withoutToken(new ModifyLaunchTemplateCommand({ LaunchTemplateName: "shop", DefaultVersion: "1" })),
    );
    expect(templates()[0]?.defaultVersion).toBe(1);
  });

  it("takes tokens of up to 128 characters, as these operations' API reference says", async () => {
    await createTemplate({ ClientToken: "t".repeat(128) });
    await expect(addVersion({ ClientToken: "t".repeat(129) })).rejects.toMatchObject({ name: "InvalidParameterValue" });
    await expect(addVersion({ ClientToken: "tökén" })).rejects.toMatchObject({ name: "InvalidParameterValue" });
    expect(templates()[0]?.versions).toHaveLength(1);
  });
});

describe("CopyImage with a client token", () => {
  const copy = (extra: Partial<CopyImageCommandInput> = {}) =>
    t.ec2.send(new CopyImageCommand({ SourceRegion: REGION, SourceImageId: BASE_IMAGE, Name: "copy-1", ...extra }));
  const images = () => region().ec2.images.size;

  it("answers a retry with the same image and copies nothing; another parameter is a mismatch", async () => {
    const before = images();
    const first = await copy({ ClientToken: "copy-1" });
    await t.world.clock.sleep(t.world.timings.copyImageMs);
    const again = await copy({ ClientToken: "copy-1" });
    expect(again.ImageId).toBe(first.ImageId);
    expect(images()).toBe(before + 1);

    await expect(copy({ ClientToken: "copy-1", Name: "copy-2" })).rejects.toMatchObject(MISMATCH);
    await expect(copy({ ClientToken: "copy-1", Description: "other" })).rejects.toMatchObject(MISMATCH);
    expect(images()).toBe(before + 1);
  });

  it("copies again for another token; without a token the name is taken, as before", async () => {
    const before = images();
    const first = await copy({ ClientToken: "copy-3" });
    const second = await copy({ ClientToken: "copy-4", Name: "copy-2" });
    expect(second.ImageId).not.toBe(first.ImageId);
    expect(images()).toBe(before + 2);
    await expect(
      t.ec2.send(
        withoutToken(new CopyImageCommand({ SourceRegion: REGION, SourceImageId: BASE_IMAGE, Name: "copy-1" })),
      ),
    ).rejects.toMatchObject({
      name: "InvalidAMIName.Duplicate",
    });
    await expect(copy({ ClientToken: "c".repeat(65), Name: "copy-5" })).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
    expect(images()).toBe(before + 2);
  });
});

/** botocore, when installed: a second client, with its own serializer and error parser. */
const hasBoto3 = spawnSync("python3", ["-c", "import boto3"], { stdio: "ignore" }).status === 0;

const BOTO3_SCRIPT = `
import json, sys, boto3, botocore.exceptions
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name=sys.argv[2],
                   aws_access_key_id="AKIDSIM", aws_secret_access_key="sim")
args = dict(ImageId=sys.argv[3], InstanceType="t3.micro", MinCount=1, MaxCount=1, ClientToken="boto-1")
first = ec2.run_instances(**args)
again = ec2.run_instances(**args)
try:
    ec2.run_instances(**{**args, "InstanceType": "t3.small"})
    error = None
except botocore.exceptions.ClientError as e:
    error = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
print(json.dumps({"first": first["ReservationId"], "again": again["ReservationId"], "error": error}))
`;

describe.skipIf(!hasBoto3)("client tokens through boto3", () => {
  it("replays RunInstances and refuses other parameters, as botocore parses them", async () => {
    // Asynchronously: the simulator answers from this process.
    const out = await promisify(execFile)("python3", ["-c", BOTO3_SCRIPT, t.server.url, REGION, BASE_IMAGE], {
      env: { PATH: process.env.PATH ?? "", AWS_EC2_METADATA_DISABLED: "true", AWS_MAX_ATTEMPTS: "1" },
      timeout: 30_000,
    });
    const answer = JSON.parse(out.stdout);
    expect(answer.again).toBe(answer.first);
    expect(answer.error).toEqual({ code: "IdempotentParameterMismatch", status: 400 });
    expect(region().ec2.instances.size).toBe(1);
  });
});
