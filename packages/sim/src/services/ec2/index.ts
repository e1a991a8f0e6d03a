import type { QueryService } from "../types.ts";

export const ec2Service: QueryService = {
  protocol: "ec2",
  xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
  operations: {},
};
