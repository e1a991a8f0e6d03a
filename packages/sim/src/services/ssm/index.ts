import type { JsonService } from "../types.ts";

export const ssmService: JsonService = {
  protocol: "json",
  targetPrefix: "AmazonSSM",
  operations: {},
};
