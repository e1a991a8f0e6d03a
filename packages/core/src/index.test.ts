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
        "formatDuration",
        "getState",
        "inputs",
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
        "redact",
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
