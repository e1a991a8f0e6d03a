import type { RegionState, World } from "../../world.ts";

/** What every region has before anything is created: AWS's public parameters for base AMIs. */
export function ssmRegionDefaults(_world: World, _region: RegionState): void {}
