/**
 * The regions of the `aws` partition, as botocore's `data/endpoints.json` lists them (the
 * same list the AWS SDKs resolve endpoints from; `regions.test.ts` compares the two). Only
 * this partition: the simulator writes every ARN as `arn:aws:...`, which would be wrong in
 * `aws-cn` or `aws-us-gov`. A region missing here has no endpoint on AWS at all
 * (`<service>.<region>.amazonaws.com` does not resolve), so the simulator has no such region.
 */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
] as const;

const KNOWN: ReadonlySet<string> = new Set(AWS_REGIONS);

export function isAwsRegion(name: string): boolean {
  return KNOWN.has(name);
}

/** Why a name is not a region, to follow the name in an error: says which list it was checked against. */
export const NOT_A_REGION = `is not a region of the aws partition (the ${AWS_REGIONS.length} of botocore's endpoints.json: ${AWS_REGIONS.join(", ")})`;
