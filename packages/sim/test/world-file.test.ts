import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import {
  DescribeInstanceInformationCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  SendCommandCommand,
} from "@aws-sdk/client-ssm";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { World } from "../src/world.ts";
import {
  checkFaultFile,
  checkWorldFile,
  loadFaultFile,
  loadWorldFile,
  readFaultFile,
  readWorldFile,
  type WorldFile,
  worldFromFile,
} from "../src/world-file.ts";
import { poll, script } from "./ssm-fixture.ts";
import { startTestSim, type TestSim } from "./support.ts";

const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));
const SHA = "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(world: World): Promise<TestSim> {
  const sim = await startTestSim(world);
  cleanups.push(sim.close);
  return sim;
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "world-file-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The message a seeding or a check throws. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("no error");
}

describe("the example world file (examples/world.json)", () => {
  it("starts a world every service answers from: images, groups, parameters, managed instances, deployments", async () => {
    const path = join(EXAMPLES, "world.json");
    const world = worldFromFile(readWorldFile(path), {}, path);
    const { ec2, autoscaling, ssm, ssmIn, octokit } = await serve(world);

    const { AutoScalingGroups } = await autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(AutoScalingGroups?.map((g) => [g.AutoScalingGroupName, g.Instances?.length]).sort()).toEqual([
      ["shop-production", 3],
      ["shop-stage", 1],
    ]);
    expect(AutoScalingGroups?.flatMap((g) => g.Instances ?? []).every((i) => i.LifecycleState === "InService")).toBe(
      true,
    );

    const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0a1b2c3d4e5f60718"] }));
    expect(Images?.[0]).toMatchObject({ Name: "shop-3f9c2b1a", State: "available" });

    const base = await ssm.send(
      new GetParameterCommand({ Name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" }),
    );
    const patched = await ec2.send(new DescribeImagesCommand({ ImageIds: [base.Parameter?.Value as string] }));
    expect(patched.Images?.[0]).toMatchObject({ Name: "al2023-ami-2023.7.20261201.0-kernel-6.1-x86_64" });
    expect(base.Parameter?.Version).toBe(2);

    const secrets = await ssm.send(new GetParametersByPathCommand({ Path: "/shop/stage", WithDecryption: true }));
    expect(secrets.Parameters?.map((p) => [p.Name, p.Type])).toEqual([
      ["/shop/stage/database-url", "SecureString"],
      ["/shop/stage/log-level", "String"],
    ]);
    const virginia = await ssmIn("us-east-1").send(new GetParameterCommand({ Name: "/shop/production/log-level" }));
    expect(virginia.Parameter?.Value).toBe("info");

    // The groups start converged: their agents are online, so a bake or a check can run commands at once.
    const { InstanceInformationList } = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(InstanceInformationList).toHaveLength(4);
    const instanceId = InstanceInformationList?.[0]?.InstanceId as string;
    const { Command } = await ssm.send(new SendCommandCommand({ ...script(["true"]), InstanceIds: [instanceId] }));
    expect(await poll(world, ssm, Command?.CommandId as string, instanceId)).toMatchObject({ Status: "Success" });

    const stage = await octokit.rest.repos.listDeployments({ owner: "acme", repo: "shop", environment: "stage" });
    expect(stage.data).toEqual([
      expect.objectContaining({ sha: SHA, ref: "main", payload: expect.objectContaining({ schema: 1, commit: SHA }) }),
    ]);
    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      owner: "acme",
      repo: "shop",
      deployment_id: stage.data[0]?.id as number,
    });
    expect(statuses.data.map((s) => s.state)).toEqual(["success", "in_progress"]);
    expect(statuses.data[0]?.environment_url).toBe("https://stage.shop.example");
    const checks = await octokit.rest.checks.listForRef({ owner: "acme", repo: "shop", ref: "main" });
    expect(checks.data.check_runs.map((r) => [r.name, r.conclusion]).sort()).toEqual([
      ["lint", "success"],
      ["test", "success"],
    ]);
    await expect(
      octokit.rest.repos.createDeployment({ owner: "acme", repo: "shop", ref: "main", environment: "production" }),
    ).resolves.toMatchObject({ status: 201 });
  });

  it("gives the world its account, timings and command mode; overrides win", () => {
    const file = readWorldFile(join(EXAMPLES, "world.json"));
    const world = worldFromFile({ ...file, timings: { commandMs: 9_000 } }, { commands: "exec" });
    expect(world.accountId).toBe("123456789012");
    expect(world.timings.commandMs).toBe(9_000);
    expect(world.commands).toBe("exec");
  });
});

describe("the example fault file (examples/faults.json)", () => {
  it("loads, and its faults happen", async () => {
    const world = new World();
    loadFaultFile(world, readFaultFile(join(EXAMPLES, "faults.json")));
    expect(world.faults.failCommands).toBe(1);
    expect(world.faults.failImageCreations).toBe(1);
    expect([...world.faults.unhealthyImages]).toEqual(["ami-0badbadbadbadbad0"]);

    const { octokit } = await serve(world);
    const { data } = await octokit.rest.repos.createDeployment({
      owner: "acme",
      repo: "shop",
      ref: "main",
      required_contexts: [],
    });
    if (!("id" in data)) throw new Error("no deployment");
    const status = { owner: "acme", repo: "shop", deployment_id: data.id, state: "success" as const };
    await expect(octokit.rest.repos.createDeploymentStatus(status)).rejects.toMatchObject({ status: 502 });
    await expect(octokit.rest.repos.createDeploymentStatus(status)).resolves.toMatchObject({ status: 201 });
  });
});

describe("the README's examples", () => {
  it("are a world file and a fault file that load", () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string));
    const world = blocks.find((b) => "regions" in b);
    const faults = blocks.find((b) => "rules" in b);
    const seeded = worldFromFile(checkWorldFile(world, "README world"), {}, "README world");
    expect(seeded.region("eu-west-1").autoscaling.groups.size).toBe(1);
    loadFaultFile(seeded, faults, "README faults");
    expect(seeded.faults.failCommands).toBe(1);
  });

  it("include an -after fault file in YAML that loads", () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const [yaml] = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1] as string));
    expect(checkFaultFile(yaml, "README -after faults").rules?.map((r) => r.kind)).toEqual([
      "error-after",
      "drop-after",
      "late-after",
    ]);
  });
});

describe("checking a world file", () => {
  it("names the bad key and where it is", () => {
    expect(errorOf(() => checkWorldFile({ region: {} }, "w.json"))).toBe(
      "w.json: region is not a known key (expected one of description, accountId, timings, commands, regions, github)",
    );
    expect(errorOf(() => checkWorldFile({ regions: { Ireland: {} } }))).toContain(
      "world file: regions.Ireland is not a region of the aws partition (the 34 of botocore's endpoints.json: af-south-1, ",
    );
    expect(errorOf(() => checkWorldFile({ regions: { "eu-west-1": { instances: [] } } }))).toContain(
      "regions.eu-west-1.instances is not a known key",
    );
    expect(
      errorOf(() =>
        checkWorldFile({
          regions: {
            "eu-west-1": {
              parameters: [
                { name: "/a", value: "1" },
                { name: "/b", value: "2", type: "Secret" },
              ],
            },
          },
        }),
      ),
    ).toBe(
      "world file: regions.eu-west-1.parameters[1].type must be one of String, StringList, SecureString, not Secret",
    );
    expect(errorOf(() => checkWorldFile({ timings: { commandMs: -1 } }))).toBe(
      "world file: timings.commandMs must be a number at least 0, not -1",
    );
    expect(errorOf(() => checkWorldFile({ timings: { bootMs: 1 } }))).toContain("timings.bootMs is not a known key");
    expect(errorOf(() => checkWorldFile({ accountId: "123" }))).toBe(
      "world file: accountId must be 12 digits, not 123",
    );
    expect(
      errorOf(() =>
        checkWorldFile({ github: { checkRuns: [{ repository: "acme/shop", headSha: "main", name: "test" }] } }),
      ),
    ).toBe("world file: github.checkRuns[0].headSha must be a 40-hex-digit sha, not main");
    expect(
      errorOf(() =>
        checkWorldFile({ github: { deployments: [{ repository: "acme/shop", ref: "main", statuses: ["done"] }] } }),
      ),
    ).toContain("github.deployments[0].statuses[0].state must be one of error, failure");
  });

  it("passes on the seeders' errors with the file's name and the region", () => {
    const ec2 = { regions: { "eu-west-1": { images: [{ name: "x" }] } } } as unknown as WorldFile;
    expect(errorOf(() => worldFromFile(ec2, {}, "w.json"))).toMatch(/^w\.json: ec2 \(eu-west-1\)\.images\[0\]/);

    const asg = {
      regions: {
        "eu-west-1": {
          autoScalingGroups: [
            { name: "web", launchTemplate: { name: "missing" }, minSize: 1, maxSize: 1, desiredCapacity: 1 },
          ],
        },
      },
    };
    expect(errorOf(() => worldFromFile(asg, {}, "w.json"))).toMatch(
      /^w\.json: regions\.eu-west-1\.autoScalingGroups.*web.*missing/,
    );

    const ami = {
      regions: { "eu-west-1": { parameters: [{ name: "/ami", value: "name:nothing", dataType: "aws:ec2:image" }] } },
    } as WorldFile;
    expect(errorOf(() => worldFromFile(ami, {}, "w.json"))).toBe(
      'w.json: regions.eu-west-1.parameters[0] (/ami): no image named "nothing" in eu-west-1',
    );
    const badAmi = {
      regions: { "eu-west-1": { parameters: [{ name: "/ami", value: "ami-x", dataType: "aws:ec2:image" }] } },
    };
    expect(errorOf(() => worldFromFile(badAmi as WorldFile))).toContain("parameters[0] (/ami): Invalid value");

    const github = { github: { deployments: [{ repository: "acme", ref: "main" }] } };
    expect(errorOf(() => worldFromFile(github as WorldFile))).toBe(
      "world file: github.deployments[0]: a repository is named owner/name, not acme",
    );
  });

  it("reads YAML as well as JSON, naming the file when it cannot", () => {
    const yaml = tempFile(
      "world.yaml",
      [
        "accountId: '210987654321'",
        "regions:",
        "  eu-west-1:",
        "    parameters:",
        "      - name: /from/yaml",
        "        value: yes-it-is",
      ].join("\n"),
    );
    const world = worldFromFile(readWorldFile(yaml));
    expect(world.accountId).toBe("210987654321");
    expect(world.region("eu-west-1").ssm.parameters.get("/from/yaml")?.value).toBe("yes-it-is");

    const broken = tempFile("world.json", "{ regions: ");
    expect(errorOf(() => readWorldFile(broken))).toMatch(/world\.json is not valid JSON: /);
    expect(errorOf(() => readWorldFile("/no/such/world.json"))).toMatch(/^cannot read \/no\/such\/world\.json: /);
  });
});

describe("loading a world file into an existing world", () => {
  it("adds to what is there and applies the timings from now on", () => {
    const world = new World();
    loadWorldFile(world, {
      timings: { commandMs: 42_000 },
      regions: { "eu-west-1": { parameters: [{ name: "/a", value: "1" }] } },
    });
    loadWorldFile(world, { regions: { "eu-west-1": { parameters: [{ name: "/a", value: "2" }] } } });
    expect(world.timings.commandMs).toBe(42_000);
    expect(world.region("eu-west-1").ssm.parameters.get("/a")).toMatchObject({ value: "2", version: 2 });
  });

  it("refuses a file whose account or command mode differs from the world's", () => {
    expect(errorOf(() => loadWorldFile(new World(), { accountId: "111111111111" }))).toContain(
      "accountId 111111111111 differs from the world's 123456789012",
    );
    expect(errorOf(() => loadWorldFile(new World(), { commands: "exec" }))).toContain("commands exec differs");
  });
});

describe("checking a fault file", () => {
  it("names what is wrong", () => {
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "ec2:RunInstances", kind: "explode" }] }))).toBe(
      "fault file: rules[0].kind must be one of throttle, error, latency, error-after, drop-after, late-after, not explode",
    );
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "*", kind: "error-after", status: 409 }] }))).toBe(
      "fault file: rules[0].status must be a whole number at least 500 and at most 599, not 409",
    );
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "*", kind: "drop-after", latencyMs: 5 }] }))).toBe(
      "fault file: rules[0].latencyMs applies only to kinds latency, late-after, not drop-after",
    );
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "*", kind: "late-after", status: 500 }] }))).toBe(
      "fault file: rules[0].status applies only to kinds error, error-after, not late-after",
    );
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "s3:GetObject", kind: "throttle" }] }))).toContain(
      "rules[0].operation must be *, or service:Operation",
    );
    expect(errorOf(() => checkFaultFile({ rules: [{ operation: "*", kind: "throttle", rate: 2 }] }))).toBe(
      "fault file: rules[0].rate must be a number at least 0 and at most 1, not 2",
    );
    expect(errorOf(() => checkFaultFile({ failCommands: 1.5 }))).toContain("failCommands must be a whole number");
    expect(errorOf(() => checkFaultFile({ unhealthyImages: ["web"] }))).toBe(
      "fault file: unhealthyImages[0] must be an AMI id",
    );
    expect(errorOf(() => checkFaultFile({ throttle: true }))).toContain("throttle is not a known key");
  });
});
