import type { RegionState, World } from "../../world.ts";

/** What every region has before anything is created: default subnets, Amazon's base images. */
export function ec2RegionDefaults(_world: World, _region: RegionState): void {}
