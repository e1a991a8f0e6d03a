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
  /** What launches it (`the instance type of web's launch template`), and the input to change. */
  about: { launches: string; input: "ami-id" | "instance-type" },
): Promise<void> {
  const { launches } = about;
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
    fix: `Use an AMI built for ${supported.join(" or ") || "the instance type's architecture"}, or an instance type that runs ${image.architecture} (t4g, m7g and c7g run arm64; t3, m7i and c7i x86_64).`,
    input: about.input,
    code: "ArchitectureMismatch",
  });
}
