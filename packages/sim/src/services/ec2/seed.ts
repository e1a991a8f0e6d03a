import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { defaultVpcId } from "./defaults.ts";
import { isWellFormed, type ResourceKindName } from "./ids.ts";
import { finishImage, registerImage } from "./image-store.ts";
import { checkLaunchTemplateData, type LaunchTemplateData } from "./launch-template-data.ts";
import { addLaunchTemplateVersion, createLaunchTemplate } from "./launch-templates.ts";
import { AMAZON_ALIAS, AMAZON_OWNER_ID, isAccountId } from "./owners.ts";
import { createSnapshot } from "./snapshot-store.ts";
import type { Image } from "./state.ts";
import { tagsFromRecord } from "./tags.ts";

/**
 * The `ec2` section of a world file, for one region. Everything is added to the region's
 * defaults (three default subnets, the default security group, Amazon Linux images).
 *
 * ```json
 * {
 *   "subnets": [{ "id": "subnet-…", "availabilityZone": "eu-west-1a", "cidrBlock": "10.0.1.0/24" }],
 *   "securityGroups": ["sg-0123456789abcdef0"],
 *   "images": [{ "id": "ami-…", "name": "shop-2026-11-20", "architecture": "x86_64",
 *                "ownerId": "self", "tags": { "deploy:release": "3f9c" }, "public": false,
 *                "unhealthy": false, "state": "available", "description": "…",
 *                "deprecationTime": "2027-01-01T00:00:00Z" }],
 *   "launchTemplates": [{ "id": "lt-…", "name": "shop", "tags": { "team": "web" },
 *                         "data": { "ImageId": "name:shop-2026-11-20", "InstanceType": "t3.small" } }]
 * }
 * ```
 *
 * - Ids are optional (generated when left out) and must have AWS's form (`ami-` and 17 hex digits).
 * - `subnets[].availabilityZone` is one of the region's (`<region>` and a letter); `cidrBlock` defaults to a free /20.
 * - `images[].ownerId`: an account id, `self` (the default) or `amazon`; `architecture`: `x86_64`
 *   (default) or `arm64`; `state`: `available` (default), `pending` (available after
 *   `timings.createImageMs`), `failed` or `deregistered`; `unhealthy`: instances launched from
 *   it never pass health checks. Each image gets one snapshot.
 * - `launchTemplates[]`: `data` (one version) or `versions` (a list, version 1 first) of launch
 *   template data exactly as the API takes it (member names as in the SDK, `UserData` base64),
 *   `defaultVersion` (default 1). An `ImageId` of `name:<image name>` refers to an image of
 *   this region by name, such as one of the same file.
 *
 * Problems throw an Error saying where (`ec2 (eu-west-1).images[2].name: ...`).
 */
export interface Ec2Seed {
  subnets?: SeedSubnet[];
  securityGroups?: string[];
  images?: SeedImage[];
  launchTemplates?: SeedLaunchTemplate[];
}

interface SeedSubnet {
  id?: string;
  availabilityZone: string;
  cidrBlock?: string;
}

interface SeedImage {
  id?: string;
  name: string;
  architecture?: Image["architecture"];
  ownerId?: string;
  tags?: Record<string, string>;
  public?: boolean;
  unhealthy?: boolean;
  state?: Image["state"];
  description?: string;
  deprecationTime?: string;
}

interface SeedLaunchTemplate {
  id?: string;
  name: string;
  data?: LaunchTemplateData;
  versions?: LaunchTemplateData[];
  defaultVersion?: number;
  tags?: Record<string, string>;
}

const SECTION_KEYS = ["subnets", "securityGroups", "images", "launchTemplates"];
const IMAGE_KEYS = [
  "id",
  "name",
  "architecture",
  "ownerId",
  "tags",
  "public",
  "unhealthy",
  "state",
  "description",
  "deprecationTime",
];
const IMAGE_NAME_REF = "name:";

export function seedEc2(world: World, regionName: string, section: Ec2Seed): void {
  const where = `ec2 (${regionName})`;
  const region = world.region(regionName);
  const now = world.clock.now();
  checkKeys(section, SECTION_KEYS, where);
  list(section.subnets, `${where}.subnets`).forEach((subnet, i) => {
    seedSubnet(world, region, subnet, `${where}.subnets[${i}]`);
  });
  list(section.securityGroups, `${where}.securityGroups`).forEach((id, i) => {
    region.ec2.securityGroups.add(seedId("securityGroup", id, `${where}.securityGroups[${i}]`) as string);
  });
  list(section.images, `${where}.images`).forEach((image, i) => {
    at(`${where}.images[${i}]`, () => seedImage(world, region, image, now));
  });
  list(section.launchTemplates, `${where}.launchTemplates`).forEach((template, i) => {
    at(`${where}.launchTemplates[${i}]`, () => seedLaunchTemplate(world, region, template, now));
  });
}

function seedSubnet(world: World, region: RegionState, subnet: SeedSubnet, path: string): void {
  checkKeys(subnet, ["id", "availabilityZone", "cidrBlock"], path);
  if (!new RegExp(`^${region.name}[a-z]$`).test(subnet.availabilityZone ?? "")) {
    throw new Error(
      `${path}.availabilityZone must be a zone of ${region.name} such as ${region.name}a, not ${subnet.availabilityZone}`,
    );
  }
  const id = seedId("subnet", subnet.id, `${path}.id`) ?? world.newId("subnet");
  const cidrBlock = subnet.cidrBlock ?? `172.31.${16 * region.ec2.subnets.size}.0/20`;
  region.ec2.subnets.set(id, {
    id,
    availabilityZone: subnet.availabilityZone,
    cidrBlock,
    vpcId: defaultVpcId(region.name),
  });
}

function seedImage(world: World, region: RegionState, seed: SeedImage, now: number): void {
  checkKeys(seed, IMAGE_KEYS, "");
  required(seed.name, ".name");
  const ownerId = seedOwner(world, seed.ownerId);
  const state = seed.state ?? "available";
  if (!["available", "pending", "failed", "deregistered"].includes(state)) {
    throw new Error(`.state must be available, pending, failed or deregistered, not ${state}`);
  }
  if (seed.architecture !== undefined && seed.architecture !== "x86_64" && seed.architecture !== "arm64") {
    throw new Error(`.architecture must be x86_64 or arm64, not ${seed.architecture}`);
  }
  const deprecationTime = seed.deprecationTime === undefined ? undefined : Date.parse(seed.deprecationTime);
  if (deprecationTime !== undefined && Number.isNaN(deprecationTime)) {
    throw new Error(`.deprecationTime must be an ISO 8601 time, not ${seed.deprecationTime}`);
  }
  const id = seedId("image", seed.id, ".id");
  const image = registerImage(world, region, {
    ...(id !== undefined && { id }),
    name: seed.name,
    description: seed.description,
    state,
    ownerId,
    creationDate: now,
    architecture: seed.architecture,
    snapshotIds: [world.newId("snap")],
    tags: tagsFromRecord(seed.tags),
    isPublic: seed.public ?? false,
    unhealthy: seed.unhealthy ?? false,
    deprecationTime,
  });
  const snapshotState = state === "pending" ? "pending" : state === "failed" ? "error" : "completed";
  const snapshot = createSnapshot(world, region, { id: image.snapshotIds[0], ownerId, state: snapshotState }, now);
  if (state === "pending") finishImage(world, image, [snapshot], now + world.timings.createImageMs, false);
  if (state === "failed") image.stateReason = "Server.InternalError: Internal error on snapshot creation";
}

function seedLaunchTemplate(world: World, region: RegionState, seed: SeedLaunchTemplate, now: number): void {
  checkKeys(seed, ["id", "name", "data", "versions", "defaultVersion", "tags"], "");
  required(seed.name, ".name");
  if ((seed.data === undefined) === (seed.versions === undefined)) {
    throw new Error(": give either data (one version) or versions (a list), not both or neither");
  }
  const versions = (seed.versions ?? [seed.data]).map((data, i) => {
    const path = seed.versions ? `.versions[${i}]` : ".data";
    return resolveImageName(region, checkLaunchTemplateData(data, path), path);
  });
  if (versions.length === 0) throw new Error(".versions must not be empty");
  const id = seedId("launchTemplate", seed.id, ".id");
  const [first, ...rest] = versions as [LaunchTemplateData, ...LaunchTemplateData[]];
  const template = createLaunchTemplate(
    world,
    region,
    { ...(id !== undefined && { id }), name: seed.name, data: first, tags: tagsFromRecord(seed.tags) },
    now,
  );
  for (const data of rest) addLaunchTemplateVersion(template, data, undefined, now);
  const defaultVersion = seed.defaultVersion ?? 1;
  if (!Number.isInteger(defaultVersion) || defaultVersion < 1 || defaultVersion > template.latestVersion) {
    throw new Error(`.defaultVersion must be a version between 1 and ${template.latestVersion}, not ${defaultVersion}`);
  }
  template.defaultVersion = defaultVersion;
}

/** `ImageId: "name:<image name>"` becomes the id of the region's one image of that name. */
function resolveImageName(region: RegionState, data: LaunchTemplateData, path: string): LaunchTemplateData {
  const imageId = data.ImageId;
  if (typeof imageId !== "string" || !imageId.startsWith(IMAGE_NAME_REF)) return data;
  const name = imageId.slice(IMAGE_NAME_REF.length);
  const matches = [...region.ec2.images.values()].filter((i) => i.name === name && i.state !== "deregistered");
  if (matches.length !== 1) {
    throw new Error(
      `${path}.ImageId: ${matches.length === 0 ? "no" : "more than one"} image named "${name}" in ${region.name} (${matches.map((i) => i.id).join(", ")})`,
    );
  }
  return { ...data, ImageId: (matches[0] as Image).id };
}

function seedOwner(world: World, owner: string | undefined): string {
  if (owner === undefined || owner === "self") return world.accountId;
  if (owner === AMAZON_ALIAS) return AMAZON_OWNER_ID;
  if (!isAccountId(owner)) throw new Error(`.ownerId must be an account id, self or amazon, not ${owner}`);
  return owner;
}

function seedId(kind: ResourceKindName, id: string | undefined, path: string): string | undefined {
  if (id !== undefined && !isWellFormed(kind, id)) throw new Error(`${path}: ${id} is not a well-formed id`);
  return id;
}

function required(value: unknown, path: string): void {
  if (typeof value !== "string" || value === "") throw new Error(`${path} is required`);
}

function list<T>(value: T[] | undefined, path: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${path} must be a list`);
  return value;
}

function checkKeys(value: object, allowed: readonly string[], path: string): void {
  if (typeof value !== "object" || value === null) throw new Error(`${path} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`${path}.${key} is not known here (${allowed.join(", ")})`);
  }
}

/** Runs one item's seeding, naming the item in any error (the simulator's own AwsErrors included). */
function at(path: string, seed: () => void): void {
  try {
    seed();
  } catch (error) {
    const message =
      error instanceof AwsError ? `: ${error.message}` : error instanceof Error ? error.message : String(error);
    throw new Error(`${path}${message}`);
  }
}
