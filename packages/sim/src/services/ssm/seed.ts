import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { labelParameterVersion, putParameter } from "./parameters.ts";

/**
 * The `parameters` of a region in a world file:
 *
 *   "parameters": [
 *     { "name": "/shop/stage/db-url", "value": "postgres://...", "type": "SecureString" },
 *     { "name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
 *       "value": "name:al2023-ami-2023.7.20261201.0-kernel-6.1-x86_64", "dataType": "aws:ec2:image" }
 *   ]
 *
 * `type` defaults to String. A value `name:<image name>` stands for the id of the region's
 * image of that name (as launch templates refer to images in the EC2 section). AWS's public
 * `/aws/service/...` parameters may be set too: that is how a world "publishes" a newer
 * base image. A name given twice takes the later value, as a new version; `labels` label the
 * version an entry makes, as LabelParameterVersion would.
 */
export interface ParameterSeed {
  name: string;
  value: string;
  type?: string;
  dataType?: string;
  description?: string;
  /** Labels attached to the version this entry makes (moved from an earlier version that had them). */
  labels?: string[];
}

export interface SsmSection {
  parameters?: ParameterSeed[];
}

const IMAGE_NAME_REF = "name:";

export function seedSsm(world: World, region: RegionState, section: SsmSection): void {
  const now = world.clock.now();
  (section.parameters ?? []).forEach((seed, i) => {
    try {
      const parameter = putParameter(
        region,
        {
          name: seed.name,
          value: seed.value.startsWith(IMAGE_NAME_REF)
            ? imageId(region, seed.value.slice(IMAGE_NAME_REF.length))
            : seed.value,
          type: seed.type ?? "String",
          dataType: seed.dataType,
          description: seed.description,
          overwrite: true,
        },
        now,
        { accountId: world.accountId, reserved: true },
      );
      if (seed.labels !== undefined) {
        const { InvalidLabels } = labelParameterVersion(
          { Name: seed.name, ParameterVersion: parameter.version, Labels: seed.labels },
          { world, region, now, operation: "LabelParameterVersion" },
        ) as { InvalidLabels: string[] };
        if (InvalidLabels.length > 0) throw new Error(`labels ${InvalidLabels.join(", ")} are not valid labels`);
      }
    } catch (error) {
      const why = error instanceof AwsError || error instanceof Error ? error.message : String(error);
      throw new Error(`parameters[${i}] (${seed.name}): ${why}`);
    }
  });
}

function imageId(region: RegionState, name: string): string {
  const matches = [...region.ec2.images.values()].filter((i) => i.name === name && i.state !== "deregistered");
  if (matches.length !== 1) {
    throw new Error(`${matches.length === 0 ? "no" : "more than one"} image named "${name}" in ${region.name}`);
  }
  return matches[0]?.id as string;
}
