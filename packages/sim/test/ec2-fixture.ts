import { EC2Client, type Instance, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { afterEach, beforeEach } from "vitest";
import { startServer } from "../src/server.ts";
import { amazonLinuxImages } from "../src/services/ec2/defaults.ts";
import { World, type WorldOptions } from "../src/world.ts";

/** A world and a server for EC2 contract tests, driven through the real SDK client. */
export const REGION = "eu-west-1";

export interface Ec2Fixture {
  world: World;
  ec2: EC2Client;
  /** A client for another region of the same world. */
  ec2In(region: string): EC2Client;
}

export function useEc2(options: WorldOptions | (() => WorldOptions) = {}): Ec2Fixture {
  const fixture = {} as Ec2Fixture;
  const clients: EC2Client[] = [];
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    fixture.world = new World(typeof options === "function" ? options() : options);
    const server = await startServer(fixture.world);
    close = server.close;
    fixture.ec2In = (region) => {
      const client = new EC2Client({
        endpoint: server.url,
        region,
        credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    };
    fixture.ec2 = fixture.ec2In(REGION);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await close();
  });
  return fixture;
}

/** The current Amazon Linux 2023 x86_64 image of the test region. */
export const BASE_IMAGE = amazonLinuxImages(REGION).x86_64;

/** Runs instances of the base image and returns them as RunInstances answered. */
export async function run(t: Ec2Fixture, input: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const { Instances } = await t.ec2.send(
    new RunInstancesCommand({ ImageId: BASE_IMAGE, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...input }),
  );
  return Instances ?? [];
}

/** Runs one instance and lets it boot and become visible (on a virtual or a scaled clock). */
export async function running(t: Ec2Fixture, input: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const [instance] = await run(t, input);
  await t.world.clock.sleep(t.world.timings.instanceBootMs);
  return instance?.InstanceId as string;
}
