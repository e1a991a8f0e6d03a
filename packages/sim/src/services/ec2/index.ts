import type { QueryService } from "../types.ts";
import { imageOperations } from "./images-api.ts";
import { instanceTypeOperations } from "./instance-types.ts";
import { instanceOperations } from "./instances-api.ts";
import { launchTemplateOperations } from "./launch-templates.ts";
import { networkOperations } from "./network.ts";
import { snapshotOperations } from "./snapshots.ts";
import { taggingOperations } from "./tagging.ts";

export const ec2Service: QueryService = {
  protocol: "ec2",
  xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
  operations: {
    ...instanceOperations,
    ...instanceTypeOperations,
    ...imageOperations,
    ...snapshotOperations,
    ...launchTemplateOperations,
    ...taggingOperations,
    ...networkOperations,
  },
};
