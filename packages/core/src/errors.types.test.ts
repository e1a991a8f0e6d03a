import { describe, expect, it } from "vitest";
import { DeployError, type ErrorCode, hasCode, isDeployError } from "./errors.ts";

// The `@ts-expect-error` lines are the test that `pnpm typecheck` runs: each must be a type
// error. Were codes plain strings again, the directives would go unused, which fails the
// typecheck too. Vitest runs the same lines, to show what they do at run time.

const timeout = new DeployError({ what: "Timed out.", code: "Timeout" });
const uncoded = new DeployError({ what: "Failed." });

describe("error codes", () => {
  it("refuses a code that no package declares", () => {
    // @ts-expect-error: "NoSuchCode" is not in ErrorCodes.
    const made = new DeployError({ what: "x", code: "NoSuchCode" });
    expect(made.code).toBe("NoSuchCode");
    // @ts-expect-error: a typo of "Timeout".
    expect(timeout.code === "Timout").toBe(false);
    // @ts-expect-error: hasCode takes declared codes only.
    expect(hasCode(timeout, "NoSuchCode")).toBe(false);
    // @ts-expect-error: nor is ErrorCode a string.
    const code: ErrorCode = "Timout";
    expect(code).toBe("Timout");
  });

  it("keeps the service's own code apart, as open text", () => {
    const wrapped = new DeployError({ what: "AWS refused.", serviceCode: "InvalidAMIID.NotFound" });
    expect(wrapped.serviceCode).toBe("InvalidAMIID.NotFound");
    expect(wrapped.code).toBeUndefined();
    // @ts-expect-error: a service's code is not one of the suite's.
    expect(hasCode(wrapped, "InvalidAMIID.NotFound")).toBe(false);
  });

  it("hasCode matches a DeployError with one of the codes, and narrows to it", () => {
    const caught: unknown = timeout;
    expect(hasCode(caught, "Timeout")).toBe(true);
    expect(hasCode(caught, "CallBudgetExceeded", "Timeout")).toBe(true);
    expect(hasCode(caught, "CallBudgetExceeded")).toBe(false);
    expect(hasCode(caught)).toBe(false);
    if (!hasCode(caught, "Timeout", "Cancelled")) throw new Error("expected a Timeout");
    const narrowed: "Timeout" | "Cancelled" = caught.code;
    expect(narrowed).toBe("Timeout");
    expect(caught.what).toBe("Timed out.");
  });

  it("hasCode is false for what is not a coded DeployError", () => {
    expect(hasCode(uncoded, "Timeout")).toBe(false);
    expect(isDeployError(uncoded)).toBe(true);
    const lookalike = Object.assign(new Error("Timed out."), { code: "Timeout" });
    expect(hasCode(lookalike, "Timeout")).toBe(false);
    expect(hasCode(undefined, "Timeout")).toBe(false);
    expect(hasCode("Timeout", "Timeout")).toBe(false);
  });
});
