import { type Instance, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { amazonLinuxImages } from "../src/services/ec2/defaults.ts";
import { registerImage } from "../src/services/ec2/image-store.ts";
import type { World } from "../src/world.ts";
import { REGION, type TestSim } from "./support.ts";

/** The current Amazon Linux 2023 x86_64 image of the test region. */
export const BASE_IMAGE = amazonLinuxImages(REGION).x86_64;

/**
 * Registers an available image of the account's straight into the world's EC2 model, as
 * CreateImage would leave it once baked. `unhealthy` ones launch instances that never pass a
 * health check. Returns its id.
 */
export function putImage(
  world: World,
  options: { region?: string; id?: string; name?: string; unhealthy?: boolean } = {},
): string {
  const id = options.id ?? world.newId("ami");
  return registerImage(world, world.region(options.region ?? REGION), {
    id,
    name: options.name ?? `app-${id}`,
    state: "available",
    ownerId: world.accountId,
    creationDate: world.clock.now(),
    snapshotIds: [],
    unhealthy: options.unhealthy ?? false,
  }).id;
}

/** Runs instances of the base image and returns them as RunInstances answered. */
export async function run(t: TestSim, input: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const { Instances } = await t.ec2.send(
    new RunInstancesCommand({ ImageId: BASE_IMAGE, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...input }),
  );
  return Instances ?? [];
}

/** Runs one instance and lets it boot and become visible (on a virtual or a scaled clock). */
export async function running(t: TestSim, input: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const [instance] = await run(t, input);
  await t.world.clock.sleep(t.world.timings.instanceBootMs);
  return instance?.InstanceId as string;
}
