import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

export interface ActionInput {
  description?: string;
  required?: boolean;
  /** The default, as written in action.yml (may contain `${{ github.* }}`). */
  default?: string;
}

export interface ActionMetadata {
  /** Absolute path of the action's folder. */
  dir: string;
  name: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: {
    using: string;
    /** Absolute path of the main script. */
    main: string;
    /** Absolute path of the post script, when the action has one. */
    post?: string;
    /** The post step's condition; the runner's default is `always()`. */
    postIf: string;
  };
}

/** The Node runtime every action of the suite declares. */
export const NODE_RUNTIME = "node24";

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`);
}

export function readActionMetadata(dir: string): ActionMetadata {
  const file = ["action.yml", "action.yaml"].map((name) => path.join(dir, name)).find((f) => existsSync(f));
  if (!file) throw new Error(`${dir}: no action.yml`);
  const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown> | null;
  if (!doc || typeof doc !== "object") fail(file, "not a YAML mapping");
  const runs = doc.runs as Record<string, unknown> | undefined;
  if (!runs || typeof runs !== "object") fail(file, "no runs: section");
  if (runs.using !== NODE_RUNTIME) {
    fail(file, `runs.using is '${String(runs.using)}'; the suite's actions run on '${NODE_RUNTIME}'`);
  }
  if (typeof runs.main !== "string") fail(file, "runs.main is missing");
  if (runs.pre !== undefined) fail(file, "runs.pre is not supported by the harness");

  const inputs: Record<string, ActionInput> = {};
  for (const [name, raw] of Object.entries((doc.inputs ?? {}) as Record<string, Record<string, unknown> | null>)) {
    const input: ActionInput = {};
    if (raw && typeof raw.description === "string") input.description = raw.description;
    if (raw && raw.required !== undefined) input.required = raw.required === true || raw.required === "true";
    if (raw && raw.default !== undefined && raw.default !== null) input.default = String(raw.default);
    inputs[name] = input;
  }
  const outputs: ActionMetadata["outputs"] = {};
  for (const [name, raw] of Object.entries((doc.outputs ?? {}) as Record<string, Record<string, unknown> | null>)) {
    outputs[name] = raw && typeof raw.description === "string" ? { description: raw.description } : {};
  }

  const metadata: ActionMetadata = {
    dir,
    name: typeof doc.name === "string" ? doc.name : path.basename(dir),
    inputs,
    outputs,
    runs: {
      using: runs.using,
      main: path.resolve(dir, runs.main),
      postIf: typeof runs["post-if"] === "string" ? runs["post-if"] : "always()",
    },
  };
  if (typeof runs.post === "string") metadata.runs.post = path.resolve(dir, runs.post);
  return metadata;
}
