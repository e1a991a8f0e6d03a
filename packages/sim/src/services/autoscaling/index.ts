import type { QueryService } from "../types.ts";

export const autoScalingService: QueryService = {
  protocol: "query",
  xmlns: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  operations: {},
};
