import { describe, expect, it } from "vitest";
import { DeployError } from "./errors.ts";
import { deployErrorFrom } from "./testing.ts";
import {
  parseBoolean,
  parseInteger,
  parseJson,
  parseKeyValues,
  parseList,
  parseOneOf,
  parsePercentage,
  validated,
} from "./values.ts";

const secret = { label: 'Input "s"', input: "s", secret: true };

describe("parseBoolean", () => {
  it.each(["true", "True", "TRUE", "yes", "Yes", "on", "ON", " true "])("reads %j as true", (text) => {
    expect(parseBoolean(text, "Flag")).toBe(true);
  });

  it.each(["false", "False", "FALSE", "no", "NO", "off", "Off"])("reads %j as false", (text) => {
    expect(parseBoolean(text, "Flag")).toBe(false);
  });

  it.each(["maybe", "1", "0", "y", "constructor", "toString", ""])("rejects %j", (text) => {
    expect(() => parseBoolean(text, "Flag")).toThrow(DeployError);
  });

  it("says how to write a boolean", () => {
    const error = deployErrorFrom(() => parseBoolean("maybe", 'Input "dry-run"'));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "dry-run" is not a boolean.',
      'Got "maybe".',
      "Write true or false.",
    ]);
  });
});

describe("parseInteger", () => {
  it.each([
    ["3", 3],
    ["-2", -2],
    ["+7", 7],
    ["007", 7],
    [" 42 ", 42],
  ])("reads %j as %i", (text, value) => {
    expect(parseInteger(text, "N")).toBe(value);
  });

  it.each(["3.5", "1e3", "three", "", "0x10", "99999999999999999999", "3 4"])("rejects %j", (text) => {
    expect(deployErrorFrom(() => parseInteger(text, "N")).what).toBe("N is not a whole number.");
  });

  it("says how to write a whole number", () => {
    const error = deployErrorFrom(() => parseInteger("3.5", 'Input "batch-size"'));
    expect(error.why).toBe('Got "3.5".');
    expect(error.fix).toBe('Write a whole number, like "3".');
  });

  it("checks bounds and words each kind of range", () => {
    expect(parseInteger("1", "N", { min: 1, max: 10 })).toBe(1);
    expect(parseInteger("10", "N", { min: 1, max: 10 })).toBe(10);
    const below = deployErrorFrom(() => parseInteger("0", 'Input "batch-size"', { min: 1, max: 10 }));
    expect([below.what, below.why, below.fix]).toEqual([
      'Input "batch-size" is out of range.',
      'Got "0".',
      "Write a whole number from 1 to 10.",
    ]);
    expect(deployErrorFrom(() => parseInteger("0", "N", { min: 1 })).fix).toBe("Write a whole number of at least 1.");
    expect(deployErrorFrom(() => parseInteger("11", "N", { max: 10 })).fix).toBe("Write a whole number of at most 10.");
  });
});

describe("parsePercentage", () => {
  it.each([
    ["0", 0],
    ["90", 90],
    ["90%", 90],
    ["100%", 100],
    [" 50% ", 50],
  ])("reads %j as %i", (text, value) => {
    expect(parsePercentage(text, "P")).toBe(value);
  });

  it.each(["ninety", "90%%", "%", "9.5%", "90 %", "-"])("rejects %j as not a percentage", (text) => {
    const error = deployErrorFrom(() => parsePercentage(text, 'Input "min-healthy"'));
    expect(error.what).toBe('Input "min-healthy" is not a percentage.');
    expect(error.why).toBe(`Got "${text.trim()}".`);
    expect(error.fix).toBe('Write a whole number followed by an optional %, like "90" or "90%".');
  });

  it("keeps to 0-100 by default, showing the value as written", () => {
    const error = deployErrorFrom(() => parsePercentage("101%", "P"));
    expect([error.what, error.why, error.fix]).toEqual([
      "P is out of range.",
      'Got "101%".',
      "Write a whole number from 0 to 100.",
    ]);
    expect(() => parsePercentage("-1", "P")).toThrow("Write a whole number from 0 to 100.");
  });

  it("takes other bounds, like AWS's max healthy percentage of 100-200", () => {
    expect(parsePercentage("150%", "P", { min: 100, max: 200 })).toBe(150);
    expect(deployErrorFrom(() => parsePercentage("90", "P", { min: 100, max: 200 })).fix).toBe(
      "Write a whole number from 100 to 200.",
    );
  });
});

describe("parseList", () => {
  it("splits on newlines and commas, trims and drops empties", () => {
    expect(parseList(" eu-west-1, us-east-1\n\n  ap-south-1 ,,\r\nsa-east-1\n", "L")).toEqual([
      "eu-west-1",
      "us-east-1",
      "ap-south-1",
      "sa-east-1",
    ]);
  });

  it("is empty for blank text", () => {
    expect(parseList(" \n , ", "L")).toEqual([]);
  });

  it("checks each item with the validator, naming the bad one", () => {
    const region = (item: string) =>
      /^[a-z]{2}-[a-z]+-\d$/.test(item) ? undefined : 'Write regions like "eu-west-1".';
    expect(parseList("eu-west-1,us-east-1", "L", region)).toEqual(["eu-west-1", "us-east-1"]);
    const error = deployErrorFrom(() => parseList("eu-west-1,europe", 'Input "regions"', region));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "regions" has an invalid item.',
      'Got "europe".',
      'Write regions like "eu-west-1".',
    ]);
  });

  it("hides items of a secret list", () => {
    const error = deployErrorFrom(() => parseList("ok,bad", secret, (item) => (item === "ok" ? undefined : "Fix it.")));
    expect(error.why).toBe('Got "***".');
  });
});

describe("parseKeyValues", () => {
  it("reads KEY=VALUE lines, skipping blanks and comments, keeping = in values", () => {
    const text = "# database\nDATABASE_URL = postgres://u@h/db?sslmode=require\n\n  LOG_LEVEL=debug\r\nEMPTY=\n_x1=y";
    expect(parseKeyValues(text, "KV")).toEqual({
      DATABASE_URL: "postgres://u@h/db?sslmode=require",
      LOG_LEVEL: "debug",
      EMPTY: "",
      _x1: "y",
    });
  });

  it("is empty for blank text or comments only", () => {
    expect(parseKeyValues("\n# nothing\n", "KV")).toEqual({});
  });

  it("keeps __proto__ as an ordinary key", () => {
    const values = parseKeyValues("__proto__=x", "KV");
    expect(Object.keys(values)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it("rejects a line without =", () => {
    const error = deployErrorFrom(() => parseKeyValues("A=1\nLOG_LEVEL debug", 'Input "env"'));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "env" has a line that is not KEY=VALUE.',
      'Got "LOG_LEVEL debug".',
      'Write one KEY=VALUE per line, like "LOG_LEVEL=debug".',
    ]);
  });

  it.each(["1A=x", "A-B=x", "=x", "A B=x", "É=x"])("rejects the key of %j", (line) => {
    const error = deployErrorFrom(() => parseKeyValues(line, 'Input "env"'));
    expect(error.what).toBe('Input "env" has an invalid key.');
    expect(error.why).toBe(`Got "${line}".`);
    expect(error.fix).toBe('Start a key with a letter or _, then use letters, digits and _ only, like "LOG_LEVEL".');
  });

  it("checks keys with `key` instead of as shell names when given one", () => {
    const key = (k: string) => (k.startsWith("aws:") ? 'Keys starting "aws:" are AWS\'s.' : undefined);
    expect(parseKeyValues("team:owner=shop\ncost-center=42", "Tags", { key })).toEqual({
      "team:owner": "shop",
      "cost-center": "42",
    });
    const error = deployErrorFrom(() => parseKeyValues("aws:x=1", 'Input "tags"', { key }));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "tags" has an invalid key.',
      'Got "aws:x=1".',
      'Keys starting "aws:" are AWS\'s.',
    ]);
  });

  it("rejects a key set twice, naming both lines", () => {
    const error = deployErrorFrom(() => parseKeyValues("A=1\n# c\nB=2\nA=3", 'Input "env"'));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "env" sets "A" twice, on lines 1 and 4.',
      'Got "A=3".',
      'Keep one line for "A".',
    ]);
  });

  it("hides the lines of a secret", () => {
    const error = deployErrorFrom(() => parseKeyValues("postgres://user:pw@host/db", secret));
    expect(error.message).not.toContain("pw@host");
  });
});

describe("parseJson", () => {
  it("parses any JSON value", () => {
    expect(parseJson(' {"a": [1, "b"]} ', "J")).toEqual({ a: [1, "b"] });
    expect(parseJson("3", "J")).toBe(3);
  });

  it("rejects invalid JSON with the parser's reason", () => {
    const error = deployErrorFrom(() => parseJson("{'a': 1}", 'Input "release"'));
    expect(error.what).toBe('Input "release" is not valid JSON.');
    expect(error.why).toMatch(/^Got "\{'a': 1\}"\. .*JSON.*\.$/);
    expect(error.fix).toBe(
      'Write valid JSON: double-quoted keys and strings, no trailing commas, like {"key": "value"}.',
    );
  });

  it("gives no parser reason for a secret, as it quotes the text", () => {
    const error = deployErrorFrom(() => parseJson("{hunter2", secret));
    expect(error.why).toBe('Got "***".');
    expect(error.message).not.toContain("hunter2");
  });

  it("applies the validator to the parsed value", () => {
    const hasSchema = (value: unknown) =>
      (value as { schema?: unknown })?.schema === 1 ? undefined : 'Pass a release record with "schema": 1.';
    expect(parseJson('{"schema": 1}', "J", hasSchema)).toEqual({ schema: 1 });
    const error = deployErrorFrom(() => parseJson('{"schema": 2}', 'Input "release"', hasSchema));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "release" is not valid.',
      'Got "{"schema": 2}".',
      'Pass a release record with "schema": 1.',
    ]);
  });
});

describe("parseOneOf", () => {
  it("returns an allowed value", () => {
    expect(parseOneOf(" blue-green ", "S", ["rolling", "blue-green"])).toBe("blue-green");
  });

  it("lists the allowed values, matching case exactly", () => {
    const error = deployErrorFrom(() => parseOneOf("Rolling", 'Input "strategy"', ["rolling", "blue-green"]));
    expect([error.what, error.why, error.fix]).toEqual([
      'Input "strategy" is not one of the allowed values.',
      'Got "Rolling".',
      'Write one of "rolling", "blue-green".',
    ]);
  });
});

describe("validated", () => {
  it("returns the value when the validator has nothing to say", () => {
    expect(validated("x", "x", { label: "V" }, () => undefined)).toBe("x");
    expect(validated("x", "x", { label: "V" }, undefined)).toBe("x");
  });

  it("fails with the validator's sentence as the fix", () => {
    const error = deployErrorFrom(() => validated("x", "x", { label: "V", input: "v" }, () => "Write y."));
    expect([error.what, error.why, error.fix, error.input]).toEqual(["V is not valid.", 'Got "x".', "Write y.", "v"]);
  });
});
