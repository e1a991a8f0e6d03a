import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { DeployError } from "./errors.ts";
import { createInputs, envInputs, inputs } from "./inputs.ts";
import { deployErrorFrom } from "./testing.ts";

function given(values: Record<string, string>) {
  const masked: string[] = [];
  const reader = createInputs(
    (name) => values[name],
    (value) => masked.push(value),
  );
  return { inputs: reader, masked };
}

describe("envInputs", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("reads INPUT_<NAME> as @actions/core does: spaces to _, upper case, trimmed", () => {
    vi.stubEnv("INPUT_INSTANCE-WARMUP", "  5m \n");
    vi.stubEnv("INPUT_MY_INPUT", "x");
    expect(envInputs("instance-warmup")).toBe("5m");
    expect(envInputs("my input")).toBe("x");
    expect(envInputs("missing")).toBeUndefined();
  });

  it("is where the default `inputs` read from", () => {
    vi.stubEnv("INPUT_BATCH-SIZE", "4");
    expect(inputs.integer("batch-size")).toBe(4);
  });
});

describe("inputs", () => {
  it("reads each kind", () => {
    const { inputs } = given({
      name: " shop ",
      flag: "Yes",
      count: "3",
      healthy: "90%",
      warmup: "1h30m",
      regions: "eu-west-1, us-east-1",
      env: "A=1\nB=2",
      release: '{"schema": 1}',
      strategy: "rolling",
    });
    expect(inputs.string("name")).toBe("shop");
    expect(inputs.boolean("flag")).toBe(true);
    expect(inputs.integer("count", { min: 1 })).toBe(3);
    expect(inputs.percentage("healthy")).toBe(90);
    expect(inputs.duration("warmup", { max: "2h" })).toBe(5_400_000);
    expect(inputs.list("regions")).toEqual(["eu-west-1", "us-east-1"]);
    expect(inputs.keyValues("env")).toEqual({ A: "1", B: "2" });
    expect(inputs.json("release")).toEqual({ schema: 1 });
    expect(inputs.oneOf("strategy", ["rolling", "blue-green"])).toBe("rolling");
  });

  it("gives undefined for an empty optional input, and empty collections for lists", () => {
    const { inputs } = given({ blank: "   " });
    expect(inputs.string("blank")).toBeUndefined();
    expect(inputs.duration("missing")).toBeUndefined();
    expect(inputs.boolean("missing")).toBeUndefined();
    expect(inputs.json("missing")).toBeUndefined();
    expect(inputs.oneOf("missing", ["a"])).toBeUndefined();
    expect(inputs.list("blank")).toEqual([]);
    expect(inputs.keyValues("missing")).toEqual({});
  });

  it("fails for an empty required input, saying where to set it", () => {
    const { inputs } = given({ "role-arn": "" });
    const error = deployErrorFrom(() => inputs.string("role-arn", { required: true }));
    expect(error.what).toBe('Input "role-arn" is required.');
    expect(error.why).toBe("It is empty or not set.");
    expect(error.fix).toBe(
      'Set "role-arn" under "with:" in the step; if its value comes from a variable or secret, define that for this environment.',
    );
    expect(error.input).toBe("role-arn");
    expect(() => inputs.list("role-arn", { required: true })).toThrow('Input "role-arn" is required.');
  });

  it("parses the default like a value from the workflow, bounds included", () => {
    const { inputs } = given({});
    expect(inputs.duration("instance-warmup", { default: "5m", min: 0 })).toBe(300_000);
    expect(inputs.boolean("dry-run", { default: "false", required: true })).toBe(false);
    expect(inputs.list("regions", { default: "eu-west-1" })).toEqual(["eu-west-1"]);
    expect(inputs.string("prefix", { default: "" })).toBe("");
    expect(() => inputs.integer("batch", { default: "0", min: 1 })).toThrow('Input "batch" is out of range.');
  });

  it("prefers the workflow's value over the default", () => {
    const { inputs } = given({ "instance-warmup": "90s" });
    expect(inputs.duration("instance-warmup", { default: "5m" })).toBe(90_000);
  });

  it("names the input in every parse failure", () => {
    const { inputs } = given({ "instance-warmup": "5 minutes", flag: "maybe", regions: "a,b" });
    const error = deployErrorFrom(() => inputs.duration("instance-warmup"));
    expect(error.input).toBe("instance-warmup");
    expect(error.what).toBe('Input "instance-warmup" is not a valid duration.');
    expect(error.why).toBe('Got "5 minutes".');
    expect(error.fix).toBe('Write a number followed by s, m or h, like "90s", "15m" or "2h".');
    expect(deployErrorFrom(() => inputs.boolean("flag")).input).toBe("flag");
    const item = deployErrorFrom(() =>
      inputs.list("regions", { validate: (r) => (r === "a" ? undefined : "Write a.") }),
    );
    expect([item.what, item.input]).toEqual(['Input "regions" has an invalid item.', "regions"]);
  });

  it("validates strings and JSON with the given validator", () => {
    const { inputs } = given({ ami: "ami-1", bad: "img-1", release: "[]" });
    const ami = (value: string) => (value.startsWith("ami-") ? undefined : 'Write an AMI id, like "ami-0a1b2c3d".');
    expect(inputs.string("ami", { validate: ami })).toBe("ami-1");
    expect(deployErrorFrom(() => inputs.string("bad", { validate: ami })).what).toBe('Input "bad" is not valid.');
    const object = (value: unknown) => (Array.isArray(value) ? "Write a JSON object." : undefined);
    expect(deployErrorFrom(() => inputs.json("release", { validate: object })).fix).toBe("Write a JSON object.");
  });

  describe("secret", () => {
    it("masks the value as soon as it is read, before parsing", () => {
      const { inputs, masked } = given({ token: "s3cr3t", url: "not json" });
      expect(inputs.string("token", { secret: true })).toBe("s3cr3t");
      expect(() => inputs.json("url", { secret: true })).toThrow(DeployError);
      expect(masked).toEqual(["s3cr3t", "not json"]);
    });

    it("never shows the value in errors", () => {
      const { inputs } = given({ token: "hunter2", env: "DB=postgres://u:pw@h\nDB=x" });
      const error = deployErrorFrom(() => inputs.duration("token", { secret: true }));
      expect(error.why).toBe('Got "***".');
      expect(error.message).not.toContain("hunter2");
      expect(deployErrorFrom(() => inputs.keyValues("env", { secret: true })).message).not.toContain("pw@h");
    });

    it("masks nothing for inputs that are not secret, or empty", () => {
      const { inputs, masked } = given({ name: "shop" });
      inputs.string("name");
      inputs.string("empty", { secret: true, default: "x" });
      expect(masked).toEqual([]);
    });
  });

  it("types results as defined only when required or defaulted", () => {
    const { inputs } = given({ a: "1", s: "rolling" });
    expectTypeOf(inputs.integer("a")).toEqualTypeOf<number | undefined>();
    expectTypeOf(inputs.integer("a", { required: true })).toEqualTypeOf<number>();
    expectTypeOf(inputs.duration("d", { default: "1m", min: 0 })).toEqualTypeOf<number>();
    expectTypeOf(inputs.integer("a", { required: false })).toEqualTypeOf<number | undefined>();
    expectTypeOf(inputs.list("a")).toEqualTypeOf<string[]>();
    expectTypeOf(inputs.json<{ schema: number }>("a", { required: true })).toEqualTypeOf<{ schema: number }>();
    expectTypeOf(inputs.oneOf("s", ["rolling", "blue-green"], { required: true })).toEqualTypeOf<
      "rolling" | "blue-green"
    >();
    expectTypeOf(inputs.oneOf("s", ["rolling", "blue-green"])).toEqualTypeOf<"rolling" | "blue-green" | undefined>();
  });
});
