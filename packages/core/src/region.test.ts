import { describe, expect, it } from "vitest";
import { DeployError } from "./errors.ts";
import { createInputs } from "./inputs.ts";
import { forInput } from "./invalid.ts";
import { readRegion } from "./region.ts";
import { deployErrorFrom } from "./testing.ts";

const PURPOSE = "which region to work in";
const read = (values: Record<string, string>, env: NodeJS.ProcessEnv) =>
  readRegion(
    createInputs((name) => values[name]),
    PURPOSE,
    env,
  );

describe("readRegion", () => {
  it("takes the input before AWS_REGION, and AWS_REGION before AWS_DEFAULT_REGION", () => {
    expect(read({ region: "us-east-1" }, { AWS_REGION: "eu-west-1" })).toBe("us-east-1");
    expect(read({}, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-2" })).toBe("eu-west-1");
    expect(read({}, { AWS_DEFAULT_REGION: "us-gov-west-1" })).toBe("us-gov-west-1");
  });

  it("fails naming the input when no region is set anywhere, saying what it was for", () => {
    const error = deployErrorFrom(() => read({}, {}));
    expect(error).toMatchObject({ input: "region", why: `The step cannot tell ${PURPOSE}.` });
  });

  it("refuses a malformed region, from the input or from AWS_REGION", () => {
    expect(deployErrorFrom(() => read({ region: "Europe" }, {}))).toMatchObject({
      input: "region",
      what: 'Input "region" is not valid.',
      why: 'Got "Europe".',
    });
    expect(deployErrorFrom(() => read({}, { AWS_REGION: "eu west" }))).toMatchObject({
      input: "region",
      why: 'Got "eu west".',
    });
  });
});

describe("forInput", () => {
  const parse =
    (input?: string, what = "The record is not valid.") =>
    () => {
      throw new DeployError({
        what,
        why: "because",
        fix: "fix it",
        ...(input && { input }),
        code: "InvalidValue",
        serviceCode: "ServiceBad",
      });
    };

  it("names the input in an error that does not", () => {
    const error = deployErrorFrom(() => forInput("release", parse()));
    expect(error).toMatchObject({
      what: 'Input "release": The record is not valid.',
      why: "because",
      fix: "fix it",
      input: "release",
      code: "InvalidValue",
      serviceCode: "ServiceBad",
    });
  });

  it("keeps the input an error already names", () => {
    const error = deployErrorFrom(() => forInput("vars", parse("user-data")));
    expect(error).toMatchObject({ what: 'Input "user-data": The record is not valid.', input: "user-data" });
    const named = new DeployError({ what: 'Input "x" is bad.', input: "x" });
    expect(
      deployErrorFrom(() =>
        forInput("y", () => {
          throw named;
        }),
      ),
    ).toBe(named);
  });

  it("passes other errors and values through", () => {
    expect(forInput("x", () => 42)).toBe(42);
    expect(() =>
      forInput("x", () => {
        throw new TypeError("boom");
      }),
    ).toThrow(TypeError);
  });
});
