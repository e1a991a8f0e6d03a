import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import {
  checkEnvironment,
  checkTarget,
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardSettings,
  globMatch,
  markerDecision,
  SeedRefusedError,
} from "./guard.ts";

const settings = (overrides: Partial<GuardSettings> = {}): GuardSettings => ({
  environment: "stage",
  allowedEnvironments: DEFAULT_ALLOWED_ENVIRONMENTS,
  deniedEnvironments: DEFAULT_DENIED_ENVIRONMENTS,
  deniedHosts: ["*prod*", "db.example.com"],
  createMarker: false,
  ...overrides,
});

function refusal(fn: () => unknown): SeedRefusedError {
  const error = deployErrorFrom(fn);
  expect(error).toBeInstanceOf(SeedRefusedError);
  expect(error.code).toBe("SeedRefused");
  return error as SeedRefusedError;
}

describe("checkEnvironment", () => {
  it("passes an allowed environment, trimmed, in any case", () => {
    expect(checkEnvironment(settings({ environment: " Staging " }))).toBe("Staging");
  });

  it.each([undefined, "", "  "])("refuses when no environment is given (%j)", (environment) => {
    const error = refusal(() => checkEnvironment(settings({ environment })));
    expect(error.check).toBe("environment");
    expect(error.fix).toContain('input "environment"');
  });

  it.each(["production", "PROD", "prd", "Live"])("refuses the denied environment %s", (environment) => {
    const error = refusal(() => checkEnvironment(settings({ environment })));
    expect(error.check).toBe("denied-environments");
    expect(error.what).toContain(environment);
  });

  it("lets denied win over allowed", () => {
    const error = refusal(() =>
      checkEnvironment(settings({ environment: "prod", allowedEnvironments: ["stage", "prod"] })),
    );
    expect(error.check).toBe("denied-environments");
  });

  it("refuses an environment that is not allowed and says how to allow it", () => {
    const error = refusal(() => checkEnvironment(settings({ environment: "demo" })));
    expect(error.check).toBe("allowed-environments");
    expect(error.fix).toContain("allowed-environments");
  });
});

describe("checkTarget", () => {
  it("passes a host and database that match no pattern", () => {
    expect(() => checkTarget(settings(), { host: "stage-db.internal", database: "shop" })).not.toThrow();
  });

  it("refuses a host that matches a pattern, naming both", () => {
    const error = refusal(() => checkTarget(settings(), { host: "shop-PROD-1.rds.amazonaws.com", database: "shop" }));
    expect(error.check).toBe("denied-hosts");
    expect(error.what).toContain("shop-PROD-1.rds.amazonaws.com");
    expect(error.what).toContain("*prod*");
  });

  it("refuses a database name that matches a pattern", () => {
    const error = refusal(() => checkTarget(settings(), { host: "127.0.0.1", database: "shop_production" }));
    expect(error.what).toContain("database name");
  });

  it("matches a plain pattern exactly, not as a substring", () => {
    expect(() => checkTarget(settings(), { host: "db.example.com.stage", database: "x" })).not.toThrow();
    expect(refusal(() => checkTarget(settings(), { host: "DB.example.com", database: "x" })).check).toBe(
      "denied-hosts",
    );
  });
});

describe("globMatch", () => {
  it("reads * and ? as wildcards and everything else literally", () => {
    expect(globMatch("db-?.example.com", "db-1.example.com")).toBe(true);
    expect(globMatch("db-?.example.com", "db-12.example.com")).toBe(false);
    expect(globMatch("db.example.com", "dbxexample.com")).toBe(false);
    expect(globMatch("(a+)", "(a+)")).toBe(true);
  });
});

describe("markerDecision", () => {
  it("passes the environment's own marker, in any case", () => {
    expect(markerDecision(settings(), "stage", ["Stage"])).toBe("pass");
  });

  it("refuses a database without marker, telling to use create-marker", () => {
    const error = refusal(() => markerDecision(settings(), "stage", undefined));
    expect(error.check).toBe("marker");
    expect(error.fix).toContain("create-marker: true");
  });

  it("refuses an empty marker table the same way", () => {
    expect(refusal(() => markerDecision(settings(), "stage", [])).why).toContain("empty");
  });

  it("creates a marker only when asked and there is none", () => {
    expect(markerDecision(settings({ createMarker: true }), "stage", undefined)).toBe("create");
    expect(markerDecision(settings({ createMarker: true }), "stage", [])).toBe("create");
  });

  it("refuses another environment's marker, even with create-marker", () => {
    for (const createMarker of [false, true]) {
      const error = refusal(() => markerDecision(settings({ createMarker }), "stage", ["production"]));
      expect(error.check).toBe("marker");
      expect(error.what).toContain('"production"');
    }
  });

  it("refuses a database marked for its environment and another one too", () => {
    expect(refusal(() => markerDecision(settings(), "stage", ["stage", "qa"])).what).toContain('"qa"');
  });
});
