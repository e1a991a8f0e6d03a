import type { RegionState, World } from "../../world.ts";
import { amazonLinuxImages } from "../ec2/defaults.ts";
import { putParameter } from "./parameters.ts";

const LATEST = "/aws/service/ami-amazon-linux-latest";

/**
 * What every region has before anything is created: AWS's public parameters naming the
 * current Amazon Linux 2023 images, which is how the suite resolves its base AMI. A test
 * or world file that "patches" the base image overwrites one of them (`seedSsm`).
 */
export function ssmRegionDefaults(world: World, region: RegionState): void {
  for (const [architecture, imageId] of Object.entries(amazonLinuxImages(region.name))) {
    const modified = region.ec2.images.get(imageId)?.creationDate ?? world.clock.now();
    for (const variant of ["al2023-ami-kernel-default", "al2023-ami-kernel-6.1"]) {
      putParameter(
        region,
        { name: `${LATEST}/${variant}-${architecture}`, value: imageId, type: "String", dataType: "aws:ec2:image" },
        modified,
        { accountId: world.accountId, reserved: true },
      );
    }
  }
}
