// End-to-end: bad inputs fail the bundled promote step before any call to AWS or GitHub,
// naming the input.
import { BAD_INPUTS } from "../../actions/promote/test/bad-inputs.ts";
import { describeBadInputs } from "./action-support.ts";
import { ACTION, simulator } from "./promote-support.ts";

describeBadInputs({
  action: ACTION,
  cases: BAD_INPUTS,
  simulator: () => simulator(),
  writeWorkspace: () => {},
  names: [
    "the same environment twice",
    "release that is not JSON",
    "release of another schema",
    "a short commit sha",
    "no github-token",
    "no region anywhere",
    "malformed copy region",
    "target account of 11 digits",
    "kms key of another region",
    "max-age without a unit",
    "source-group without target-group",
    "require-parity without groups",
    "timeout under 5 minutes",
  ],
});
