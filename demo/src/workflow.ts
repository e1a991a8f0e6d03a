// A small workflow runner for the rehearsal: reads a workflow file, orders its jobs by
// `needs`, evaluates `if:`, `with:`, `env:`, `outputs:` and `environment:` the way the
// runner does (test/harness/conditions.ts), calls reusable workflows, and hands each step
// that uses one of the suite's own actions to a callback (the demo runs the bundle there).
// Steps of other actions and shell steps are reported as not rehearsed, with why.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  type ExpressionValue,
  evaluateCondition,
  interpolate,
  type StatusFlags,
  stringify,
} from "@deploy/test/harness";
import { parse } from "yaml";

/** How the reusable workflows name the suite's actions: `deploy-actions/deploy/actions/<name>@<ref>`. */
export const SUITE_ACTION = /^deploy-actions\/deploy\/actions\/([\w-]+)@(\S+)$/;
/** A reusable workflow of this repository, by the suite's name or relative to the caller. */
export const SUITE_WORKFLOW = /^(?:deploy-actions\/deploy\/|\.\/)(\.github\/workflows\/[\w.-]+\.ya?ml)(?:@(\S+))?$/;

export interface WorkflowInput {
  type?: string;
  default?: unknown;
  required?: boolean;
}

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with: Record<string, string>;
  env: Record<string, string>;
}

export interface Job {
  id: string;
  name?: string;
  needs: string[];
  if?: string;
  /** `environment:` as written (a name, or `{name, url}`). */
  environment?: string;
  environmentUrl?: string;
  permissions?: unknown;
  concurrency?: unknown;
  env: Record<string, string>;
  outputs: Record<string, string>;
  steps: Step[];
  /** A call of a reusable workflow. */
  uses?: string;
  with: Record<string, string>;
  secrets?: "inherit" | Record<string, string>;
}

export interface Workflow {
  file: string;
  name: string;
  inputs: Record<string, WorkflowInput>;
  outputs: Record<string, string>;
  env: Record<string, string>;
  /** In the order they run: by `needs`, file order among those ready together. */
  jobs: Job[];
}

const text = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, text(x)]));

export function readWorkflow(file: string): Workflow {
  const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const on = (doc.on ?? doc.true ?? {}) as Record<string, Record<string, unknown> | null>;
  // A reusable workflow's inputs, or a caller's own (workflow_dispatch).
  const call = on.workflow_call ?? {};
  const dispatch = on.workflow_dispatch ?? {};
  const jobs = Object.entries((doc.jobs ?? {}) as Record<string, Record<string, unknown>>).map(([id, raw]): Job => {
    const environment = raw.environment as string | { name?: string; url?: string } | undefined;
    return {
      id,
      name: raw.name === undefined ? undefined : text(raw.name),
      needs: raw.needs === undefined ? [] : Array.isArray(raw.needs) ? raw.needs.map(text) : [text(raw.needs)],
      if: raw.if === undefined ? undefined : text(raw.if),
      environment: typeof environment === "object" ? environment.name : environment,
      environmentUrl: typeof environment === "object" ? environment.url : undefined,
      permissions: raw.permissions,
      concurrency: raw.concurrency,
      env: strings(raw.env),
      outputs: strings(raw.outputs),
      uses: raw.uses === undefined ? undefined : text(raw.uses),
      with: strings(raw.with),
      secrets: raw.secrets === "inherit" ? "inherit" : raw.secrets === undefined ? undefined : strings(raw.secrets),
      steps: ((raw.steps ?? []) as Record<string, unknown>[]).map((s) => ({
        id: s.id === undefined ? undefined : text(s.id),
        name: s.name === undefined ? undefined : text(s.name),
        uses: s.uses === undefined ? undefined : text(s.uses),
        run: s.run === undefined ? undefined : text(s.run),
        if: s.if === undefined ? undefined : text(s.if),
        with: strings(s.with),
        env: strings(s.env),
      })),
    };
  });
  return {
    file,
    name: text(doc.name) || path.basename(file),
    inputs: (call.inputs ?? dispatch.inputs ?? {}) as Record<string, WorkflowInput>,
    outputs: Object.fromEntries(
      Object.entries((call.outputs ?? {}) as Record<string, { value?: unknown }>).map(([k, v]) => [k, text(v?.value)]),
    ),
    env: strings(doc.env),
    jobs: ordered(jobs, file),
  };
}

function ordered(jobs: Job[], file: string): Job[] {
  const done: Job[] = [];
  const left = [...jobs];
  while (left.length > 0) {
    const ready = left.filter((job) => job.needs.every((need) => done.some((d) => d.id === need)));
    if (ready.length === 0) throw new Error(`${file}: jobs ${left.map((j) => j.id).join(", ")} need each other`);
    for (const job of ready) {
      done.push(job);
      left.splice(left.indexOf(job), 1);
    }
  }
  return done;
}

/** What a step is to the rehearsal. */
export type StepKind = { kind: "action"; action: string; ref: string } | { kind: "skipped"; why: string };

const THIRD_PARTY: [RegExp, string][] = [
  [/^actions\/checkout@/, "the rehearsal's workspace is a prepared checkout of the demo application"],
  [
    /^aws-actions\/configure-aws-credentials@/,
    "no OIDC here: the simulator's endpoint and credentials stand in for the assumed role",
  ],
  [
    /^(docker\/login-action|aws-actions\/amazon-ecr-login|redhat-actions\/podman-login)@/,
    "the loopback registry needs no login",
  ],
  [/^docker\/setup-buildx-action@|^redhat-actions\//, "buildah is used from the machine, when installed"],
];

export function stepKind(step: Step): StepKind {
  if (step.uses) {
    const suite = SUITE_ACTION.exec(step.uses);
    if (suite) return { kind: "action", action: `actions/${suite[1]}`, ref: suite[2] ?? "" };
    const why = THIRD_PARTY.find(([pattern]) => pattern.test(step.uses ?? ""))?.[1];
    return { kind: "skipped", why: why ?? "a third-party action, not part of the suite" };
  }
  return { kind: "skipped", why: "a shell step of the workflow, not rehearsed" };
}

export function stepLabel(step: Step): string {
  return step.name ?? step.id ?? step.uses ?? (step.run ?? "run").split("\n")[0] ?? "run";
}

/** One line per job and step, in the order they run: what the rehearsal does with each. */
export function plan(workflow: Workflow, root: string, depth = 0): string[] {
  const lines: string[] = [];
  const pad = "  ".repeat(depth);
  for (const job of workflow.jobs) {
    if (job.uses) {
      const called = SUITE_WORKFLOW.exec(job.uses);
      lines.push(`${pad}${job.id}: calls ${job.uses}`);
      if (called) lines.push(...plan(readWorkflow(path.join(root, called[1] ?? "")), root, depth + 1));
      continue;
    }
    lines.push(`${pad}${job.id}:`);
    for (const step of job.steps) {
      const kind = stepKind(step);
      lines.push(
        kind.kind === "action"
          ? `${pad}  ${kind.action}${step.id ? ` (id ${step.id})` : ""}`
          : `${pad}  skip ${step.uses ?? "run"}: ${kind.why}`,
      );
    }
  }
  return lines;
}

/** The suite's actions a workflow runs, through the workflows it calls too, in order, once each. */
export function actionsUsed(workflow: Workflow, root: string): string[] {
  const found: string[] = [];
  for (const job of workflow.jobs) {
    const called = job.uses && SUITE_WORKFLOW.exec(job.uses);
    const names = called
      ? actionsUsed(readWorkflow(path.join(root, called[1] ?? "")), root)
      : job.steps.flatMap((step) => {
          const kind = stepKind(step);
          return kind.kind === "action" ? [kind.action] : [];
        });
    for (const name of names) if (!found.includes(name)) found.push(name);
  }
  return found;
}

export type JobResult = "success" | "failure" | "skipped" | "cancelled";

export interface StepRun {
  outcome: "success" | "failure" | "cancelled";
  outputs: Record<string, string>;
}

export interface ActionCall {
  workflow: Workflow;
  job: Job;
  step: Step;
  /** actions/<name> */
  action: string;
  inputs: Record<string, string>;
  /** Step environment (workflow, job and step `env:`), evaluated. */
  env: Record<string, string>;
  /** Values of `secrets.*` the step used: masked by the runner from the start. */
  secrets: string[];
  environment?: string;
  environmentUrl?: string;
}

export interface RunnerEvents {
  job?(workflow: Workflow, job: Job, detail: { environment?: string; skipped?: string }): void;
  skipped?(job: Job, step: Step, why: string): void;
}

export interface WorkflowCall {
  workflow: Workflow;
  inputs: Record<string, ExpressionValue>;
  secrets: Record<string, string>;
}

export interface RunnerOptions {
  root: string;
  /** `github.*` values (without the prefix): sha, repository, ref, run_id, token, ... */
  github: Record<string, string>;
  /** Variables of the repository and of each environment: vars = repository's + the job environment's. */
  vars: (environment: string | undefined) => Record<string, string>;
  /** Secrets of each environment (the called workflow's own come from the caller). */
  environmentSecrets?: (environment: string | undefined) => Record<string, string>;
  runAction(call: ActionCall): Promise<StepRun>;
  /**
   * For a step the rehearsal does not run (a third-party action): what stands in for it, as
   * variables for the job's later steps (configure-aws-credentials: the simulator's).
   */
  standIn?(step: Step, inputs: Record<string, string>): Record<string, string> | undefined;
  events?: RunnerEvents;
}

function inputsOf(workflow: Workflow, given: Record<string, ExpressionValue>, github: Record<string, string>) {
  const values: Record<string, ExpressionValue> = {};
  for (const name of Object.keys(given)) {
    if (!(name in workflow.inputs)) {
      throw new Error(`${workflow.file}: input '${name}' is not declared (declared: ${Object.keys(workflow.inputs)})`);
    }
  }
  for (const [name, input] of Object.entries(workflow.inputs)) {
    let value: ExpressionValue | undefined = given[name];
    if (value === undefined && input.default !== undefined) {
      value = interpolate(text(input.default), { values: prefixed("github", github) });
    }
    if (value === undefined && input.required) throw new Error(`${workflow.file}: input '${name}' is required`);
    if (input.type === "boolean" && typeof value === "string") value = value === "true";
    if (input.type === "number" && typeof value === "string") value = Number(value);
    values[`inputs.${name}`] = value ?? (input.type === "boolean" ? false : "");
  }
  return values;
}

function prefixed(prefix: string, values: Record<string, ExpressionValue>): Record<string, ExpressionValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}.${k}`, v]));
}

function evaluateMap(map: Record<string, string>, values: Record<string, ExpressionValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, stringify(interpolate(v, { values }))]));
}

/** Runs a workflow as `workflow_call` would, returning its outputs and each job's result. */
export async function runWorkflow(
  call: WorkflowCall,
  options: RunnerOptions,
): Promise<{
  outputs: Record<string, string>;
  jobs: Record<string, { result: JobResult; outputs: Record<string, string> }>;
}> {
  const { workflow } = call;
  const jobs: Record<string, { result: JobResult; outputs: Record<string, string> }> = {};
  const base: Record<string, ExpressionValue> = {
    ...prefixed("github", options.github),
    ...inputsOf(workflow, call.inputs, options.github),
  };
  const needsValues = (job: Job) => {
    const values: Record<string, ExpressionValue> = {};
    for (const need of job.needs) {
      const done = jobs[need];
      values[`needs.${need}.result`] = done?.result ?? "skipped";
      for (const [k, v] of Object.entries(done?.outputs ?? {})) values[`needs.${need}.outputs.${k}`] = v;
    }
    return values;
  };

  for (const job of workflow.jobs) {
    const results = job.needs.map((need) => jobs[need]?.result ?? "skipped");
    const status: StatusFlags = {
      success: results.every((r) => r === "success"),
      failure: results.some((r) => r === "failure"),
      cancelled: results.some((r) => r === "cancelled"),
    };
    // Job-level `if:` sees github, inputs, vars and needs (not secrets or env).
    const repoVars = prefixed("vars", options.vars(undefined));
    const jobValues = { ...base, ...repoVars, ...needsValues(job) };
    if (!evaluateCondition(job.if ?? "success()", { status, values: jobValues })) {
      const why = job.if ? `if: ${job.if.trim()} is false` : "a job it needs did not succeed";
      options.events?.job?.(workflow, job, { skipped: why });
      jobs[job.id] = { result: "skipped", outputs: {} };
      continue;
    }
    const environment =
      job.environment === undefined ? undefined : stringify(interpolate(job.environment, { values: jobValues }));
    const vars = prefixed("vars", { ...options.vars(undefined), ...options.vars(environment) });
    const secretMap = { ...call.secrets, ...(options.environmentSecrets?.(environment) ?? {}) };
    const values: Record<string, ExpressionValue> = {
      ...jobValues,
      ...vars,
      ...prefixed("secrets", { GITHUB_TOKEN: options.github.token ?? "", ...secretMap }),
    };
    options.events?.job?.(workflow, job, { environment });

    if (job.uses) {
      const called = SUITE_WORKFLOW.exec(job.uses);
      if (!called)
        throw new Error(`${workflow.file}: job ${job.id} calls ${job.uses}, which is not one of the suite's workflows`);
      const callee = readWorkflow(path.join(options.root, called[1] ?? ""));
      const inputs = Object.fromEntries(Object.entries(job.with).map(([k, v]) => [k, interpolate(v, { values })]));
      const secrets = job.secrets === "inherit" ? secretMap : evaluateMap(job.secrets ?? {}, values);
      const result = await runWorkflow({ workflow: callee, inputs, secrets }, options);
      const failed = Object.values(result.jobs).some((j) => j.result === "failure");
      jobs[job.id] = { result: failed ? "failure" : "success", outputs: result.outputs };
      continue;
    }

    const env: Record<string, string> = { ...evaluateMap(workflow.env, values) };
    Object.assign(env, evaluateMap(job.env, { ...values, ...prefixed("env", env) }));
    const environmentUrl =
      job.environmentUrl &&
      stringify(interpolate(job.environmentUrl, { values: { ...values, ...prefixed("env", env) } }));
    let failed = false;
    for (const step of job.steps) {
      const stepValues = { ...values, ...prefixed("env", env) };
      const stepStatus: StatusFlags = { success: !failed, failure: failed, cancelled: false };
      if (!evaluateCondition(step.if ?? "success()", { status: stepStatus, values: stepValues })) {
        options.events?.skipped?.(job, step, step.if ? `if: ${step.if.trim()} is false` : "an earlier step failed");
        continue;
      }
      const kind = stepKind(step);
      if (kind.kind !== "action") {
        options.events?.skipped?.(job, step, kind.why);
        Object.assign(env, options.standIn?.(step, evaluateMap(step.with, stepValues)) ?? {});
        if (step.id) values[`steps.${step.id}.outcome`] = "skipped";
        continue;
      }
      const stepEnv = { ...env, ...evaluateMap(step.env, stepValues) };
      const inputs = evaluateMap(step.with, { ...stepValues, ...prefixed("env", stepEnv) });
      const used = Object.values(step.with).join("\n");
      const secrets = Object.entries(secretMap)
        .filter(([name, value]) => value !== "" && used.includes(`secrets.${name}`))
        .map(([, value]) => value);
      const run = await options.runAction({
        workflow,
        job,
        step,
        action: kind.action,
        inputs,
        env: stepEnv,
        secrets,
        environment,
        environmentUrl: environmentUrl || undefined,
      });
      if (step.id) {
        values[`steps.${step.id}.outcome`] = run.outcome;
        values[`steps.${step.id}.conclusion`] = run.outcome;
        for (const [k, v] of Object.entries(run.outputs)) values[`steps.${step.id}.outputs.${k}`] = v;
      }
      if (run.outcome !== "success") failed = true;
    }
    jobs[job.id] = {
      result: failed ? "failure" : "success",
      outputs: evaluateMap(job.outputs, values),
    };
  }

  const jobValues: Record<string, ExpressionValue> = { ...base };
  for (const [id, done] of Object.entries(jobs)) {
    jobValues[`jobs.${id}.result`] = done.result;
    for (const [k, v] of Object.entries(done.outputs)) jobValues[`jobs.${id}.outputs.${k}`] = v;
  }
  return { outputs: evaluateMap(workflow.outputs, jobValues), jobs };
}
