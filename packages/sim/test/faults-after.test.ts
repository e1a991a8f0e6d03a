import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as realDelay } from "node:timers/promises";
import { CreateLaunchTemplateCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand, PutParameterCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTED } from "../src/calls.ts";
import { World } from "../src/world.ts";
import { loadFaultFile, readFaultFile } from "../src/world-file.ts";
import { createGroup, putLaunchTemplate } from "./autoscaling-fixtures.ts";
import { BASE_IMAGE, putImage } from "./ec2-fixture.ts";
import { onlineInstances, script } from "./ssm-fixture.ts";
import { REGION, startTestSim, type TestSim, useTestSim } from "./support.ts";

const t = useTestSim();

const RUN = { ImageId: BASE_IMAGE, InstanceType: "t3.micro" as const, MinCount: 1, MaxCount: 1 };
const repo = { owner: "acme", repo: "shop" };

const instances = () => [...t.world.region(REGION).ec2.instances.values()];
const records = (operation: string) => t.world.calls.records.filter((r) => r.operation === operation);

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected a failure");
}

describe("an error-after fault", () => {
  it("launches the instance, then answers EC2's 500: the caller is told it failed", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "error-after" });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).rejects.toMatchObject({
      name: "InternalError",
      $metadata: { httpStatusCode: 500 },
    });
    expect(instances()).toHaveLength(1);
    expect(records("ec2:RunInstances")).toMatchObject([{ fault: "error-after", error: "InternalError" }]);
  });

  it("answers each service's own 5xx, after doing the work", async () => {
    t.world.faults.add({ operation: "autoscaling:CreateAutoScalingGroup", kind: "error-after", status: 503 });
    t.world.faults.add({ operation: "ssm:PutParameter", kind: "error-after", count: 1 });
    const template = putLaunchTemplate(t.world, "web", [putImage(t.world)]);
    expect(await failure(createGroup(t, template, { DesiredCapacity: 1 }))).toMatchObject({
      name: "ServiceUnavailable",
      $metadata: { httpStatusCode: 503 },
    });
    expect(t.world.region(REGION).autoscaling.groups.has("web")).toBe(true);

    const put = new PutParameterCommand({ Name: "/shop/url", Value: "https://shop", Type: "String" });
    await expect(t.ssm.send(put)).rejects.toMatchObject({ name: "InternalServerError" });
    expect(t.world.region(REGION).ssm.parameters.get("/shop/url")?.value).toBe("https://shop");
    // Done once: the retry the caller makes is refused as AWS refuses an existing name.
    await expect(t.ssm.send(put)).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
  });

  it("creates the GitHub deployment, then answers 502", async () => {
    t.world.faults.add({
      operation: "github:POST /repos/{owner}/{repo}/deployments",
      kind: "error-after",
      status: 502,
    });
    const create = t.octokit.rest.repos.createDeployment({ ...repo, ref: "main", required_contexts: [] });
    expect(await failure(create)).toMatchObject({ status: 502 });
    const { data } = await t.octokit.rest.repos.listDeployments(repo);
    expect(data).toHaveLength(1);
    expect(records("github:POST /repos/{owner}/{repo}/deployments")).toMatchObject([
      { fault: "error-after", params: { ref: "main", required_contexts: [] } },
    ]);
  });

  it("is refused with a 4xx, which would tell the caller the work was not done", () => {
    expect(() => t.world.faults.add({ operation: "*", kind: "error-after", status: 404 })).toThrow(
      "an error-after fault answers a 5xx, not 404",
    );
  });

  it("stops after count calls", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "error-after", count: 1 });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).rejects.toMatchObject({ name: "InternalError" });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).resolves.toMatchObject({ Instances: [{}] });
    expect(instances()).toHaveLength(2);
    expect(records("ec2:RunInstances").map((r) => r.fault)).toEqual(["error-after", undefined]);
  });

  it("is retried by an SDK client with its default retries, reaching the simulator again", async () => {
    // SendCommand takes no idempotency token, so on AWS too the retry sends a second command.
    t.world.faults.add({ operation: "ssm:SendCommand", kind: "error-after", count: 1 });
    const [instance] = await onlineInstances(t.world, 1);
    const ssm = new SSMClient({ ...t.clientConfig(), maxAttempts: undefined });
    try {
      const { Command } = await ssm.send(
        new SendCommandCommand({ ...script(["uptime"]), InstanceIds: [instance?.id as string] }),
      );
      expect(Command?.CommandId).toBeDefined();
    } finally {
      ssm.destroy();
    }
    expect(records("ssm:SendCommand").map((r) => [r.fault, r.error])).toEqual([
      ["error-after", "InternalServerError"],
      [undefined, undefined],
    ]);
    expect(t.world.region(REGION).ssm.commands.size).toBe(2);
  });
});

describe("a drop-after fault", () => {
  it("launches the instance, then resets the connection without an answer", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "drop-after" });
    const error = await failure(t.ec2.send(new RunInstancesCommand(RUN)));
    expect(error).toMatchObject({ code: "ECONNRESET" });
    // No HTTP answer at all: the SDK has no status to report.
    expect(error.$metadata).not.toHaveProperty("httpStatusCode");
    expect(instances()).toHaveLength(1);
    expect(records("ec2:RunInstances")).toMatchObject([{ fault: "drop-after" }]);
    expect(records("ec2:RunInstances")[0]?.error).toBeUndefined();
  });

  it("drops SSM's and GitHub's answers the same way, after doing the work", async () => {
    t.world.faults.add({ operation: "ssm:PutParameter", kind: "drop-after" });
    t.world.faults.add({ operation: "github:POST /repos/{owner}/{repo}/deployments", kind: "drop-after" });
    const put = new PutParameterCommand({ Name: "/shop/url", Value: "https://shop", Type: "String" });
    await expect(t.ssm.send(put)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(t.world.region(REGION).ssm.parameters.has("/shop/url")).toBe(true);

    const create = t.octokit.rest.repos.createDeployment({ ...repo, ref: "main", required_contexts: [] });
    expect(await failure(create)).toBeInstanceOf(Error);
    const { data } = await t.octokit.rest.repos.listDeployments(repo);
    expect(data).toHaveLength(1);
  });

  it("stops after count calls; the server keeps answering other calls", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "drop-after", count: 1 });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).rejects.toMatchObject({ code: "ECONNRESET" });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).resolves.toMatchObject({ Instances: [{}] });
    expect(instances()).toHaveLength(2);
  });

  it("is retried by the SDK as a transient network failure: the same request, token and all, arrives twice", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "drop-after", count: 1 });
    const ec2 = new EC2Client({ ...t.clientConfig(), maxAttempts: undefined });
    try {
      await expect(ec2.send(new RunInstancesCommand(RUN))).resolves.toMatchObject({ Instances: [{}] });
    } finally {
      ec2.destroy();
    }
    const [first, retry] = records("ec2:RunInstances");
    expect(first?.fault).toBe("drop-after");
    expect(retry?.fault).toBeUndefined();
    // The SDK fills RunInstances' ClientToken itself and keeps it across attempts: that is
    // what lets AWS answer the retry with the first launch instead of a second one.
    expect(first?.params?.ClientToken).toEqual(expect.any(String));
    expect(retry?.params).toEqual(first?.params);
  });
});

describe("a late-after fault", () => {
  it("launches the instance at once and answers latencyMs later", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "late-after", latencyMs: 300 });
    const started = performance.now();
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).resolves.toMatchObject({ Instances: [{}] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(records("ec2:RunInstances")).toMatchObject([{ fault: "late-after" }]);
  });

  it("lets the caller give up while the instance already exists", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "late-after", latencyMs: 400, count: 1 });
    const send = t.ec2.send(new RunInstancesCommand(RUN), { abortSignal: AbortSignal.timeout(50) });
    await expect(send).rejects.toMatchObject({ name: "AbortError" });
    expect(instances()).toHaveLength(1);
    expect(records("ec2:RunInstances")).toMatchObject([{ fault: "late-after" }]);
    // The late answer goes to a closed connection, and the server goes on answering.
    await realDelay(450);
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).resolves.toMatchObject({ Instances: [{}] });
    expect(instances()).toHaveLength(2);
  });

  it("delays the answer of an operation that failed on its own, and records its error", async () => {
    t.world.faults.add({ operation: "ssm:GetParameter", kind: "late-after", latencyMs: 100 });
    await expect(t.ssm.send(new GetParameterCommand({ Name: "/none" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    expect(records("ssm:GetParameter")).toMatchObject([{ fault: "late-after", error: "ParameterNotFound" }]);
  });
});

describe("the call log", () => {
  it("records a Query request's decoded parameters, user data as a digest", async () => {
    const userData = Buffer.from("#!/bin/bash\nexport DB_PASSWORD=hunter2\n").toString("base64");
    await t.ec2.send(new RunInstancesCommand({ ...RUN, UserData: userData }));
    await t.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "web",
        LaunchTemplateData: { ImageId: BASE_IMAGE, UserData: userData },
      }),
    );
    const [run] = records("ec2:RunInstances");
    expect(run?.params).toMatchObject({ ImageId: BASE_IMAGE, InstanceType: "t3.micro", MinCount: "1" });
    expect(run?.params).not.toHaveProperty("Action");
    expect(run?.params?.UserData).toMatch(/^\[redacted sha256:[0-9a-f]{64}\]$/);
    const [template] = records("ec2:CreateLaunchTemplate");
    expect(template?.params?.["LaunchTemplateData.UserData"]).toBe(run?.params?.UserData);
    expect(JSON.stringify(t.world.calls.records)).not.toContain(userData);
  });

  it("records an SSM request's body, a PutParameter's value redacted unless it is plain text", async () => {
    await t.ssm.send(new PutParameterCommand({ Name: "/db/password", Value: "hunter2", Type: "SecureString" }));
    await t.ssm.send(new PutParameterCommand({ Name: "/db/password", Value: "hunter3", Overwrite: true }));
    await t.ssm.send(new PutParameterCommand({ Name: "/db/host", Value: "db.internal", Type: "String" }));
    expect(records("ssm:PutParameter").map((r) => r.params)).toEqual([
      { Name: "/db/password", Value: REDACTED, Type: "SecureString" },
      { Name: "/db/password", Value: REDACTED, Overwrite: true },
      { Name: "/db/host", Value: "db.internal", Type: "String" },
    ]);
    expect(JSON.stringify(t.world.calls.records)).not.toMatch(/hunter/);
  });

  it("records a GitHub request's JSON body, never its token", async () => {
    await t.octokit.rest.repos.createDeployment({ ...repo, ref: "main", environment: "stage", required_contexts: [] });
    expect(records("github:POST /repos/{owner}/{repo}/deployments")).toMatchObject([
      { params: { ref: "main", environment: "stage" } },
    ]);
    expect(JSON.stringify(t.world.calls.records)).not.toContain("ghs_");
  });

  it("names the fault that answered before the operation, which was not done", async () => {
    t.world.faults.add({ operation: "ec2:RunInstances", kind: "error", count: 1 });
    await expect(t.ec2.send(new RunInstancesCommand(RUN))).rejects.toMatchObject({ name: "InternalError" });
    expect(instances()).toHaveLength(0);
    expect(records("ec2:RunInstances")).toMatchObject([{ fault: "error", error: "InternalError" }]);
  });
});

describe("the -after faults from a fault file", () => {
  let dir: string | undefined;
  let sim: TestSim | undefined;
  afterEach(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("load from YAML and act on both protocols", async () => {
    dir = mkdtempSync(join(tmpdir(), "sim-faults-"));
    const file = join(dir, "faults.yaml");
    writeFileSync(
      file,
      [
        "rules:",
        "  - { operation: 'ec2:RunInstances', kind: error-after, status: 503, count: 1 }",
        "  - { operation: 'autoscaling:*', kind: drop-after, count: 1 }",
        "  - { operation: 'ssm:PutParameter', kind: late-after, latencyMs: 150, count: 1 }",
      ].join("\n"),
    );
    const world = new World();
    loadFaultFile(world, readFaultFile(file), file);
    sim = await startTestSim(world);
    const region = world.region(REGION);

    await expect(sim.ec2.send(new RunInstancesCommand(RUN))).rejects.toMatchObject({ name: "Unavailable" });
    expect(region.ec2.instances.size).toBe(1);

    const template = putLaunchTemplate(world, "web", [putImage(world)]);
    await expect(createGroup(sim, template, { DesiredCapacity: 1 })).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(region.autoscaling.groups.has("web")).toBe(true);

    const started = performance.now();
    await sim.ssm.send(new PutParameterCommand({ Name: "/a", Value: "b", Type: "String" }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);

    expect(world.calls.records.map((r) => [r.operation, r.fault])).toEqual([
      ["ec2:RunInstances", "error-after"],
      ["autoscaling:CreateAutoScalingGroup", "drop-after"],
      ["ssm:PutParameter", "late-after"],
    ]);
  });
});
