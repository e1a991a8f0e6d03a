import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { FAULT_KINDS, type FaultFile, type FaultRule, LATENCY_KINDS, STATUS_KINDS } from "./faults.ts";
import { isAwsRegion, NOT_A_REGION } from "./regions.ts";
import { type AutoScalingSection, seedAutoScaling } from "./services/autoscaling/seed.ts";
import { type Ec2Seed, seedEc2 } from "./services/ec2/seed.ts";
import { CHECK_RUN_CONCLUSIONS, CHECK_RUN_STATUSES } from "./services/github/check-runs.ts";
import { type GithubSection, seedGithub } from "./services/github/seed.ts";
import { type ParameterSeed, seedSsm } from "./services/ssm/seed.ts";
import { DEFAULT_TIMINGS, type Timings, World, type WorldOptions } from "./world.ts";

/**
 * The world file: the simulated world a test or a demo starts from, as JSON (or YAML, by
 * its extension). The README documents it with a complete example; the EC2, Auto Scaling,
 * SSM and GitHub seeders document their own sections. This module checks the shape of
 * the whole (naming the key and path of anything wrong) and seeds the services in order:
 * EC2 (images, launch templates), then Auto Scaling (groups launch from those), then SSM.
 */
export interface WorldFile {
  description?: string;
  accountId?: string;
  timings?: Partial<Timings>;
  commands?: "simulate" | "exec";
  regions?: Record<string, RegionSection>;
  github?: GithubSection;
}

export type RegionSection = Ec2Seed & AutoScalingSection & { parameters?: ParameterSeed[] };

const TOP_KEYS = ["description", "accountId", "timings", "commands", "regions", "github"];
const EC2_KEYS = ["subnets", "securityGroups", "images", "launchTemplates"] as const;
const REGION_KEYS = [...EC2_KEYS, "autoScalingGroups", "parameters"];
const SHA = /^[0-9a-f]{40}$/i;
const DEPLOYMENT_STATES = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];

/** Reads and checks a world file; errors name the file and the path inside it. */
export function readWorldFile(path: string): WorldFile {
  return checkWorldFile(readDataFile(path), path);
}

/** Checks a world file's shape (the EC2 and Auto Scaling sections are checked when seeded). */
export function checkWorldFile(value: unknown, source = "world file"): WorldFile {
  const v = new Checker(source);
  const file = v.object(value, "", TOP_KEYS);
  v.string(file, "description", "");
  v.string(file, "accountId", "", { pattern: [/^\d{12}$/, "12 digits"] });
  v.string(file, "commands", "", { oneOf: ["simulate", "exec"] });
  if (file.timings !== undefined) {
    const timings = v.object(file.timings, "timings", Object.keys(DEFAULT_TIMINGS));
    for (const key of Object.keys(timings)) v.number(timings, key, "timings", { min: 0 });
  }
  if (file.regions !== undefined) {
    for (const [name, section] of Object.entries(v.object(file.regions, "regions"))) {
      const path = `regions.${name}`;
      if (!isAwsRegion(name)) throw v.error(path, NOT_A_REGION);
      const region = v.object(section, path, REGION_KEYS);
      v.list(region, "parameters", path).forEach((p, i) => {
        const at = `${path}.parameters[${i}]`;
        const parameter = v.object(p, at, ["name", "value", "type", "dataType", "description", "labels"]);
        v.string(parameter, "name", at, { required: true });
        v.string(parameter, "value", at, { required: true });
        v.string(parameter, "type", at, { oneOf: ["String", "StringList", "SecureString"] });
        v.string(parameter, "dataType", at, { oneOf: ["text", "aws:ec2:image"] });
        v.string(parameter, "description", at);
        v.list(parameter, "labels", at).forEach((label, j) => {
          if (typeof label !== "string") throw v.error(`${at}.labels[${j}]`, "must be a string");
        });
      });
    }
  }
  if (file.github !== undefined)
    checkGithub(v, v.object(file.github, "github", ["repositories", "checkRuns", "deployments"]));
  return file as WorldFile;
}

function checkGithub(v: Checker, github: Record<string, unknown>): void {
  v.list(github, "repositories", "github").forEach((r, i) => {
    const at = `github.repositories[${i}]`;
    const repo = v.object(r, at, ["name", "defaultBranch", "refs"]);
    v.string(repo, "name", at, { required: true, pattern: [/^[^/\s]+\/[^/\s]+$/, "owner/name"] });
    v.string(repo, "defaultBranch", at);
    if (repo.refs !== undefined) {
      const refs = v.object(repo.refs, `${at}.refs`);
      for (const ref of Object.keys(refs)) v.string(refs, ref, `${at}.refs`, { pattern: [SHA, "a 40-hex-digit sha"] });
    }
  });
  v.list(github, "checkRuns", "github").forEach((c, i) => {
    const at = `github.checkRuns[${i}]`;
    const run = v.object(c, at, ["repository", "headSha", "name", "status", "conclusion", "detailsUrl"]);
    v.string(run, "repository", at, { required: true });
    v.string(run, "headSha", at, { required: true, pattern: [SHA, "a 40-hex-digit sha"] });
    v.string(run, "name", at, { required: true });
    v.string(run, "status", at, { oneOf: CHECK_RUN_STATUSES });
    v.string(run, "conclusion", at, { oneOf: CHECK_RUN_CONCLUSIONS });
    v.string(run, "detailsUrl", at);
  });
  v.list(github, "deployments", "github").forEach((d, i) => {
    const at = `github.deployments[${i}]`;
    const deployment = v.object(d, at, [
      "repository",
      "ref",
      "sha",
      "task",
      "payload",
      "environment",
      "description",
      "transientEnvironment",
      "productionEnvironment",
      "statuses",
    ]);
    v.string(deployment, "repository", at, { required: true });
    v.string(deployment, "ref", at, { required: true });
    v.string(deployment, "sha", at, { pattern: [SHA, "a 40-hex-digit sha"] });
    for (const key of ["task", "environment", "description"]) v.string(deployment, key, at);
    for (const key of ["transientEnvironment", "productionEnvironment"]) v.boolean(deployment, key, at);
    v.list(deployment, "statuses", at).forEach((s, j) => {
      const statusAt = `${at}.statuses[${j}]`;
      const status =
        typeof s === "string"
          ? { state: s }
          : v.object(s, statusAt, ["state", "description", "environment", "targetUrl", "logUrl", "environmentUrl"]);
      v.string(status, "state", statusAt, { required: true, oneOf: DEPLOYMENT_STATES });
      for (const key of ["description", "environment", "targetUrl", "logUrl", "environmentUrl"]) {
        v.string(status, key, statusAt);
      }
    });
  });
}

/** The options a world file gives the World it describes; `overrides` (flags, test options) win. */
export function worldOptions(file: WorldFile, overrides: WorldOptions = {}): WorldOptions {
  return {
    ...(file.accountId !== undefined && { accountId: file.accountId }),
    ...(file.commands !== undefined && { commands: file.commands }),
    ...overrides,
    timings: { ...file.timings, ...overrides.timings },
  };
}

/** A new World as the file describes it, seeded. */
export function worldFromFile(file: WorldFile, overrides: WorldOptions = {}, source = "world file"): World {
  const world = new World(worldOptions(file, overrides));
  seed(world, file, source);
  return world;
}

/**
 * Seeds an existing world from a world file. The file's timings apply from now on; its
 * account and command mode cannot change an existing world, so they must match it
 * (create the world with `worldFromFile` to take them from the file).
 */
export function loadWorldFile(world: World, value: unknown, source = "world file"): void {
  const file = checkWorldFile(value, source);
  if (file.accountId !== undefined && file.accountId !== world.accountId) {
    throw new Error(
      `${source}: accountId ${file.accountId} differs from the world's ${world.accountId}; create the world from the file (worldFromFile) instead`,
    );
  }
  if (file.commands !== undefined && file.commands !== world.commands) {
    throw new Error(
      `${source}: commands ${file.commands} differs from the world's ${world.commands}; create the world from the file (worldFromFile) instead`,
    );
  }
  Object.assign(world.timings, file.timings);
  seed(world, file, source);
}

function seed(world: World, file: WorldFile, source: string): void {
  for (const [name, section] of Object.entries(file.regions ?? {})) {
    const region = world.region(name);
    const ec2: Ec2Seed = {};
    for (const key of EC2_KEYS) if (section[key] !== undefined) Object.assign(ec2, { [key]: section[key] });
    naming(`${source}: `, () => seedEc2(world, name, ec2));
    naming(`${source}: regions.${name}.`, () =>
      seedAutoScaling(world, region, { autoScalingGroups: section.autoScalingGroups ?? [] }),
    );
    naming(`${source}: regions.${name}.`, () => seedSsm(world, region, { parameters: section.parameters ?? [] }));
  }
  if (file.github) naming(`${source}: github.`, () => seedGithub(world, file.github as GithubSection));
}

function naming(prefix: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    throw new Error(`${prefix}${error instanceof Error ? error.message : String(error)}`);
  }
}

const FAULT_KEYS = ["description", "seed", "rules", "unhealthyImages", "failImageCreations", "failCommands"];
const RULE_KEYS = ["operation", "kind", "rate", "count", "status", "latencyMs"];

export function readFaultFile(path: string): FaultFile {
  return checkFaultFile(readDataFile(path), path);
}

/** Checks a fault file: the `FaultFile` shape of faults.ts. */
export function checkFaultFile(value: unknown, source = "fault file"): FaultFile {
  const v = new Checker(source);
  const file = v.object(value, "", FAULT_KEYS);
  v.string(file, "description", "");
  v.number(file, "seed", "", { integer: true });
  v.number(file, "failImageCreations", "", { min: 0, integer: true });
  v.number(file, "failCommands", "", { min: 0, integer: true });
  v.list(file, "unhealthyImages", "").forEach((id, i) => {
    if (typeof id !== "string" || !/^ami-[0-9a-f]{8,17}$/.test(id))
      throw v.error(`unhealthyImages[${i}]`, "must be an AMI id");
  });
  v.list(file, "rules", "").forEach((r, i) => {
    const at = `rules[${i}]`;
    const rule = v.object(r, at, RULE_KEYS);
    v.string(rule, "operation", at, {
      required: true,
      pattern: [
        /^(?:\*|(?:ec2|autoscaling|ssm|github):.+)$/,
        "*, or service:Operation with service ec2, autoscaling, ssm or github",
      ],
    });
    v.string(rule, "kind", at, { required: true, oneOf: FAULT_KINDS });
    v.number(rule, "rate", at, { min: 0, max: 1 });
    v.number(rule, "count", at, { min: 0, integer: true });
    // A key another kind would take is a mistake (a status on a latency rule does nothing), so it is refused.
    const kind = rule.kind as FaultRule["kind"];
    if (rule.status !== undefined && !STATUS_KINDS.includes(kind))
      throw v.error(`${at}.status`, `applies only to kinds ${STATUS_KINDS.join(", ")}, not ${kind}`);
    if (rule.latencyMs !== undefined && !LATENCY_KINDS.includes(kind))
      throw v.error(`${at}.latencyMs`, `applies only to kinds ${LATENCY_KINDS.join(", ")}, not ${kind}`);
    // After doing the work AWS can only fail as a server fails: a 4xx would say it was not done.
    v.number(rule, "status", at, { min: kind === "error-after" ? 500 : 400, max: 599, integer: true });
    v.number(rule, "latencyMs", at, { min: 0 });
  });
  return file as FaultFile;
}

export function loadFaultFile(world: World, value: unknown, source = "fault file"): void {
  world.faults.load(checkFaultFile(value, source));
}

function readDataFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const yaml = [".yaml", ".yml"].includes(extname(path).toLowerCase());
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path} is not valid ${yaml ? "YAML" : "JSON"}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Shape checks that say where: `world.json: regions.eu-west-1.parameters[0].type must be one of ...`. */
class Checker {
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  error(path: string, message: string): Error {
    return new Error(`${this.source}: ${path || "the top level"} ${message}`);
  }

  object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw this.error(path, "must be an object");
    for (const key of Object.keys(value)) {
      if (allowed && !allowed.includes(key)) {
        throw this.error(join(path, key), `is not a known key (expected one of ${allowed.join(", ")})`);
      }
    }
    return value as Record<string, unknown>;
  }

  list(parent: Record<string, unknown>, key: string, path: string): unknown[] {
    const value = parent[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw this.error(join(path, key), "must be a list");
    return value;
  }

  string(
    parent: Record<string, unknown>,
    key: string,
    path: string,
    rules: { required?: boolean; oneOf?: readonly string[]; pattern?: [RegExp, string] } = {},
  ): void {
    const value = parent[key];
    const at = join(path, key);
    if (value === undefined) {
      if (rules.required) throw this.error(at, "is required");
      return;
    }
    if (typeof value !== "string") throw this.error(at, "must be a string");
    if (rules.oneOf && !rules.oneOf.includes(value)) {
      throw this.error(at, `must be one of ${rules.oneOf.join(", ")}, not ${value}`);
    }
    if (rules.pattern && !rules.pattern[0].test(value))
      throw this.error(at, `must be ${rules.pattern[1]}, not ${value}`);
  }

  number(
    parent: Record<string, unknown>,
    key: string,
    path: string,
    rules: { min?: number; max?: number; integer?: boolean } = {},
  ): void {
    const value = parent[key];
    if (value === undefined) return;
    const at = join(path, key);
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!rules.integer || Number.isInteger(value)) &&
      value >= (rules.min ?? Number.NEGATIVE_INFINITY) &&
      value <= (rules.max ?? Number.POSITIVE_INFINITY);
    if (!ok) {
      const range = [
        rules.min !== undefined && `at least ${rules.min}`,
        rules.max !== undefined && `at most ${rules.max}`,
      ]
        .filter(Boolean)
        .join(" and ");
      throw this.error(
        at,
        `must be ${rules.integer ? "a whole number" : "a number"}${range ? ` ${range}` : ""}, not ${JSON.stringify(value)}`,
      );
    }
  }

  boolean(parent: Record<string, unknown>, key: string, path: string): void {
    if (parent[key] !== undefined && typeof parent[key] !== "boolean")
      throw this.error(join(path, key), "must be true or false");
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
