import { type CreatedResource, withAws } from "@deploy/aws";
import { defineAction, slot } from "@deploy/core";

/**
 * What the main step hands to the post step: the regions it works in (before the first AWS
 * call), every resource the moment it exists, and the images a timed-out bake handed over
 * to AWS, which the post step's sweep must keep.
 */
export const action = defineAction({
  state: {
    regions: slot<string[]>(),
    created: slot<CreatedResource[]>(),
    handedOver: slot<string[]>(),
  },
  context: withAws,
});
