import { existsSync } from "node:fs";
import { GetParameterCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { instanceDirectory } from "../src/services/ssm/exec.ts";
import { startSimulator } from "../src/simulator.ts";
import { onlineInstances, poll, script } from "./ssm-fixture.ts";

function ssmFor(env: Record<string, string>): SSMClient {
  return new SSMClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
    maxAttempts: 1,
  });
}

describe("startSimulator", () => {
  it("starts a seeded world with its faults and gives the environment that reaches it", async () => {
    const simulator = await startSimulator({
      world: { regions: { "eu-central-1": { parameters: [{ name: "/app/colour", value: "blue" }] } } },
      faults: { rules: [{ operation: "ssm:GetParameter", kind: "throttle", count: 1 }] },
    });
    try {
      const env = simulator.env();
      expect(env).toMatchObject({
        AWS_ENDPOINT_URL: simulator.url,
        AWS_REGION: "eu-central-1",
        GITHUB_API_URL: `${simulator.url}/github`,
      });
      expect(simulator.world.clock.mode).toBe("virtual");

      const ssm = ssmFor(env);
      await expect(ssm.send(new GetParameterCommand({ Name: "/app/colour" }))).rejects.toMatchObject({
        name: "ThrottlingException",
      });
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/app/colour" }));
      expect(Parameter?.Value).toBe("blue");
      const octokit = new Octokit({ baseUrl: env.GITHUB_API_URL });
      expect((await octokit.rest.repos.get({ owner: "acme", repo: "shop" })).status).toBe(200);
      ssm.destroy();
    } finally {
      await simulator.close();
    }
    await expect(fetch(`${simulator.url}/github/repos/acme/shop`)).rejects.toThrow();
  });

  it("runs on a scaled clock when given a speed", async () => {
    const simulator = await startSimulator({ speed: 3600 });
    try {
      expect(simulator.world.clock.mode).toBe("scaled");
      const before = simulator.world.clock.now();
      await new Promise((r) => setTimeout(r, 50));
      expect(simulator.world.clock.now() - before).toBeGreaterThanOrEqual(50 * 3600 * 0.9);
    } finally {
      await simulator.close();
    }
  });

  it("refuses a bad world file before listening", async () => {
    await expect(startSimulator({ world: { regions: { moon: {} } } })).rejects.toThrow(
      "world file: regions.moon is not a region of the aws partition (the 34 of botocore's endpoints.json: af-south-1, ",
    );
    await expect(startSimulator({ faults: { rules: [{ operation: "*", kind: "boom" as never }] } })).rejects.toThrow(
      "rules[0].kind must be one of throttle, error, latency",
    );
  });

  it("on close, cancels running commands, kills their processes and removes the instances' files", async () => {
    const simulator = await startSimulator({ worldOptions: { commands: "exec" } });
    const { world } = simulator;
    const [instance] = await onlineInstances(world, 1);
    const InstanceId = instance?.id as string;
    const ssm = ssmFor(simulator.env());
    const { Command } = await ssm.send(
      new SendCommandCommand({ ...script(["touch started", "sleep 30"]), InstanceIds: [InstanceId] }),
    );
    const directory = instanceDirectory(world, InstanceId);
    for (let i = 0; i < 500 && !existsSync(`${directory}/started`); i++) await new Promise((r) => setTimeout(r, 10));
    ssm.destroy();

    await simulator.close();
    const invocation = world
      .region("eu-west-1")
      .ssm.commands.get(Command?.CommandId as string)
      ?.invocations.get(InstanceId);
    expect(invocation?.status).toBe("Cancelled");
    expect(existsSync(directory)).toBe(false);
  });

  it("seeds from the world file and polls to the end in virtual time", async () => {
    const simulator = await startSimulator({ world: { timings: { commandMs: 60_000 } } });
    try {
      const [instance] = await onlineInstances(simulator.world, 1);
      const ssm = ssmFor(simulator.env());
      const { Command } = await ssm.send(
        new SendCommandCommand({ ...script(["true"]), InstanceIds: [instance?.id as string] }),
      );
      const done = await poll(simulator.world, ssm, Command?.CommandId as string, instance?.id as string);
      expect(Date.parse(done.ExecutionEndDateTime as string) - Date.parse(done.ExecutionStartDateTime as string)).toBe(
        59_000,
      );
      ssm.destroy();
    } finally {
      await simulator.close();
    }
  });
});
