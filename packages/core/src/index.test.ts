import { describe, expect, it } from "vitest";
import * as core from "./index.ts";

describe("@deploy/core", () => {
  it("exports the public API", () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        "CLOCK_ENV",
        "CancelledError",
        "DeployError",
        "MAX_PROGRESS_INTERVAL_MS",
        "SummaryBuilder",
        "createInputs",
        "defineAction",
        "forInput",
        "formatDuration",
        "hasCode",
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
        "scaledClock",
        "setOutput",
        "setSecret",
        "slot",
        "summary",
        "systemClock",
      ].sort(),
    );
  });
});
