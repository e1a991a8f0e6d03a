// Static checks of the workflows (.github/workflows and workflows-examples): the suite's
// actions and reusable workflows are called with what they declare, reusable workflows hold
// nothing environment-specific, the suite is named one way at one ref, every job declares
// its permissions, and nothing cancels a deployment in progress. Each check returns findings
// (plain sentences naming the file and the place), empty when all is well, so that the tests
// can plant a mistake and see it found.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { readActionMetadata } from "../harness/action-metadata.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How workflows name the suite: `deploy-actions/deploy/actions/<name>@v1` (see docs/setup.md). */
export const SUITE_REPOSITORY = "deploy-actions/deploy";
export const SUITE_REF = "v1";
/** The reusable workflows, the ones that must hold nothing environment-specific. */
export const REUSABLE = [".github/workflows/deploy.yml", ".github/workflows/promote.yml"];
export const EXAMPLES_DIR = "workflows-examples";

type Map = Record<string, unknown>;

export interface Workflow {
  /** Relative to the repository's root. */
  file: string;
  text: string;
  doc: Map;
}

export function loadWorkflow(file: string, text = readFileSync(path.join(ROOT, file), "utf8")): Workflow {
  const doc = parse(text) as Map | null;
  if (!doc || typeof doc !== "object") throw new Error(`${file}: not a YAML mapping`);
  return { file, text, doc };
}

/** Every workflow of .github/workflows and workflows-examples (relative paths, sorted). */
export function workflowFiles(): string[] {
  return [".github/workflows", EXAMPLES_DIR]
    .flatMap((dir) =>
      existsSync(path.join(ROOT, dir))
        ? readdirSync(path.join(ROOT, dir))
            .filter((name) => /\.ya?ml$/.test(name))
            .map((name) => `${dir}/${name}`)
        : [],
    )
    .sort();
}

const asMap = (value: unknown): Map =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Map) : {};

function jobsOf(workflow: Workflow): [string, Map][] {
  return Object.entries(asMap(workflow.doc.jobs)).map(([id, job]) => [id, asMap(job)]);
}

function stepsOf(job: Map): Map[] {
  return Array.isArray(job.steps) ? job.steps.map(asMap) : [];
}

function needsOf(job: Map): string[] {
  if (typeof job.needs === "string") return [job.needs];
  return Array.isArray(job.needs) ? job.needs.map(String) : [];
}

/** `on:` as a map (YAML may parse the key `on` as it is; a string or list `on:` has no inputs). */
function triggers(workflow: Workflow): Map {
  return asMap(workflow.doc.on ?? workflow.doc.true);
}

/** The expressions in a value: each `${{ ... }}`; an `if:` is an expression as a whole. */
export function expressions(value: unknown, isCondition = false): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "object") {
    return Object.values(value as Map).flatMap((v) => expressions(v));
  }
  const text = String(value);
  const found = [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => (m[1] ?? "").trim());
  if (isCondition && found.length === 0 && text.trim() !== "") return [text.trim()];
  return found;
}

const OUTPUT_REF = /\b(steps|needs|jobs)\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g;
const INPUT_REF = /\binputs\.([A-Za-z_][\w-]*)/g;
const SECRET_REF = /\bsecrets\.([A-Za-z_][\w-]*)/g;

/** What a `uses:` names, when it is the suite: an action or a reusable workflow. */
export type SuiteReference =
  | { kind: "action"; name: string; repository: string; ref: string }
  | { kind: "workflow"; file: string; repository?: string; ref?: string };

export function suiteReference(uses: string): SuiteReference | undefined {
  const action = /^([\w.-]+\/[\w.-]+)\/actions\/([\w-]+)@(\S+)$/.exec(uses);
  if (action && existsSync(path.join(ROOT, "actions", action[2] ?? "", "action.yml"))) {
    return { kind: "action", repository: action[1] ?? "", name: action[2] ?? "", ref: action[3] ?? "" };
  }
  const local = /^\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)$/.exec(uses);
  if (local) return { kind: "workflow", file: local[1] ?? "" };
  const remote = /^([\w.-]+\/[\w.-]+)\/(\.github\/workflows\/[\w.-]+\.ya?ml)@(\S+)$/.exec(uses);
  if (remote && existsSync(path.join(ROOT, remote[2] ?? ""))) {
    return { kind: "workflow", repository: remote[1] ?? "", file: remote[2] ?? "", ref: remote[3] ?? "" };
  }
  return undefined;
}

interface Interface {
  inputs: Record<string, { required: boolean }>;
  outputs: Set<string>;
  secrets?: Set<string>;
}

function actionInterface(name: string): Interface {
  const meta = readActionMetadata(path.join(ROOT, "actions", name));
  return {
    inputs: Object.fromEntries(
      Object.entries(meta.inputs).map(([k, v]) => [k, { required: v.required === true && v.default === undefined }]),
    ),
    outputs: new Set(Object.keys(meta.outputs)),
  };
}

function workflowInterface(workflow: Workflow): Interface {
  const call = asMap(triggers(workflow).workflow_call);
  return {
    inputs: Object.fromEntries(
      Object.entries(asMap(call.inputs)).map(([k, v]) => {
        const input = asMap(v);
        return [k, { required: input.required === true && input.default === undefined }];
      }),
    ),
    outputs: new Set(Object.keys(asMap(call.outputs))),
    secrets: new Set(Object.keys(asMap(call.secrets))),
  };
}

/** The inputs a workflow declares, for `inputs.<name>` (workflow_call and workflow_dispatch). */
function declaredInputs(workflow: Workflow): Set<string> {
  const on = triggers(workflow);
  return new Set([
    ...Object.keys(asMap(asMap(on.workflow_call).inputs)),
    ...Object.keys(asMap(asMap(on.workflow_dispatch).inputs)),
  ]);
}

/**
 * (a) Every step that uses one of the suite's actions, and every job that calls one of its
 * reusable workflows, passes only declared inputs and sets every required one; every
 * `steps.<id>.outputs.<name>`, `needs.<job>.outputs.<name>` and `jobs.<job>.outputs.<name>`
 * names a step, job and output that exist and are declared; every `inputs.<name>` is an
 * input of the workflow, and in a reusable workflow every `secrets.<NAME>` is declared.
 * `load` reads another workflow of the repository (a reusable one called by this one).
 */
export function interfaceFindings(workflow: Workflow, load: (file: string) => Workflow = loadWorkflow): string[] {
  const findings: string[] = [];
  const where = (job: string, step?: Map, index?: number) =>
    `${workflow.file}: job ${job}${step ? `, step ${String(step.id ?? step.name ?? step.uses ?? `#${(index ?? 0) + 1}`)}` : ""}`;

  const calledInterface = (uses: unknown): Interface | undefined => {
    const ref = typeof uses === "string" ? suiteReference(uses) : undefined;
    if (!ref) return undefined;
    return ref.kind === "action" ? actionInterface(ref.name) : workflowInterface(load(ref.file));
  };

  const checkWith = (place: string, iface: Interface, given: Map, what: string) => {
    for (const name of Object.keys(given)) {
      if (!(name in iface.inputs)) findings.push(`${place}: passes ${name}, which ${what} does not declare`);
    }
    for (const [name, input] of Object.entries(iface.inputs)) {
      if (input.required && !(name in given)) findings.push(`${place}: does not set ${name}, which ${what} requires`);
    }
  };

  const jobs = new Map(jobsOf(workflow));
  const jobOutputs = (id: string): Set<string> | undefined => {
    const job = jobs.get(id);
    if (!job) return undefined;
    if (typeof job.uses === "string")
      return calledInterface(job.uses)?.outputs ?? new Set(Object.keys(asMap(job.outputs)));
    return new Set(Object.keys(asMap(job.outputs)));
  };
  const inputs = declaredInputs(workflow);
  const secrets = workflowInterface(workflow).secrets ?? new Set<string>();
  const reusable = "workflow_call" in triggers(workflow);

  const checkExpressions = (place: string, exprs: string[], jobId: string, stepsBefore: Map[]) => {
    const job = jobs.get(jobId) ?? {};
    for (const expr of exprs) {
      for (const [, scope, name, output] of expr.matchAll(OUTPUT_REF)) {
        if (scope === "steps") {
          const step = stepsBefore.find((s) => s.id === name);
          if (!step) {
            findings.push(`${place}: reads steps.${name}.outputs.${output}, but no earlier step has id ${name}`);
            continue;
          }
          const iface = calledInterface(step.uses);
          if (iface && !iface.outputs.has(output ?? "")) {
            findings.push(
              `${place}: reads steps.${name}.outputs.${output}, which ${String(step.uses)} does not declare`,
            );
          }
        } else {
          // needs.<job> from a job or step; jobs.<job> in on.workflow_call.outputs.
          if (scope === "needs" && !needsOf(job).includes(name ?? "")) {
            findings.push(`${place}: reads needs.${name}.outputs.${output}, but job ${jobId} does not need ${name}`);
            continue;
          }
          const outputs = jobOutputs(name ?? "");
          if (!outputs)
            findings.push(`${place}: reads ${scope}.${name}.outputs.${output}, but there is no job ${name}`);
          else if (!outputs.has(output ?? "")) {
            findings.push(`${place}: reads ${scope}.${name}.outputs.${output}, which job ${name} does not declare`);
          }
        }
      }
      for (const [, name] of expr.matchAll(INPUT_REF)) {
        if (!inputs.has(name ?? ""))
          findings.push(`${place}: reads inputs.${name}, which the workflow does not declare`);
      }
      if (reusable) {
        for (const [, name] of expr.matchAll(SECRET_REF)) {
          if (name !== "GITHUB_TOKEN" && !secrets.has(name ?? "")) {
            findings.push(`${place}: reads secrets.${name}, which on.workflow_call.secrets does not declare`);
          }
        }
      }
    }
  };

  for (const [jobId, job] of jobs) {
    const jobExprs = [
      ...expressions(job.if, true),
      ...expressions(job.outputs),
      ...expressions(job.environment),
      ...expressions(job.env),
      ...expressions(job.with),
      ...expressions(job.secrets),
      ...expressions(job.concurrency),
    ];
    const steps = stepsOf(job);
    // Job outputs may read any step of the job.
    checkExpressions(where(jobId), jobExprs, jobId, steps);
    if (typeof job.uses === "string") {
      const iface = calledInterface(job.uses);
      if (iface) {
        checkWith(where(jobId), iface, asMap(job.with), job.uses);
        if (job.secrets !== "inherit") {
          for (const name of Object.keys(asMap(job.secrets))) {
            if (!iface.secrets?.has(name))
              findings.push(`${where(jobId)}: passes secret ${name}, which ${job.uses} does not declare`);
          }
        }
      }
    }
    steps.forEach((step, index) => {
      const place = where(jobId, step, index);
      const exprs = [
        ...expressions(step.if, true),
        ...expressions(step.with),
        ...expressions(step.env),
        ...expressions(step.run),
      ];
      checkExpressions(place, exprs, jobId, steps.slice(0, index));
      const iface = calledInterface(step.uses);
      if (iface) checkWith(place, iface, asMap(step.with), String(step.uses));
    });
  }
  for (const [name, output] of Object.entries(asMap(asMap(triggers(workflow).workflow_call).outputs))) {
    checkExpressions(`${workflow.file}: output ${name}`, expressions(asMap(output).value), "", []);
  }
  return findings;
}

/** Hosts a reusable workflow may link to: documentation, nothing deployed. */
const DOC_HOSTS = ["docs.github.com", "docs.aws.amazon.com", "github.com/deploy-actions/deploy"];

const LITERALS: { what: string; pattern: RegExp }[] = [
  { what: "an AWS account id", pattern: /(?<![\w-])\d{12}(?![\w-])/g },
  { what: "an ARN", pattern: /\barn:aws[\w-]*:[^\s"']*/g },
  {
    what: "a region",
    pattern:
      /\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-|iso-|isob-)?(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b/g,
  },
  { what: "an AMI id", pattern: /\bami-[0-9a-f]{8,17}\b/g },
  { what: "a subnet, security group or VPC id", pattern: /\b(?:subnet|sg|vpc)-[0-9a-f]{8,17}\b/g },
  // Lower case, as group names are written; ASG_NAME, the variable, is what a workflow should say.
  {
    what: "an Auto Scaling group-like name",
    pattern:
      /\b[a-z0-9][a-z0-9.-]*-asg\b|\basg-[a-z0-9][a-z0-9.-]*|\b[a-z0-9]+(?:-[a-z0-9]+)*-(?:stage|staging|prod|production)(?:-[a-z0-9]+)*\b/g,
  },
  { what: "a registry host", pattern: /\b[\w-]+\.dkr\.ecr\.[\w-]+\.amazonaws\.com\b|\bghcr\.io\/[\w.-]+/g },
  { what: "a URL", pattern: /\bhttps?:\/\/[^\s"'`)>]+/g },
];

/**
 * (b) Literals in a reusable workflow that belong to one environment: account ids, ARNs,
 * region names, AMI/subnet/security group ids, Auto Scaling group-like names, registry
 * hosts, URLs (other than to documentation). Comments count: a value there gets copied.
 * Environment-specific inputs of the suite's actions must also be expressions, never literals.
 */
export function literalFindings(workflow: Workflow): string[] {
  const findings: string[] = [];
  const lines = workflow.text.split("\n");
  lines.forEach((line, index) => {
    for (const { what, pattern } of LITERALS) {
      for (const match of line.matchAll(pattern)) {
        const value = match[0];
        if (what === "a URL" && DOC_HOSTS.some((host) => value.replace(/^https?:\/\//, "").startsWith(host))) continue;
        findings.push(`${workflow.file}:${index + 1}: ${what}, ${value}: take it from vars, secrets or inputs`);
      }
    }
  });
  const ENV_INPUTS = new Set([
    "auto-scaling-group",
    "region",
    "regions",
    "copy-to-regions",
    "target-account",
    "share-with-accounts",
    "subnet-id",
    "security-group-ids",
    "iam-instance-profile",
    "base-ami",
    "image",
    "ami-id",
    "target-group",
    "source-group",
    "source-region",
    "environment-url",
    "database-url",
    "kms-key-id",
  ]);
  for (const [jobId, job] of jobsOf(workflow)) {
    stepsOf(job).forEach((step, index) => {
      if (typeof step.uses !== "string" || suiteReference(step.uses)?.kind !== "action") return;
      for (const [name, value] of Object.entries(asMap(step.with))) {
        if (ENV_INPUTS.has(name) && !/^\s*\$\{\{[\s\S]*\}\}\s*$/.test(String(value))) {
          findings.push(
            `${workflow.file}: job ${jobId}, step ${String(step.id ?? index + 1)}: ${name} is the literal ${JSON.stringify(value)}: take it from vars, secrets or inputs`,
          );
        }
      }
    });
  }
  return findings;
}

/**
 * (c) Every suite reference names the suite one way: actions as
 * `deploy-actions/deploy/actions/<name>@v1` (never `./actions/<name>`, which resolves in the
 * caller's checkout), reusable workflows of this repository by `./` (same commit) or by the
 * same repository and ref.
 */
export function referenceFindings(workflow: Workflow): string[] {
  const findings: string[] = [];
  const seen = new Set<string>();
  const check = (place: string, uses: unknown) => {
    if (typeof uses !== "string") return;
    if (/^\.\/actions\//.test(uses)) {
      findings.push(
        `${place}: ${uses} resolves in the caller's checkout; name ${SUITE_REPOSITORY}/${uses.slice(2)}@${SUITE_REF}`,
      );
      return;
    }
    const named = /^([\w.-]+\/[\w.-]+)\/(actions\/[\w-]+|\.github\/workflows\/[\w.-]+)@(\S+)$/.exec(uses);
    const suiteLike =
      named &&
      (named[1] === SUITE_REPOSITORY ||
        existsSync(path.join(ROOT, named[2] ?? "", named[2]?.startsWith("actions/") ? "action.yml" : "")));
    if (!named || !suiteLike) return;
    seen.add(`${named[1]}@${named[3]}`);
    if (named[1] !== SUITE_REPOSITORY || named[3] !== SUITE_REF) {
      findings.push(
        `${place}: ${uses} is not ${SUITE_REPOSITORY}/${named[2]}@${SUITE_REF}, how the suite names itself`,
      );
    }
  };
  for (const [jobId, job] of jobsOf(workflow)) {
    check(`${workflow.file}: job ${jobId}`, job.uses);
    if (typeof job.uses === "string" && job.uses.startsWith("./") && !existsSync(path.join(ROOT, job.uses))) {
      findings.push(`${workflow.file}: job ${jobId}: ${job.uses} does not exist`);
    }
    stepsOf(job).forEach((step, index) => {
      check(`${workflow.file}: job ${jobId}, step ${String(step.id ?? index + 1)}`, step.uses);
    });
  }
  if (seen.size > 1)
    findings.push(`${workflow.file}: the suite is named at more than one repository or ref: ${[...seen].join(", ")}`);
  return findings;
}

/**
 * (d) Every job declares `permissions` (and a job with steps, `timeout-minutes`); no
 * concurrency group, the workflow's or a job's, cancels a run in progress.
 */
export function safetyFindings(workflow: Workflow): string[] {
  const findings: string[] = [];
  const checkConcurrency = (place: string, concurrency: unknown) => {
    if (concurrency === undefined) return;
    const cancel = asMap(concurrency)["cancel-in-progress"];
    if (typeof concurrency === "string" || cancel !== false) {
      findings.push(
        `${place}: concurrency must set cancel-in-progress: false (a cancelled deployment rolls back half-way)`,
      );
    }
  };
  checkConcurrency(`${workflow.file}`, workflow.doc.concurrency);
  for (const [jobId, job] of jobsOf(workflow)) {
    if (job.permissions === undefined) findings.push(`${workflow.file}: job ${jobId} declares no permissions`);
    if (job.permissions === "write-all") findings.push(`${workflow.file}: job ${jobId} asks for write-all`);
    if (job.steps !== undefined && job["timeout-minutes"] === undefined) {
      findings.push(`${workflow.file}: job ${jobId} has no timeout-minutes`);
    }
    checkConcurrency(`${workflow.file}: job ${jobId}`, job.concurrency);
  }
  return findings;
}
