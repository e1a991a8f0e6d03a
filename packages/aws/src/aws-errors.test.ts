import { DeployError } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { awsErrorCode, fromAwsError, isNotFound, isThrottling, isTransient } from "./aws-errors.ts";

const awsError = (name: string, message = "m") => Object.assign(new Error(message), { name });

describe("AWS errors", () => {
  it("reads the code the SDK puts in the error's name", () => {
    expect(awsErrorCode(awsError("InvalidAMIID.NotFound"))).toBe("InvalidAMIID.NotFound");
    expect(awsErrorCode("text")).toBeUndefined();
  });

  it("tells throttling and eventual-consistency NotFound apart from real failures", () => {
    for (const code of ["Throttling", "ThrottlingException", "RequestLimitExceeded"]) {
      expect(isThrottling(awsError(code))).toBe(true);
      expect(isTransient(awsError(code))).toBe(true);
    }
    for (const code of ["InvalidInstanceID.NotFound", "InvalidAMIID.NotFound", "InvocationDoesNotExist"]) {
      expect(isNotFound(awsError(code))).toBe(true);
    }
    expect(isTransient(awsError("ValidationError"))).toBe(false);
    expect(isTransient(awsError("InstanceRefreshInProgress"))).toBe(false);
  });

  it("says what was being done and gives a fix for permissions and credentials", () => {
    const denied = fromAwsError(
      awsError("UnauthorizedOperation", "not authorized to ec2:CreateImage"),
      "create the AMI",
    );
    expect(denied).toBeInstanceOf(DeployError);
    expect(denied.what).toBe("AWS refused to create the AMI.");
    expect(denied.why).toBe("UnauthorizedOperation: not authorized to ec2:CreateImage");
    expect(denied.fix).toMatch(/least-privilege policy/);
    expect(fromAwsError(awsError("ExpiredToken"), "x").fix).toMatch(/configure-aws-credentials/);
    expect(fromAwsError(awsError("ValidationError"), "x").fix).toBeUndefined();
  });

  it("keeps AWS's code apart from the suite's codes, and still reads it", () => {
    const throttled = fromAwsError(awsError("ThrottlingException"), "x");
    expect(throttled.serviceCode).toBe("ThrottlingException");
    expect(throttled.code).toBeUndefined();
    expect(awsErrorCode(throttled)).toBe("ThrottlingException");
    expect(isTransient(throttled)).toBe(true);
    expect(fromAwsError("socket hang up", "x").serviceCode).toBeUndefined();
    expect(awsErrorCode(new DeployError({ what: "W.", code: "Timeout" }))).toBeUndefined();
  });

  it("passes a DeployError through unchanged", () => {
    const original = new DeployError({ what: "W." });
    expect(fromAwsError(original, "x")).toBe(original);
  });
});
