// Inputs shared by the unit tests of inputs.ts and the end-to-end tests of the bundle.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { BadInput } from "@deploy/core/testing";

export const RELEASE = {
  schema: 1,
  commit: "a".repeat(40),
  repository: "acme/shop",
  amis: { "eu-west-1": "ami-0a1b2c3d4e5f60718", "us-east-1": "ami-0f1e2d3c4b5a69788" },
  createdAt: "2026-11-26T10:00:00Z",
  run: { id: 4200, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4200" },
};

export const BASE = { "auto-scaling-group": "shop-stage", "ami-id": "ami-0a1b2c3d4e5f60718" };

/** The files the inputs below refer to, written into a workspace. */
export function writeWorkspace(dir: string): void {
  writeFileSync(path.join(dir, "user-data.sh"), "#!/bin/sh\necho {{LOG_LEVEL}} > /etc/shop/level\n");
}

// Each bad input fails before anything is asked of AWS, naming the input and the value,
// and saying how to fix it. The e2e tests run a subset of this table through the bundle.

export const BAD_INPUTS: BadInput[] = [
  { name: "missing group", values: { "ami-id": BASE["ami-id"] }, input: "auto-scaling-group" },
  {
    name: "group given as an ARN",
    values: { ...BASE, "auto-scaling-group": "arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:x" },
    input: "auto-scaling-group",
    got: "arn:aws:autoscaling",
  },
  { name: "neither ami-id nor release", values: { "auto-scaling-group": "shop-stage" }, input: "release" },
  {
    name: "both ami-id and release",
    values: { ...BASE, release: JSON.stringify(RELEASE) },
    input: "ami-id",
    got: BASE["ami-id"],
  },
  { name: "malformed ami-id", values: { ...BASE, "ami-id": "ami-12" }, input: "ami-id", got: "ami-12" },
  {
    name: "ami-id as an SSM alias",
    values: { ...BASE, "ami-id": "resolve:ssm:/shop/ami" },
    input: "ami-id",
    got: "resolve:ssm:/shop/ami",
  },
  {
    name: "release that is not JSON",
    values: { "auto-scaling-group": "shop-stage", release: "{not json" },
    input: "release",
    got: "{not json",
  },
  {
    name: "release without an AMI for the region",
    values: { "auto-scaling-group": "shop-stage", release: JSON.stringify(RELEASE), region: "ap-south-1" },
    input: "release",
    got: "eu-west-1, us-east-1",
  },
  {
    name: "no region at all",
    values: { ...BASE },
    input: "region",
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
  },
  { name: "malformed region", values: { ...BASE, region: "Europe" }, input: "region", got: "Europe" },
  { name: "unknown strategy", values: { ...BASE, strategy: "canary" }, input: "strategy", got: "canary" },
  {
    name: "min healthy above 100",
    values: { ...BASE, "min-healthy-percentage": "101" },
    input: "min-healthy-percentage",
    got: "101",
  },
  {
    name: "max healthy below 100",
    values: { ...BASE, "max-healthy-percentage": "99" },
    input: "max-healthy-percentage",
    got: "99",
  },
  {
    name: "max healthy above 200",
    values: { ...BASE, "max-healthy-percentage": "201" },
    input: "max-healthy-percentage",
    got: "201",
  },
  {
    name: "max healthy more than 100 above min healthy",
    values: { ...BASE, "min-healthy-percentage": "40", "max-healthy-percentage": "150" },
    input: "max-healthy-percentage",
    got: "150",
  },
  {
    name: "warmup that is not a duration",
    values: { ...BASE, "instance-warmup": "5 minutes" },
    input: "instance-warmup",
    got: "5 minutes",
  },
  {
    name: "checkpoints not ascending",
    values: { ...BASE, "checkpoint-percentages": "50, 25, 100" },
    input: "checkpoint-percentages",
    got: "50, 25, 100",
  },
  {
    name: "checkpoint above 100",
    values: { ...BASE, "checkpoint-percentages": "50, 150" },
    input: "checkpoint-percentages",
    got: "150",
  },
  {
    name: "checkpoint delay that is not a duration",
    values: { ...BASE, "checkpoint-percentages": "50", "checkpoint-delay": "soon" },
    input: "checkpoint-delay",
    got: "soon",
  },
  {
    name: "checkpoint delay without checkpoints",
    values: { ...BASE, "checkpoint-delay": "10m" },
    input: "checkpoint-delay",
    got: "10m",
  },
  {
    name: "skip-matching not a boolean",
    values: { ...BASE, "skip-matching": "maybe" },
    input: "skip-matching",
    got: "maybe",
  },
  {
    name: "eleven alarms",
    values: { ...BASE, alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`).join(",") },
    input: "alarms",
    got: "alarm-10",
  },
  {
    name: "unknown scale-in protection policy",
    values: { ...BASE, "scale-in-protected-instances": "Keep" },
    input: "scale-in-protected-instances",
    got: "Keep",
  },
  {
    name: "unknown if-refresh-running",
    values: { ...BASE, "if-refresh-running": "ignore" },
    input: "if-refresh-running",
    got: "ignore",
  },
  { name: "unknown on-cancel", values: { ...BASE, "on-cancel": "abort" }, input: "on-cancel", got: "abort" },
  { name: "timeout not a duration", values: { ...BASE, timeout: "forever" }, input: "timeout", got: "forever" },
  { name: "timeout above 6h", values: { ...BASE, timeout: "10h" }, input: "timeout", got: "10h" },
  { name: "poll interval below 1s", values: { ...BASE, "poll-interval": "0" }, input: "poll-interval", got: "0" },
  {
    name: "user-data file missing",
    values: { ...BASE, "user-data": "deploy/missing.sh" },
    input: "user-data",
    got: "deploy/missing.sh",
  },
  {
    name: "vars line without =",
    values: { ...BASE, "user-data": "user-data.sh", vars: "LOG_LEVEL" },
    input: "vars",
    got: "LOG_LEVEL",
  },
  {
    name: "a secret-looking var",
    values: { ...BASE, "user-data": "user-data.sh", vars: "LOG_LEVEL=debug\nDB_PASSWORD=hunter2" },
    input: "vars",
    got: "DB_PASSWORD",
  },
  { name: "vars without user-data", values: { ...BASE, vars: "LOG_LEVEL=debug" }, input: "vars", got: "LOG_LEVEL" },
  { name: "dry-run not a boolean", values: { ...BASE, "dry-run": "perhaps" }, input: "dry-run", got: "perhaps" },
  {
    name: "environment without github-token",
    values: { ...BASE, environment: "stage", "github-token": "" },
    input: "github-token",
    got: "stage",
  },
  {
    name: "environment-url without environment",
    values: { ...BASE, "environment-url": "https://stage.shop.example" },
    input: "environment-url",
    got: "https://stage.shop.example",
  },
  {
    name: "environment-url not a URL",
    values: { ...BASE, environment: "stage", "github-token": "t", "environment-url": "stage.shop" },
    input: "environment-url",
    got: "stage.shop",
  },
  {
    name: "blue-green with checkpoints",
    values: { ...BASE, strategy: "blue-green", "checkpoint-percentages": "50, 100" },
    input: "checkpoint-percentages",
    got: "50, 100",
  },
  {
    name: "blue-green with max healthy",
    values: { ...BASE, strategy: "blue-green", "max-healthy-percentage": "150" },
    input: "max-healthy-percentage",
    got: "150",
  },
];
