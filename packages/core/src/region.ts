import { DeployError } from "./errors.ts";
import type { Inputs } from "./inputs.ts";
import { invalidInput } from "./invalid.ts";

/** An AWS region code: `eu-west-1`, `us-gov-west-1`, `ap-southeast-4`. */
export const REGION_CODE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

const REGION_FIX = 'Write an AWS region code, like "eu-west-1".';

/** A validator for region inputs (`inputs.string`, `inputs.list`). */
export function regionCode(region: string): string | undefined {
  return REGION_CODE.test(region) ? undefined : REGION_FIX;
}

/**
 * The `region` input, or else the AWS_REGION (AWS_DEFAULT_REGION) that
 * aws-actions/configure-aws-credentials sets. `purpose` ends the sentence "The step
 * cannot tell ...", e.g. "which region the Auto Scaling group is in".
 */
export function readRegion(inputs: Inputs, purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = inputs.string("region", { validate: regionCode });
  const region = given ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (!region) {
    throw new DeployError({
      what: 'Input "region" is not set, and neither is AWS_REGION or AWS_DEFAULT_REGION.',
      why: `The step cannot tell ${purpose}.`,
      fix: 'Set "region" under "with:", or configure credentials with aws-actions/configure-aws-credentials and its aws-region.',
      input: "region",
      code: "InvalidValue",
    });
  }
  if (given === undefined && regionCode(region)) {
    throw invalidInput(
      "region",
      region,
      "is not set, and AWS_REGION is not a region",
      'Set "region" to a region code, like "eu-west-1".',
    );
  }
  return region;
}
