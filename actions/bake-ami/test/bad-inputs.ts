// Inputs shared by the unit tests of inputs.ts and the end-to-end tests of the bundle.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BadInput } from "@deploy/core/testing";

export const AL2023 = "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
export const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"9b1e".repeat(16)}`;

export const RELEASE = {
  schema: 1,
  commit: "a".repeat(40),
  repository: "acme/shop",
  image: IMAGE,
  amis: {},
  createdAt: "2026-11-26T10:00:00Z",
  run: { id: 4200, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4200" },
};

export const BASE = { "base-ami": AL2023, recipe: "bake", "iam-instance-profile": "bake-ami-builder" };

/** The recipe the inputs below refer to, written into a workspace: two files in a folder. */
export function writeWorkspace(dir: string): void {
  mkdirSync(path.join(dir, "bake"), { recursive: true });
  writeFileSync(path.join(dir, "bake", "10-packages.sh"), "#!/bin/bash\nset -eu\necho packages\n");
  writeFileSync(path.join(dir, "bake", "20-app.sh"), '#!/bin/bash\nset -eu\necho "app $RELEASE"\n');
}

// Each bad input fails before anything is asked of AWS, naming the input and the value,
// and saying how to fix it. The e2e tests run a subset of this table through the bundle.

const without = (name: keyof typeof BASE) => Object.fromEntries(Object.entries(BASE).filter(([k]) => k !== name));
const KMS_EU = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";

export const BAD_INPUTS: BadInput[] = [
  { name: "missing base-ami", values: without("base-ami"), input: "base-ami" },
  { name: "malformed AMI id", values: { ...BASE, "base-ami": "ami-12" }, input: "base-ami", got: "ami-12" },
  {
    name: "name filter without an owner",
    values: { ...BASE, "base-ami": "name=al2023-ami-*" },
    input: "base-ami",
    got: "name=al2023-ami-*",
  },
  { name: "missing recipe", values: without("recipe"), input: "recipe" },
  {
    name: "recipe file missing",
    values: { ...BASE, recipe: "bake/10-packages.sh\nbake/30-missing.sh" },
    input: "recipe",
    got: "bake/30-missing.sh",
  },
  { name: "recipe outside the repository", values: { ...BASE, recipe: "../etc" }, input: "recipe", got: "../etc" },
  { name: "missing iam-instance-profile", values: without("iam-instance-profile"), input: "iam-instance-profile" },
  {
    name: "a role ARN for the instance profile",
    values: { ...BASE, "iam-instance-profile": "arn:aws:iam::123456789012:role/bake-ami-builder" },
    input: "iam-instance-profile",
    got: "arn:aws:iam::123456789012:role/bake-ami-builder",
  },
  {
    name: "recipe-env line without =",
    values: { ...BASE, "recipe-env": "APP_PORT=8080\nLOG_LEVEL debug" },
    input: "recipe-env",
    got: "LOG_LEVEL debug",
  },
  {
    name: "recipe-env sets RELEASE",
    values: { ...BASE, "recipe-env": "RELEASE=v1" },
    input: "recipe-env",
    got: "RELEASE=v1",
  },
  {
    name: "a secret in recipe-env",
    values: { ...BASE, "recipe-env": "DB_PASSWORD=hunter2" },
    input: "recipe-env",
    got: "DB_PASSWORD",
  },
  { name: "image by tag", values: { ...BASE, image: "shop:latest" }, input: "image", got: "shop:latest" },
  {
    name: "image other than the release's",
    values: { ...BASE, image: IMAGE.replace("9b1e", "0000"), release: JSON.stringify(RELEASE) },
    input: "image",
    got: IMAGE.replace("9b1e", "0000"),
  },
  { name: "release that is not JSON", values: { ...BASE, release: "{not json" }, input: "release", got: "{not json" },
  {
    name: "malformed instance type",
    values: { ...BASE, "instance-type": "large" },
    input: "instance-type",
    got: "large",
  },
  { name: "subnet by name", values: { ...BASE, "subnet-id": "private-a" }, input: "subnet-id", got: "private-a" },
  {
    name: "security group by name",
    values: { ...BASE, "security-group-ids": "sg-0a1b2c3d4e5f60718, default" },
    input: "security-group-ids",
    got: "default",
  },
  {
    name: "six security groups",
    values: {
      ...BASE,
      "security-group-ids": ["01", "02", "03", "04", "05", "06"].map((n) => `sg-0a1b2c3d4e5f607${n}`).join("\n"),
    },
    input: "security-group-ids",
    got: "sg-0a1b2c3d4e5f60706",
  },
  { name: "root volume of 0 GiB", values: { ...BASE, "root-volume-size": "0" }, input: "root-volume-size", got: "0" },
  {
    name: "root volume with a unit",
    values: { ...BASE, "root-volume-size": "8GB" },
    input: "root-volume-size",
    got: "8GB",
  },
  {
    name: "ami-name without the bake key",
    values: { ...BASE, "ami-name": "shop-{{short-commit}}" },
    input: "ami-name",
    got: "shop-{{short-commit}}",
  },
  {
    name: "ami-name with an unknown placeholder",
    values: { ...BASE, "ami-name": "shop-{{branch}}-{{bake-key}}" },
    input: "ami-name",
    got: "shop-{{branch}}-{{bake-key}}",
  },
  {
    name: "ami-name with a character AMI names cannot have",
    values: { ...BASE, "ami-name": "shop:{{bake-key}}" },
    input: "ami-name",
    got: "shop:",
  },
  {
    name: "force-rebake with an ami-name without the date",
    values: { ...BASE, "ami-name": "shop-{{bake-key}}", "force-rebake": "true" },
    input: "ami-name",
    got: "shop-{{bake-key}}",
  },
  {
    name: "a tag in the suite's namespace",
    values: { ...BASE, tags: "team=shop\ndeploy:role=image" },
    input: "tags",
    got: "deploy:role=image",
  },
  { name: "a tag in AWS's namespace", values: { ...BASE, tags: "aws:backup=yes" }, input: "tags", got: "aws:backup" },
  {
    name: "a region that is not one",
    values: { ...BASE, regions: "us-east-1, Virginia" },
    input: "regions",
    got: "Virginia",
  },
  {
    name: "an account id of 5 digits",
    values: { ...BASE, "share-with-accounts": "123456789012\n12345" },
    input: "share-with-accounts",
    got: "12345",
  },
  { name: "kms-key-id without encrypt", values: { ...BASE, "kms-key-id": KMS_EU }, input: "kms-key-id", got: KMS_EU },
  {
    name: "one region's key ARN for several regions",
    values: { ...BASE, region: "eu-west-1", regions: "us-east-1", encrypt: "true", "kms-key-id": KMS_EU },
    input: "kms-key-id",
    got: KMS_EU,
  },
  {
    name: "a key for a region no AMI goes to",
    values: { ...BASE, region: "eu-west-1", encrypt: "true", "kms-key-id": `eu-west-1=${KMS_EU}\nus-west-2=alias/x` },
    input: "kms-key-id",
    got: "us-west-2=alias/x",
  },
  {
    name: "an encrypted AMI shared without a customer managed key",
    values: { ...BASE, encrypt: "true", "share-with-accounts": "123456789012" },
    input: "kms-key-id",
  },
  { name: "encrypt that is not a boolean", values: { ...BASE, encrypt: "maybe" }, input: "encrypt", got: "maybe" },
  { name: "timeout below 5 minutes", values: { ...BASE, timeout: "2m" }, input: "timeout", got: "2m" },
  {
    name: "poll interval that is not a duration",
    values: { ...BASE, "poll-interval": "fast" },
    input: "poll-interval",
    got: "fast",
  },
  { name: "malformed region", values: { ...BASE, region: "Europe" }, input: "region", got: "Europe" },
  {
    name: "no region at all",
    values: { ...BASE },
    input: "region",
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
  },
];
