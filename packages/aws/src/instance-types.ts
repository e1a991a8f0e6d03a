import { type _InstanceType, DescribeInstanceTypesCommand } from "@aws-sdk/client-ec2";
import { DeployError } from "@deploy/core";
import { fromAwsError } from "./aws-errors.ts";
import type { AwsClients } from "./clients.ts";

/**
 * Refuses an AMI whose architecture the instance type cannot run, before anything changes:
 * AWS accepts the new launch-template version and the refresh or the second group, and only
 * the launches then fail, one after another, until the rollout gives up. The type's
 * architectures are AWS's own answer (DescribeInstanceTypes' ProcessorInfo), not a guess
 * from its name.
 */
export async function checkArchitecture(
  clients: AwsClients,
  image: { id: string; architecture: string | undefined },
  instanceType: string,
  launches: string,
): Promise<void> {
  if (image.architecture === undefined) return;
  let supported: string[];
  try {
    // The SDK types instance types as a closed list of today's names; a newer one is still valid.
    const answer = await clients.ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }),
    );
    supported = answer.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
  } catch (error) {
    throw fromAwsError(error, `describe the instance type ${instanceType} (${launches})`);
  }
  if (supported.includes(image.architecture)) return;
  throw new DeployError({
    what: `AMI ${image.id} is ${image.architecture}, and ${instanceType} (${launches}) runs ${supported.join(" or ") || "no known architecture"}.`,
    why: "Every instance launched from it would fail to start, so the rollout could only fail, instance after instance.",
    fix: `Bake the release for ${supported.join(" or ") || "the group's architecture"} (bake-ami's base-ami and instance-type), or change the group's instance type to one that runs ${image.architecture}.`,
    input: "ami-id",
    code: "ArchitectureMismatch",
  });
}
