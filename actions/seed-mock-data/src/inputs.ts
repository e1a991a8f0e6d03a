import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DeployError, forInput, type Inputs, invalidInput, parseInteger, setSecret } from "@deploy/core";
import {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  DEFAULT_DENIED_ENVIRONMENTS,
  type GuardSettings,
  parseDatabaseUrl,
  parseSeedFile,
  passwordsIn,
  planSeed,
  type SeedPlan,
  type SeedSink,
} from "@deploy/mock-data";

/**
 * Every input of the step, read and checked before the database is connected to or a file
 * written. A bad value fails here, naming the input, the value and the fix; the guard
 * (environment, host, marker) runs next, in seed(), still before anything is written.
 */
export interface Settings {
  /** As given, relative to the repository, for messages and the summary. */
  seedFile: string;
  plan: SeedPlan;
  sink: SeedSink;
  guard: GuardSettings;
  /** undefined: auto. */
  workers: number | undefined;
}

/** The defaults action.yml declares (a unit test keeps the two in step). */
export const DEFAULTS = {
  "output-format": "ndjson",
  reset: "none",
  // The guard's own lists, so that the action and the package cannot drift apart.
  "allowed-environments": DEFAULT_ALLOWED_ENVIRONMENTS.join(", "),
  "denied-environments": DEFAULT_DENIED_ENVIRONMENTS.join(", "),
  "create-marker": "false",
  workers: "auto",
} as const;

const FORMATS = ["ndjson", "csv"] as const;
const RESETS = ["truncate", "none"] as const;
export const MAX_WORKERS = 16;
// GitHub's environment names: letters, digits, spaces, dots, dashes and underscores.
const ENVIRONMENT = /^[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]{0,253}[A-Za-z0-9_.-])?$/;
const HOST_PATTERN = /^[A-Za-z0-9*?._-]+$/;

export function readSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv = process.env,
  mask: (value: string) => void = setSecret,
): Settings {
  // First, so that the URL and its password are masked before anything can print them.
  const databaseUrl = readDatabaseUrl(inputs, mask);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const outputDirectory = readOutputDirectory(inputs, workspace);
  const outputFormat = inputs.oneOf("output-format", FORMATS, { default: DEFAULTS["output-format"] });
  const reset = inputs.oneOf("reset", RESETS, { default: DEFAULTS.reset });
  const createMarker = inputs.boolean("create-marker", { default: DEFAULTS["create-marker"] });
  const sink = chooseSink(databaseUrl, outputDirectory, outputFormat, reset, createMarker);

  const environment = readEnvironment(inputs);
  const allowedEnvironments = readEnvironments(inputs, "allowed-environments");
  const deniedEnvironments = readEnvironments(inputs, "denied-environments");
  if (allowedEnvironments.length === 0) {
    throw invalidInput(
      "allowed-environments",
      "",
      "allows no environment",
      `Leave "allowed-environments" out for the default (${DEFAULTS["allowed-environments"]}), or name the environments to seed.`,
    );
  }
  const deniedHosts = inputs.list("denied-hosts", {
    validate: (p) =>
      HOST_PATTERN.test(p)
        ? undefined
        : 'Write host or database name patterns with letters, digits, ".", "-", "_" and the wildcards * and ?, like "*.prod.example.com" or "*_production".',
  });
  const workers = readWorkers(inputs);
  const { seedFile, plan } = readSeedFile(inputs, workspace);
  return {
    seedFile,
    plan,
    sink,
    guard: { environment, allowedEnvironments, deniedEnvironments, deniedHosts, createMarker },
    workers,
  };
}

/**
 * The URL, masked whole and by its password (as written and URL-decoded, since a driver or
 * server message may quote either), then checked to name a PostgreSQL host and database.
 * Errors show it with the password as ***, or not at all when it is no URL.
 */
function readDatabaseUrl(inputs: Inputs, mask: (value: string) => void): string | undefined {
  const url = inputs.string("database-url", { secret: true });
  if (url === undefined) return undefined;
  const passwords = passwordsIn(url);
  for (const password of passwords) mask(password);
  try {
    parseDatabaseUrl(url);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    const shown = URL.canParse(url) && passwords.reduce((text, password) => text.replaceAll(password, "***"), url);
    throw new DeployError({
      what: error.what,
      why: shown ? `Got "${shown}".` : error.why,
      fix: `${error.fix} URL-encode the password (":" "@" "/" as %3A %40 %2F), keep the URL in a secret and pass it as database-url: \${{ secrets.STAGE_DATABASE_URL }}.`,
      input: "database-url",
      code: error.code,
    });
  }
  return url;
}

function readOutputDirectory(inputs: Inputs, workspace: string): string | undefined {
  const given = inputs.string("output-directory");
  if (given === undefined) return undefined;
  const directory = path.resolve(workspace, given);
  let isFile = false;
  try {
    isFile = !statSync(directory).isDirectory();
  } catch {
    // Missing: the files sink creates it.
  }
  if (isFile) {
    throw invalidInput(
      "output-directory",
      given,
      "is a file, not a folder",
      "Give a folder, relative to the repository's root, for the tables' files (it is created when missing).",
    );
  }
  return directory;
}

function chooseSink(
  databaseUrl: string | undefined,
  outputDirectory: string | undefined,
  outputFormat: (typeof FORMATS)[number],
  reset: (typeof RESETS)[number],
  createMarker: boolean,
): SeedSink {
  if (databaseUrl !== undefined && outputDirectory !== undefined) {
    throw invalidInput(
      "output-directory",
      outputDirectory,
      "is set together with database-url",
      'Set one of them: "database-url" to fill a database, or "output-directory" to write files.',
    );
  }
  if (databaseUrl !== undefined) {
    if (outputFormat !== DEFAULTS["output-format"]) {
      throw invalidInput(
        "output-format",
        outputFormat,
        "is for files, and database-url is set",
        'Leave "output-format" out when filling a database, or set "output-directory" instead of "database-url".',
      );
    }
    return { kind: "postgres", url: databaseUrl, reset };
  }
  if (outputDirectory === undefined) {
    throw invalidInput(
      "database-url",
      "",
      "is not set, and neither is output-directory",
      'Set "database-url" to the stage database (from a secret), or "output-directory" to write the tables as files.',
    );
  }
  if (reset !== DEFAULTS.reset) {
    throw invalidInput(
      "reset",
      reset,
      "is for a database, and output-directory is set",
      'Leave "reset" out when writing files: each run replaces the tables\' files.',
    );
  }
  if (createMarker) {
    throw invalidInput(
      "create-marker",
      "true",
      "is for a database, and output-directory is set",
      'Leave "create-marker" out when writing files: the marker is a table in the database.',
    );
  }
  return { kind: "files", directory: outputDirectory, format: outputFormat };
}

function readEnvironment(inputs: Inputs): string {
  const environment = inputs.string("environment");
  if (environment === undefined) {
    throw invalidInput(
      "environment",
      "",
      "is required: the action seeds only an environment it is told",
      'Set "environment" to the environment the job fills, like "stage" (the job\'s "environment:"); the database\'s marker must name the same.',
    );
  }
  if (!ENVIRONMENT.test(environment)) {
    throw invalidInput(
      "environment",
      environment,
      "is not an environment name",
      'Write an environment name with letters, digits, spaces, ".", "-" and "_", like "stage".',
    );
  }
  return environment;
}

function readEnvironments(inputs: Inputs, name: "allowed-environments" | "denied-environments"): string[] {
  return inputs.list(name, {
    default: DEFAULTS[name],
    validate: (e) =>
      ENVIRONMENT.test(e)
        ? undefined
        : 'Write environment names with letters, digits, spaces, ".", "-" and "_", separated by commas or newlines, like "stage, qa".',
  });
}

function readWorkers(inputs: Inputs): number | undefined {
  const text = inputs.string("workers", { default: DEFAULTS.workers });
  if (text === "auto") return undefined;
  if (!/^\d+$/.test(text)) {
    throw invalidInput(
      "workers",
      text,
      "is neither auto nor a number",
      `Write auto, or a whole number of worker threads from 1 to ${MAX_WORKERS}.`,
    );
  }
  return parseInteger(text, { label: 'Input "workers"', input: "workers" }, { min: 1, max: MAX_WORKERS });
}

/** The seed file read, parsed and planned: any error names "seed-file" and the path in the file. */
function readSeedFile(inputs: Inputs, workspace: string): { seedFile: string; plan: SeedPlan } {
  const seedFile = inputs.string("seed-file", { required: true });
  const absolute = path.resolve(workspace, seedFile);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalidInput(
      "seed-file",
      seedFile,
      code === "EISDIR" ? "is a folder, not a file" : "is not a file of the repository",
      'Give the seed file relative to the repository\'s root, like "seed/stage.yaml"; check out the repository first (actions/checkout).',
    );
  }
  const plan = forInput("seed-file", () => planSeed(parseSeedFile(text, seedFile)));
  return { seedFile, plan };
}
