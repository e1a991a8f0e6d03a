import {
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { launchInstance } from "../src/services/ec2/instances.ts";
import type { Instance, Tag } from "../src/services/ec2/state.ts";
import type { World } from "../src/world.ts";
import { putImage } from "./ec2-fixture.ts";
import { REGION } from "./support.ts";

/**
 * Helpers for SSM contract tests: instances put straight into the EC2 model (not through
 * the EC2 API) so SSM is tested on its own.
 */

const IMAGE_ID = "ami-0fixture000000001";

/** An instance launched from a plain image; its agent comes online after boot plus `ssmAgentMs`. */
export function launch(world: World, tags: Tag[] = [], region = REGION): Instance {
  const state = world.region(region);
  if (!state.ec2.images.has(IMAGE_ID)) putImage(world, { region, id: IMAGE_ID, name: "fixture-image" });
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
