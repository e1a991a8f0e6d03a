import { type CreatedResource, withAws } from "@deploy/aws";
import { defineAction, slot } from "@deploy/core";

/**
 * What the main step hands to the post step: the regions it copies to (before the first
 * AWS change) and each copy as soon as it exists.
 */
export const action = defineAction({
  state: {
    regions: slot<string[]>(),
    created: slot<CreatedResource[]>(),
  },
  context: withAws,
});
