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
        "cancellationSignal",
        "createInputs",
        "deployErrorFrom",
        "envInputs",
        "failureMessage",
        "forInput",
        "formatDuration",
        "getState",
        "inputs",
        "invalidInput",
        "isCancellation",
        "isDeployError",
        "link",
        "maskSecrets",
        "memoryLogger",
        "parseBoolean",
        "parseDuration",
        "parseInteger",
        "parseJson",
        "parseKeyValues",
        "parseList",
        "parseOneOf",
        "parsePercentage",
        "phaseTimer",
        "poll",
        "REGION_CODE",
        "readRegion",
        "redact",
        "regionCode",
        "runContext",
        "runStep",
        "saveState",
        "seededRandom",
        "setOutput",
        "setSecret",
        "summary",
        "systemClock",
        "virtualClock",
      ].sort(),
    );
  });
});
