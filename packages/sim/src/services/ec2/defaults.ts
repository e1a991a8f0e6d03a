import type { RegionState, World } from "../../world.ts";
import { stableId } from "./ids.ts";
import { registerImage } from "./image-store.ts";
import { AMAZON_OWNER_ID } from "./owners.ts";
import { createSnapshot } from "./snapshot-store.ts";

/**
 * What every region has before anything is created, as in a fresh AWS account: a default
 * VPC with one default subnet per availability zone (`<region>a/b/c`), its default security
 * group, and Amazon's public Amazon Linux 2023 images. Ids derive from the region's name,
 * so a region always has the same ones.
 *
 * The images: the current release for x86_64 and arm64, and the release before it, whose
 * deprecation time (two years after creation, as AWS sets for public images) has passed,
 * so "newest, not deprecated" lookups have something to skip.
 */
const AZ_LETTERS = ["a", "b", "c"] as const;
const ARCHITECTURES = ["x86_64", "arm64"] as const;
const TWO_YEARS_MS = 730 * 24 * 3600 * 1000;

const AMAZON_LINUX_RELEASES = [
  { version: "2023.5.20240805.0", created: "2024-08-05T22:11:51Z", current: false },
  { version: "2023.6.20261101.0", created: "2026-11-01T19:24:18Z", current: true },
] as const;

export type Architecture = (typeof ARCHITECTURES)[number];

export function defaultVpcId(region: string): string {
  return stableId("vpc", region, "default-vpc");
}

export function defaultSecurityGroupId(region: string): string {
  return stableId("sg", region, "default-security-group");
}

export function defaultSubnetId(region: string, availabilityZone: string): string {
  return stableId("subnet", region, "default-subnet", availabilityZone);
}

function amazonLinuxImageName(version: string, architecture: Architecture): string {
  return `al2023-ami-${version}-kernel-6.1-${architecture}`;
}

function amazonLinuxImageId(region: string, version: string, architecture: Architecture): string {
  return stableId("ami", region, amazonLinuxImageName(version, architecture));
}

/**
 * The ids of the current Amazon Linux 2023 images of a region, per architecture: what
 * AWS's public SSM parameters (`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64`,
 * `...-kernel-default-...`) point to.
 */
export function amazonLinuxImages(region: string): Record<Architecture, string> {
  const current = AMAZON_LINUX_RELEASES.find((r) => r.current)?.version as string;
  return {
    x86_64: amazonLinuxImageId(region, current, "x86_64"),
    arm64: amazonLinuxImageId(region, current, "arm64"),
  };
}

export function ec2RegionDefaults(world: World, region: RegionState): void {
  const { ec2, name } = region;
  AZ_LETTERS.forEach((letter, i) => {
    const availabilityZone = `${name}${letter}`;
    const id = defaultSubnetId(name, availabilityZone);
    ec2.subnets.set(id, { id, availabilityZone, cidrBlock: `172.31.${i * 16}.0/20`, vpcId: defaultVpcId(name) });
  });
  ec2.securityGroups.add(defaultSecurityGroupId(name));

  for (const release of AMAZON_LINUX_RELEASES) {
    const creationDate = Date.parse(release.created);
    for (const architecture of ARCHITECTURES) {
      const imageName = amazonLinuxImageName(release.version, architecture);
      const snapshot = createSnapshot(
        world,
        region,
        { id: stableId("snap", name, imageName), ownerId: AMAZON_OWNER_ID, state: "completed" },
        creationDate,
      );
      registerImage(world, region, {
        id: amazonLinuxImageId(name, release.version, architecture),
        name: imageName,
        description: `Amazon Linux 2023 AMI ${release.version} ${architecture} HVM kernel-6.1`,
        state: "available",
        ownerId: AMAZON_OWNER_ID,
        creationDate,
        architecture,
        snapshotIds: [snapshot.id],
        isPublic: true,
        deprecationTime: creationDate + TWO_YEARS_MS,
      });
    }
  }
}
