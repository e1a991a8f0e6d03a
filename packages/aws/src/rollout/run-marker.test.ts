import { describe, expect, it } from "vitest";
import { namesRun, withRunMarker } from "./run-marker.ts";

const run = { commit: "3f9c", runId: "4242", runAttempt: "2" };

describe("the run marker in a launch-template version's description", () => {
  it("is added when the description does not name the run, and kept when it does", () => {
    expect(withRunMarker("shop 3f9c to stage", run)).toBe("shop 3f9c to stage (run 4242-2)");
    expect(withRunMarker("shop 3f9c, run 4242 attempt 1", run)).toBe("shop 3f9c, run 4242 attempt 1");
  });

  it("survives a description too long for AWS's 255 characters", () => {
    const described = withRunMarker("x".repeat(300), run);
    expect(described).toHaveLength(255);
    expect(namesRun(described, "4242")).toBe(true);
  });

  it("matches the run id, any attempt, and no other run", () => {
    expect(namesRun("shop (run 4242-1)", "4242")).toBe(true);
    expect(namesRun("shop (run 4242-7)", "4242")).toBe(true);
    expect(namesRun("shop (run 42421-1)", "4242")).toBe(false);
    expect(namesRun("shop (run 42-1)", "4242")).toBe(false);
    expect(namesRun("rerun 4242", "4242")).toBe(false);
    expect(namesRun(undefined, "4242")).toBe(false);
  });
});
