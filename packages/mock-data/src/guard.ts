import { DeployError } from "@deploy/core";
import type { DatabaseTarget } from "./database-url.ts";

/**
 * The production guard. Seeding replaces data, so every check fails closed: anything not
 * positively known to be a test environment is refused, before anything is written.
 */
export interface GuardSettings {
  environment: string | undefined;
  /** Default DEFAULT_ALLOWED_ENVIRONMENTS. */
  allowedEnvironments: string[];
  /** Default DEFAULT_DENIED_ENVIRONMENTS; wins over allowed. */
  deniedEnvironments: string[];
  /** Glob patterns (`*`, `?`) matched against the database host and the database name. */
  deniedHosts: string[];
  /** Create the marker on a database that has none. */
  createMarker: boolean;
}

export const DEFAULT_ALLOWED_ENVIRONMENTS: string[] = ["stage", "staging", "test", "dev", "qa", "preview"];
export const DEFAULT_DENIED_ENVIRONMENTS: string[] = ["production", "prod", "prd", "live"];

/** The table that says which environment a database belongs to. */
export const MARKER_TABLE = "deploy_seed_marker";

/** The checks, in the order they run; a refusal names one, the summary lists those passed. */
export type GuardCheck = "environment" | "allowed-environments" | "denied-environments" | "denied-hosts" | "marker";

/** A refusal by the guard: a DeployError with code "SeedRefused" that names the check. */
export class SeedRefusedError extends DeployError {
  readonly check: GuardCheck;
  constructor(check: GuardCheck, details: { what: string; why: string; fix: string; input: string }) {
    super({ ...details, what: `Seeding refused (check "${check}"): ${details.what}`, code: "SeedRefused" });
    this.name = "SeedRefusedError";
    this.check = check;
  }
}

/**
 * The environment checks, for every sink: the environment is given, not denied, and
 * allowed. Returns it trimmed. Names compare case-insensitively, so "Production" is denied.
 */
export function checkEnvironment(settings: GuardSettings): string {
  const environment = settings.environment?.trim() ?? "";
  if (environment === "") {
    throw new SeedRefusedError("environment", {
      what: "no environment was given.",
      why: "Without one the step cannot tell stage from production, so it refuses.",
      fix: 'Set input "environment" to the environment this job deploys to, e.g. `environment: stage`.',
      input: "environment",
    });
  }
  if (includesName(settings.deniedEnvironments, environment)) {
    throw new SeedRefusedError("denied-environments", {
      what: `environment "${environment}" is denied.`,
      why: `Denied environments: ${settings.deniedEnvironments.join(", ")}. Mock data never goes there.`,
      fix: "Seed a stage or test environment instead. If this name is wrongly denied, set denied-environments.",
      input: "denied-environments",
    });
  }
  if (!includesName(settings.allowedEnvironments, environment)) {
    throw new SeedRefusedError("allowed-environments", {
      what: `environment "${environment}" is not an allowed environment.`,
      why: `Allowed environments: ${settings.allowedEnvironments.join(", ") || "(none)"}.`,
      fix: `If "${environment}" is a test environment, add it to allowed-environments.`,
      input: "allowed-environments",
    });
  }
  return environment;
}

/** Neither the database host nor its name may match a denied-hosts pattern. */
export function checkTarget(settings: GuardSettings, target: Pick<DatabaseTarget, "host" | "database">): void {
  for (const [what, value] of [
    ["host", target.host],
    ["database name", target.database],
  ] as const) {
    const pattern = settings.deniedHosts.find((p) => globMatch(p, value));
    if (pattern === undefined) continue;
    throw new SeedRefusedError("denied-hosts", {
      what: `the database ${what} "${value}" matches the denied pattern "${pattern}".`,
      why: `Denied hosts: ${settings.deniedHosts.join(", ")}.`,
      fix: "Point database-url at the stage database. If this one is wrongly denied, change denied-hosts.",
      input: "denied-hosts",
    });
  }
}

/**
 * What the marker table holds decides: the environment's own marker passes; a marker of
 * another environment refuses even with create-marker (that is the database of someone
 * else); no marker refuses unless create-marker asks for one. `markers` is undefined when
 * the table does not exist.
 */
export function markerDecision(
  settings: GuardSettings,
  environment: string,
  markers: string[] | undefined,
): "pass" | "create" {
  const others = (markers ?? []).filter((name) => !sameName(name, environment));
  if (others.length > 0) {
    throw new SeedRefusedError("marker", {
      what: `the database is marked for environment "${others.join('", "')}", not "${environment}".`,
      why: `Its ${MARKER_TABLE} table names ${others.length === 1 ? "that environment" : "those environments"}.`,
      fix: "Point database-url at the database of this environment, or pass the environment the database is marked for. create-marker never replaces another environment's marker.",
      input: "environment",
    });
  }
  if (markers?.some((name) => sameName(name, environment))) return "pass";
  if (settings.createMarker) return "create";
  throw new SeedRefusedError("marker", {
    what: `the database has no marker for environment "${environment}".`,
    why:
      markers === undefined
        ? `It has no ${MARKER_TABLE} table, so nothing says it is a ${environment} database.`
        : `Its ${MARKER_TABLE} table is empty.`,
    fix: `If this is the ${environment} database, run the step once with create-marker: true; it then marks the database for "${environment}".`,
    input: "create-marker",
  });
}

/** `*` matches any run of characters, `?` any one; case-insensitive, as host names are. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`));
  return new RegExp(`^${source}$`, "is").test(value);
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function includesName(names: string[], name: string): boolean {
  return names.some((n) => sameName(n, name));
}
