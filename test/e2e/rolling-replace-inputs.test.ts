// End-to-end: bad inputs fail the bundled rolling-replace step before any AWS call, naming the input.
import { BAD_INPUTS, writeWorkspace } from "../../actions/rolling-replace/test/bad-inputs.ts";
import { describeBadInputs } from "./action-support.ts";
import { ACTION, simulator } from "./rolling-replace-support.ts";

describeBadInputs({
  action: ACTION,
  cases: BAD_INPUTS,
  simulator,
  writeWorkspace,
  names: [
    "missing group",
    "neither ami-id nor release",
    "both ami-id and release",
    "malformed ami-id",
    "release that is not JSON",
    "release without an AMI for the region",
    "no region at all",
    "min healthy above 100",
    "max healthy more than 100 above min healthy",
    "warmup that is not a duration",
    "checkpoints not ascending",
    "unknown if-refresh-running",
    "user-data file missing",
    "a secret-looking var",
    "environment without github-token",
    "blue-green with checkpoints",
  ],
});
