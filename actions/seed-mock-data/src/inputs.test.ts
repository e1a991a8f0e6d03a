import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInputs, type DeployError } from "@deploy/core";
import { deployErrorFrom } from "@deploy/core/testing";
import { DEFAULT_ALLOWED_ENVIRONMENTS, DEFAULT_DENIED_ENVIRONMENTS } from "@deploy/mock-data";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  BAD_INPUTS,
  BASE,
  DATABASE_URL,
  ENCODED_PASSWORD,
  FILES,
  PASSWORD,
  writeWorkspace,
} from "../test/bad-inputs.ts";
import { DEFAULTS, readSettings } from "./inputs.ts";

const workspace = mkdtempSync(path.join(os.tmpdir(), "seed-mock-data-inputs-"));
writeWorkspace(workspace);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
const ENV = { GITHUB_WORKSPACE: workspace };

/** readSettings over `values` and action.yml's defaults, and the values it masked. */
function read(values: Record<string, string>) {
  const masked: string[] = [];
  const mask = (value: string) => masked.push(value);
  const inputs = createInputs((name) => ({ ...DEFAULTS, ...values })[name], mask);
  return { read: () => readSettings(inputs, ENV, mask), masked };
}

function settings(values: Record<string, string>) {
  const reader = read(values);
  return { settings: reader.read(), masked: reader.masked };
}

function failure(values: Record<string, string>): { error: DeployError; masked: string[] } {
  const reader = read(values);
  return { error: deployErrorFrom(reader.read), masked: reader.masked };
}

const GUARD_DEFAULTS = {
  allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
  deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
  deniedHosts: [],
  createMarker: false,
};

describe("readSettings", () => {
  it("reads a database seed with the defaults action.yml declares", () => {
    const { settings: s } = settings(BASE);
    expect(s.seedFile).toBe("seed/small.yaml");
    expect(s.sink).toEqual({ kind: "postgres", url: DATABASE_URL, reset: "none" });
    expect(s.guard).toEqual({ environment: "stage", ...GUARD_DEFAULTS });
    expect(s.workers).toBeUndefined();
    expect(s.plan.seed.seed).toBe(42);
    expect(s.plan.tables.map((t) => t.name)).toEqual(["users", "orders"]);
  });

  it("reads every input", () => {
    const { settings: s } = settings({
      ...FILES,
      environment: "qa-eu",
      "output-directory": "out/seed",
      "output-format": "csv",
      "allowed-environments": "qa-eu\npreview",
      "denied-environments": "production, prod, qa-us",
      "denied-hosts": "*.prod.example.com, *_production",
      workers: "2",
    });
    expect(s.sink).toEqual({ kind: "files", directory: path.join(workspace, "out", "seed"), format: "csv" });
    expect(s.guard).toEqual({
      environment: "qa-eu",
      allowedEnvironments: ["qa-eu", "preview"],
      deniedEnvironments: ["production", "prod", "qa-us"],
      deniedHosts: ["*.prod.example.com", "*_production"],
      createMarker: false,
    });
    expect(s.workers).toBe(2);
  });

  it("reads reset and create-marker for a database", () => {
    const { settings: s } = settings({ ...BASE, reset: "truncate", "create-marker": "true", workers: "1" });
    expect(s.sink).toEqual({ kind: "postgres", url: DATABASE_URL, reset: "truncate" });
    expect(s.guard.createMarker).toBe(true);
    expect(s.workers).toBe(1);
  });

  it("has the defaults action.yml declares, and the guard's own defaults", () => {
    const action = parse(readFileSync(new URL("../action.yml", import.meta.url), "utf8")) as {
      inputs: Record<string, { default?: string; required?: boolean }>;
    };
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, input.default]],
      ),
    );
    expect(declared).toEqual(DEFAULTS);
    expect(action.inputs.environment?.default).toBeUndefined();
    const { settings: s } = settings(BASE);
    expect(s.guard.allowedEnvironments).toEqual(DEFAULT_ALLOWED_ENVIRONMENTS);
    expect(s.guard.deniedEnvironments).toEqual(DEFAULT_DENIED_ENVIRONMENTS);
  });

  describe("database-url", () => {
    it("is masked whole, and its password as written and decoded", () => {
      const { masked } = settings(BASE);
      expect(masked).toContain(DATABASE_URL);
      expect(masked).toContain(ENCODED_PASSWORD);
      expect(masked).toContain(PASSWORD);
    });

    it("is masked by its password before it is checked", () => {
      const { error, masked } = failure({
        ...BASE,
        "database-url": `mysql://app:${ENCODED_PASSWORD}@db.example.com/shop`,
      });
      expect(masked).toContain(PASSWORD);
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain(ENCODED_PASSWORD);
      expect(error.why).toBe('Got "mysql://app:***@db.example.com/shop".');
    });

    it("shows nothing of a URL that does not parse", () => {
      const { error, masked } = failure({ ...BASE, "database-url": "postgres://app:hunter22@db:notaport/shop" });
      expect(error.input).toBe("database-url");
      expect(error.message).not.toContain("hunter22");
      expect(masked).toContain("hunter22");
    });
  });

  describe("bad inputs", () => {
    it("has at least 15 cases, each with its own name", () => {
      expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(15);
      expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBe(BAD_INPUTS.length);
    });

    it.for(BAD_INPUTS)("$name: fails naming $input, the value and the fix", ({ values, input, got }) => {
      const { error } = failure(values);
      expect(error.input).toBe(input);
      expect(error.message).toContain(`"${input}"`);
      if (got !== undefined) expect(error.message).toContain(got);
      expect(error.fix).toBeTruthy();
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain(ENCODED_PASSWORD);
    });
  });
});
