import { GetCommandInvocationCommand, type GetCommandInvocationCommandOutput, SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach } from "vitest";
import { startServer } from "../src/server.ts";
import { launchInstance } from "../src/services/ec2/instances.ts";
import type { Instance, Tag } from "../src/services/ec2/state.ts";
import { stopSsm } from "../src/services/ssm/index.ts";
import { World, type WorldOptions } from "../src/world.ts";

/**
 * A world and a server for SSM contract tests, and instances put straight into the EC2
 * model (not through the EC2 API) so SSM is tested on its own.
 */
export const REGION = "eu-west-1";

export interface SsmFixture {
  world: World;
  ssm: SSMClient;
  url: string;
  /** A client for another region of the same world. */
  ssmIn(region: string): SSMClient;
}

export function useSsm(options: WorldOptions = {}): SsmFixture {
  const fixture = {} as SsmFixture;
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    fixture.world = new World(options);
    const server = await startServer(fixture.world);
    close = server.close;
    fixture.url = server.url;
    fixture.ssmIn = (region) =>
      new SSMClient({
        endpoint: server.url,
        region,
        credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
        maxAttempts: 1,
      });
    fixture.ssm = fixture.ssmIn(REGION);
  });
  afterEach(async () => {
    fixture.ssm.destroy();
    stopSsm(fixture.world);
    await close();
  });
  return fixture;
}

const IMAGE_ID = "ami-0fixture000000001";

/** An instance launched from a plain image; its agent comes online after boot plus `ssmAgentMs`. */
export function launch(world: World, tags: Tag[] = [], region = REGION): Instance {
  const state = world.region(region);
  state.ec2.images.set(IMAGE_ID, {
    id: IMAGE_ID,
    name: "fixture-image",
    state: "available",
    ownerId: world.accountId,
    creationDate: world.clock.now(),
    architecture: "x86_64",
    rootDeviceName: "/dev/xvda",
    snapshotIds: [],
    tags: [],
    launchPermissions: [],
    isPublic: false,
    unhealthy: false,
    encrypted: false,
  });
  return launchInstance(world, state, { imageId: IMAGE_ID, instanceType: "t3.micro", tags }, world.clock.now());
}

/** Lets virtual time pass until the instance's agent is online. */
export async function online(world: World, ...instances: Instance[]): Promise<void> {
  await world.clock.sleep(world.timings.instanceBootMs + world.timings.ssmAgentMs);
  world.now();
  for (const instance of instances) {
    if (instance.state !== "running") throw new Error(`${instance.id} is ${instance.state}`);
  }
}

export async function onlineInstances(world: World, count: number, tags: Tag[] = []): Promise<Instance[]> {
  const instances = Array.from({ length: count }, () => launch(world, tags));
  await online(world, ...instances);
  return instances;
}

/** The body of an AWS-RunShellScript SendCommand. */
export function script(commands: string[], extra: Record<string, string[]> = {}) {
  return { DocumentName: "AWS-RunShellScript", Parameters: { commands, ...extra } };
}

/** Polls as a waiter would: sleep, ask, until the invocation is final (or `until` says stop). */
export async function poll(
  world: World,
  ssm: SSMClient,
  CommandId: string,
  InstanceId: string,
  until: (s: GetCommandInvocationCommandOutput) => boolean = (s) =>
    !["Pending", "InProgress", "Delayed"].includes(s.Status ?? ""),
): Promise<GetCommandInvocationCommandOutput> {
  for (let i = 0; i < 20_000; i++) {
    await world.clock.sleep(1000);
    const state = await ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId })).catch((e: Error) => {
      if (e.name === "InvocationDoesNotExist") return undefined;
      throw e;
    });
    if (state && until(state)) return state;
  }
  throw new Error("the invocation never finished");
}
