import { describe, expect, it } from "vitest";
import * as core from "./index.ts";

describe("@deploy/core", () => {
  it("exports the public API", () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        "CancelledError",
        "DeployError",
        "MAX_PROGRESS_INTERVAL_MS",
        "SummaryBuilder",
        "actionsLogger",
        "createInputs",
        "forInput",
        "formatDuration",
        "getState",
        "inputs",
        "invalidInput",
        "invalidValue",
        "isCancellation",
        "isDeployError",
        "link",
        "looksLikeSecretName",
        "memoryLogger",
        "parseDuration",
        "parseInteger",
        "parsePercentage",
        "poll",
        "readRegion",
        "regionCode",
        "runContext",
        "runStep",
        "saveState",
        "scaledClock",
        "setOutput",
        "setSecret",
        "summary",
        "systemClock",
      ].sort(),
    );
  });
});
