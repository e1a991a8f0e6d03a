// End-to-end: bad inputs fail the bundled bake-ami step before any AWS call, naming the input.
import { BAD_INPUTS, writeWorkspace } from "../../actions/bake-ami/test/bad-inputs.ts";
import { describeBadInputs } from "./action-support.ts";
import { ACTION, simulator } from "./bake-ami-support.ts";

describeBadInputs({
  action: ACTION,
  cases: BAD_INPUTS,
  simulator,
  writeWorkspace,
  names: [
    "missing base-ami",
    "name filter without an owner",
    "recipe file missing",
    "recipe outside the repository",
    "a role ARN for the instance profile",
    "a secret in recipe-env",
    "image by tag",
    "release that is not JSON",
    "six security groups",
    "ami-name with an unknown placeholder",
    "force-rebake with an ami-name without the date",
    "a tag in the suite's namespace",
    "an account id of 5 digits",
    "one region's key ARN for several regions",
    "an encrypted AMI shared without a customer managed key",
    "timeout below 5 minutes",
    "no region at all",
  ],
});
