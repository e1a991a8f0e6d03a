// Inputs shared by the unit tests of inputs.ts and the end-to-end tests of the bundle.
import type { BadInput } from "@deploy/core/testing";

export const COMMIT = "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";
export const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"9b1e".repeat(16)}`;

export const RELEASE = {
  schema: 1,
  commit: COMMIT,
  repository: "acme/shop",
  image: IMAGE,
  amis: { "eu-west-1": "ami-0a1b2c3d4e5f60718" },
  createdAt: "2026-11-26T10:00:00Z",
  run: { id: 4200, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4200" },
};

/** What every case starts from: the token the runner passes by default, and a region. */
export const BASE = { "github-token": "ghs_promote0test0token0000000000000000", region: "eu-west-1" };

// Each bad input fails before anything is asked of GitHub or AWS, naming the input and the
// value, and saying how to fix it. The e2e tests run a subset of this table through the bundle.

export const BAD_INPUTS: BadInput[] = [
  {
    name: "the same environment twice",
    values: { ...BASE, "from-environment": "production" },
    input: "to-environment",
    got: "production",
  },
  {
    name: "an environment name on two lines",
    values: { ...BASE, "from-environment": "stage\nqa" },
    input: "from-environment",
  },
  { name: "release that is not JSON", values: { ...BASE, release: "{not json" }, input: "release", got: "{not json" },
  {
    name: "release of another schema",
    values: { ...BASE, release: JSON.stringify({ ...RELEASE, schema: 2 }) },
    input: "release",
    got: "schema is 2",
  },
  { name: "a short commit sha", values: { ...BASE, release: "3f9c2b1" }, input: "release", got: "3f9c2b1" },
  { name: "a branch for release", values: { ...BASE, release: "main" }, input: "release", got: "main" },
  { name: "no github-token", values: { ...BASE, "github-token": "" }, input: "github-token" },
  {
    name: "no region anywhere",
    values: { "github-token": BASE["github-token"] },
    input: "region",
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
  },
  { name: "malformed region", values: { ...BASE, region: "Ireland" }, input: "region", got: "Ireland" },
  {
    name: "malformed copy region",
    values: { ...BASE, "copy-to-regions": "us-east-1, us east 2" },
    input: "copy-to-regions",
    got: "us east 2",
  },
  {
    name: "target account of 11 digits",
    values: { ...BASE, "target-account": "21098765432" },
    input: "target-account",
    got: "21098765432",
  },
  {
    name: "kms key for a region without a copy",
    values: { ...BASE, "kms-key-id": "us-west-2=alias/shop" },
    input: "kms-key-id",
    got: "us-west-2=alias/shop",
  },
  {
    name: "kms key of another region",
    values: {
      ...BASE,
      "copy-to-regions": "us-east-1",
      "kms-key-id": "us-east-1=arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    },
    input: "kms-key-id",
    got: "us-east-1=arn:aws:kms:eu-west-1",
  },
  {
    name: "required check name too long",
    values: { ...BASE, "required-checks": `test, ${"x".repeat(256)}` },
    input: "required-checks",
  },
  { name: "max-age without a unit", values: { ...BASE, "max-age": "14" }, input: "max-age", got: "14" },
  { name: "max-age of two years", values: { ...BASE, "max-age": "2y" }, input: "max-age", got: "2y" },
  {
    name: "allow-rollback not a boolean",
    values: { ...BASE, "allow-rollback": "maybe" },
    input: "allow-rollback",
    got: "maybe",
  },
  {
    name: "source-group without target-group",
    values: { ...BASE, "source-group": "shop-stage" },
    input: "source-group",
    got: "shop-stage",
  },
  {
    name: "target group by ARN",
    values: {
      ...BASE,
      "source-group": "shop-stage",
      "target-group": "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/shop",
    },
    input: "target-group",
    got: "arn:aws:autoscaling",
  },
  {
    name: "source-region without groups",
    values: { ...BASE, "source-region": "eu-central-1" },
    input: "source-region",
    got: "eu-central-1",
  },
  { name: "require-parity without groups", values: { ...BASE, "require-parity": "true" }, input: "require-parity" },
  { name: "timeout under 5 minutes", values: { ...BASE, timeout: "1m" }, input: "timeout", got: "1m" },
  { name: "poll-interval in ms", values: { ...BASE, "poll-interval": "500ms" }, input: "poll-interval", got: "500ms" },
];
