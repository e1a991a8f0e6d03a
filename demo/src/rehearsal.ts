// `pnpm demo:run`: the whole pipeline rehearsed on this machine, no network but loopback.
// The callers in workflows-examples/ (stage.yml on push, production.yml by dispatch) call
// the reusable workflows in .github/workflows/, whose steps that use the suite's actions
// run as bundles (actions/*/dist) through the test harness against the simulator (AWS and
// GitHub on a scaled clock). Stage and production differ only by two maps of variables.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CLOCK_ENV } from "@deploy/core";
import { groupSummary, readWorldFile, type Simulator, scaledClock, startSimulator, type WorldFile } from "@deploy/sim";
import { type GitHubContext, runAction } from "@deploy/test/harness";
import { buildahAvailable, registryAvailable, startRegistry } from "@deploy/test/registry";
import { writeWorkspace as writeRecipe } from "../../actions/bake-ami/test/bad-inputs.ts";
import { renderMarkdown } from "./markdown.ts";
import { type SeedTarget, seedTarget } from "./postgres.ts";
import { type ActionCall, actionsUsed, plan, readWorkflow, runWorkflow, type StepRun, stepLabel } from "./workflow.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const WORLD = path.join(ROOT, "demo/worlds/shop.json");
/** Simulated time runs this many times faster than the wall clock. */
export const SPEED = 300;
export const REGION = "eu-west-1";
export const REPOSITORY = "acme/shop";
/** main's head in the world: the commit both environments end up running. */
export const COMMIT = "c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f901";
const CALLERS = { stage: "workflows-examples/stage.yml", production: "workflows-examples/production.yml" };
const AL2023 = "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Each environment's variables: the only thing that differs between stage and production. */
export function environmentVariables(image: string): Record<"stage" | "production", Record<string, string>> {
  return {
    stage: {
      AWS_REGION: REGION,
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/deploy-stage",
      ASG_NAME: "shop-stage",
      USER_DATA_VARS: "ENVIRONMENT=stage",
      ENVIRONMENT_URL: "https://stage.shop.example",
      IMAGE: image,
      BASE_AMI: AL2023,
      SUBNET_ID: "subnet-0de10000000000001",
      INSTANCE_PROFILE: "bake-ami-builder",
      SEED_FILE: "seed/shop.yaml",
    },
    production: {
      AWS_REGION: REGION,
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/deploy-production",
      ASG_NAME: "shop-production",
      USER_DATA_VARS: "ENVIRONMENT=production",
      ENVIRONMENT_URL: "https://shop.example",
      REQUIRED_CHECKS: "test, lint",
      MAX_AGE: "30d",
      SOURCE_ASG_NAME: "shop-stage",
      SOURCE_REGION: REGION,
    },
  };
}

type Say = (line?: string) => void;

/** What the rehearsal started, undone in reverse order, once, whatever happens. */
class Cleanup {
  private readonly undo: { what: string; fn: () => unknown }[] = [];
  add(what: string, fn: () => unknown): void {
    this.undo.push({ what, fn });
  }
  async run(say: Say): Promise<void> {
    for (const { what, fn } of this.undo.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        say(`cleanup: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** The user-data template of the application (deploy/user-data.sh); USER_DATA_VARS fill it in. */
const USER_DATA =
  "#!/bin/bash\n# The shop's instances at boot: settings from vars, secrets from SSM Parameter Store.\necho 'SHOP_ENVIRONMENT={{ENVIRONMENT}}' > /etc/shop.env\nsystemctl start shop\n";

/**
 * The world file, with each group's launch template carrying the user data that the same
 * template gave it at the last deployment (stage's and production's differ by the name only).
 */
function world(): WorldFile {
  const file = readWorldFile(WORLD);
  for (const template of file.regions?.[REGION]?.launchTemplates ?? []) {
    const environment = template.name.replace(/^shop-/, "");
    const text = USER_DATA.replaceAll("{{ENVIRONMENT}}", environment);
    if (template.data) template.data.UserData = Buffer.from(text).toString("base64");
  }
  return file;
}

/** The application's repository as a checkout: its image, recipe, user-data template and seed file. */
function writeApplication(dir: string): void {
  cpSync(path.join(ROOT, "test/fixtures/images/app"), dir, { recursive: true });
  mkdirSync(path.join(dir, "deploy"), { recursive: true });
  const recipe = path.join(dir, "deploy");
  writeRecipe(recipe);
  cpSync(path.join(recipe, "bake"), path.join(recipe, "recipe"), { recursive: true });
  rmSync(path.join(recipe, "bake"), { recursive: true });
  writeFileSync(path.join(dir, "deploy/user-data.sh"), USER_DATA);
  mkdirSync(path.join(dir, "seed"), { recursive: true });
  cpSync(path.join(ROOT, "test/fixtures/seed/shop.yaml"), path.join(dir, "seed/shop.yaml"));
}

export interface EnvironmentResult {
  release: Record<string, unknown>;
  ami: string;
  amiName: string;
  group: string;
  instances: string;
  deploymentId: string;
}

export interface RehearsalOptions {
  say?: Say;
  /** Aborted on Ctrl-C: the rehearsal stops after cleaning up. */
  signal?: AbortSignal;
}

export async function rehearse(options: RehearsalOptions = {}): Promise<void> {
  const say: Say = options.say ?? ((line = "") => console.log(line));
  const cleanup = new Cleanup();
  const started = performance.now();
  const onAbort = () => say("\nInterrupted: cleaning up.");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await run(say, cleanup, options.signal);
    say(`\nRehearsal done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await cleanup.run(say);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function run(say: Say, cleanup: Cleanup, signal: AbortSignal | undefined): Promise<void> {
  const check = () => {
    if (signal?.aborted) throw new Error("interrupted");
  };
  const scratch = mkdtempSync(path.join(os.tmpdir(), "deploy-demo-"));
  cleanup.add(`remove ${scratch}`, () => rmSync(scratch, { recursive: true, force: true }));
  const workspace = path.join(scratch, "shop");
  mkdirSync(workspace);
  writeApplication(workspace);

  say("deploy: a rehearsal of the whole pipeline against the simulator (local AWS and GitHub)");
  say("");
  // What runs: the callers' jobs and the reusable workflows' steps, as the files say.
  const callers = Object.values(CALLERS).map((file) => readWorkflow(path.join(ROOT, file)));
  for (const caller of callers) {
    say(`${path.relative(ROOT, caller.file)}:`);
    for (const line of plan(caller, ROOT)) say(`  ${line}`);
  }
  const unbundled = callers
    .flatMap((caller) => actionsUsed(caller, ROOT))
    .filter((action) => !existsSync(path.join(ROOT, action, "dist/main/index.js")));
  if (unbundled.length > 0) {
    throw new Error(
      `no bundle for ${unbundled.join(", ")} (dist/main/index.js): run \`pnpm bundle\` (or \`pnpm bundle\` in the action's folder)`,
    );
  }
  say("");
  const origin = Date.now();
  const sim = await startSimulator({ world: world(), worldOptions: { clock: scaledClock(SPEED, origin) } });
  cleanup.add("stop the simulator", () => sim.close());
  say(`Simulator on ${sim.url}: ${path.relative(ROOT, WORLD)}, recipes run by bash`);
  say(`  time runs x${SPEED} for the simulator and the actions alike: durations in the summaries are simulated`);

  // build-image needs buildah and a registry; without both, bake-ami runs without an image.
  const missing = [!buildahAvailable && "buildah", !registryAvailable && "docker-registry"].filter(Boolean);
  let image = "127.0.0.1:5000/acme/shop";
  if (missing.length === 0) {
    const registry = await startRegistry();
    cleanup.add("stop the registry", () => registry.close());
    image = `${registry.address}/acme/shop`;
    say(`Registry on ${registry.address} (loopback); images built with buildah`);
  } else {
    say(`build-image will be skipped: ${missing.join(" and ")} not installed (bake-ami then bakes without an image)`);
  }
  check();

  const target: SeedTarget = await seedTarget(path.join(workspace, "seed-output"));
  cleanup.add("drop the demo database", () => target.close());
  say(`Seed target: ${target.describe}`);

  const variables = environmentVariables(image);
  const secrets: Record<string, Record<string, string>> = {
    stage: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {},
  };
  const summaries: Record<string, string> = {};

  // Each action runs on the simulator's timeline: the kernel's clock reads DEPLOY_CLOCK_*.
  const clockEnv = { [CLOCK_ENV.speed]: String(SPEED), [CLOCK_ENV.origin]: String(origin) };

  const runStep = async (call: ActionCall, github: Partial<GitHubContext>): Promise<StepRun> => {
    check();
    const name = path.basename(call.action);
    const label = `${call.job.id} / ${stepLabel(call.step)} (${call.action})`;
    if (name === "build-image" && missing.length > 0) {
      say(`\n  ~ ${label}: skipped, ${missing.join(" and ")} not installed`);
      return { outcome: "success", outputs: {} };
    }
    const inputs = { ...call.inputs };
    if (name === "seed-mock-data" && !target.databaseUrl) {
      // Files instead of the database: output-directory for database-url, and no reset.
      inputs["output-directory"] = path.relative(workspace, target.outputDirectory);
      delete inputs["database-url"];
      delete inputs.reset;
      say(`\n  (no PostgreSQL: seed-mock-data writes files to ${inputs["output-directory"]}/, reset left out)`);
    }
    say(`\n▶ ${label}`);
    const startedStep = performance.now();
    const result = await runAction(path.join(ROOT, call.action), {
      inputs,
      env: {
        ...sim.env(),
        ...call.env,
        ...clockEnv,
        ...(name === "build-image" && { STORAGE_DRIVER: "vfs", BUILDAH_ISOLATION: "chroot" }),
      },
      github: { ...github, job: call.job.id },
      secrets: call.secrets,
      workspace,
      timeoutMs: 60_000,
      // Ctrl-C cancels the step as a cancelled job would (its post step then cleans up).
      ...(signal && { cancel: { when: () => signal.aborted, pollMs: 100 } }),
    });
    const seconds = ((performance.now() - startedStep) / 1000).toFixed(1);
    say(`  ${result.status} in ${seconds} s`);
    if (result.summary.trim()) say(renderMarkdown(result.summary, "  │ "));
    if (call.environment) summaries[`${call.environment}:${name}`] = result.summary;
    if (result.status !== "success") {
      const errors = [...result.main.annotations, ...(result.post?.annotations ?? [])]
        .filter((a) => a.level === "error")
        .map((a) => a.message);
      const log = result.maskedLog().split("\n").slice(-25).join("\n");
      throw new Error(`${label} failed${result.main.timedOut ? " (timed out)" : ""}:\n${errors.join("\n") || log}`);
    }
    return { outcome: "success", outputs: result.outputs };
  };

  const results: Partial<Record<"stage" | "production", EnvironmentResult>> = {};
  const runs = [
    { environment: "stage" as const, runId: "5001", eventName: "push", inputs: {} },
    { environment: "production" as const, runId: "5002", eventName: "workflow_dispatch", inputs: {} },
  ];
  for (const { environment, runId, eventName, inputs } of runs) {
    check();
    const caller = readWorkflow(path.join(ROOT, CALLERS[environment]));
    const github: Partial<GitHubContext> = {
      repository: REPOSITORY,
      sha: COMMIT,
      ref: "refs/heads/main",
      runId,
      eventName,
      workflow: caller.name,
      apiUrl: `${sim.url}/github`,
    };
    say(`\n${"═".repeat(100)}`);
    say(`${environment}: ${CALLERS[environment]} (${eventName}), with ${environment}'s variables`);
    say("═".repeat(100));
    const outcome = await runWorkflow(
      { workflow: caller, inputs, secrets: {} },
      {
        root: ROOT,
        github: {
          repository: REPOSITORY,
          sha: COMMIT,
          ref: "refs/heads/main",
          run_id: runId,
          event_name: eventName,
          server_url: "https://github.com",
          api_url: `${sim.url}/github`,
          token: "ghs_demoToken000000000000000000000000000",
        },
        vars: (name) => (name === "stage" || name === "production" ? variables[name] : {}),
        environmentSecrets: (name) => (name ? (secrets[name] ?? {}) : {}),
        runAction: (call) => runStep(call, { ...github, workflow: call.workflow.name }),
        standIn: (step, withValues) =>
          step.uses?.startsWith("aws-actions/configure-aws-credentials@")
            ? {
                ...sim.env(),
                AWS_REGION: withValues["aws-region"] ?? REGION,
                AWS_DEFAULT_REGION: withValues["aws-region"] ?? REGION,
              }
            : undefined,
        events: {
          job: (workflow, job, detail) =>
            say(
              detail.skipped
                ? `\n■ ${workflow.name} / ${job.id}: skipped (${detail.skipped})`
                : `\n■ ${workflow.name} / ${job.id}${detail.environment ? ` (environment ${detail.environment})` : ""}${job.uses ? ` calls ${job.uses}` : ""}`,
            ),
          skipped: (_job, step, why) => say(`  ~ ${stepLabel(step)}: skipped in the rehearsal: ${why}`),
        },
      },
    );
    const job = Object.values(outcome.jobs)[0];
    const release = job?.outputs.release;
    if (!release) throw new Error(`${CALLERS[environment]}: no release came out of the run`);
    results[environment] = resultOf(sim, environment, variables[environment].ASG_NAME ?? "", release);
  }

  say(`\n${"═".repeat(100)}`);
  say("stage and production side by side");
  say("═".repeat(100));
  say(sideBySide(variables, results));
}

function resultOf(sim: Simulator, environment: string, group: string, releaseText: string): EnvironmentResult {
  const release = JSON.parse(releaseText) as Record<string, unknown>;
  const ami = (release.amis as Record<string, string>)[REGION] ?? "";
  groupSummary(sim.world, REGION, group); // runs what is due by now
  const region = sim.world.region(REGION);
  const members = [...(region.autoscaling.groups.get(group)?.members.values() ?? [])].filter(
    (m) => m.lifecycleState === "InService",
  );
  const onAmi = members.filter((m) => region.ec2.instances.get(m.id)?.imageId === ami).length;
  const deployment = sim.world.github.deployments.filter((d) => d.environment === environment).at(-1);
  return {
    release,
    ami,
    amiName: region.ec2.images.get(ami)?.name ?? "",
    group,
    instances: `${onAmi} of ${members.length} in service run it`,
    deploymentId: deployment ? `${deployment.id} (${deployment.statuses?.at(-1)?.state ?? "no status"})` : "",
  };
}

/** A digest shortened for the table (sameness is decided on the whole value). */
const short = (value: string) => value.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/g, "$1…");

export function sideBySide(
  variables: Record<"stage" | "production", Record<string, string>>,
  results: Partial<Record<"stage" | "production", EnvironmentResult>>,
): string {
  const table = (title: string, rows: string[][]) =>
    [
      `### ${title}`,
      "",
      "| | stage | production | |",
      "|---|---|---|---|",
      ...rows.map((r) => `| ${r.map((c) => c.replaceAll("|", "\\|").replaceAll("\n", " ")).join(" | ")} |`),
    ].join("\n");
  const names = [...new Set([...Object.keys(variables.stage), ...Object.keys(variables.production)])];
  const vars = names.map((name) => {
    const s = variables.stage[name];
    const p = variables.production[name];
    const how = s === undefined ? "production only" : p === undefined ? "stage only" : s === p ? "same" : "differs";
    return [`vars.${name}`, s ?? "", p ?? "", how];
  });
  const { stage, production } = results;
  const row = (label: string, f: (r: EnvironmentResult) => string, judge = true) => {
    const s = stage ? f(stage) : "";
    const p = production ? f(production) : "";
    return [label, short(s), short(p), judge ? (s === p ? "same" : "DIFFERS") : ""];
  };
  const release = [
    row("release commit", (r) => String(r.release.commit ?? "")),
    row("image", (r) => String(r.release.image ?? "none (build-image skipped)")),
    row(`AMI (${REGION})`, (r) => r.ami),
    row("AMI name (lineage)", (r) => r.amiName),
    row("bake key", (r) => String(r.release.bakeKey ?? "")),
    row("release made", (r) => String(r.release.createdAt ?? "")),
    row("Auto Scaling group", (r) => r.group, false),
    row("instances", (r) => r.instances, false),
    row("GitHub deployment", (r) => r.deploymentId, false),
  ];
  return renderMarkdown(
    [
      table("The variables: the only difference between the two runs", vars),
      "",
      table("What each environment runs now", release),
    ].join("\n"),
    "  ",
  );
}
