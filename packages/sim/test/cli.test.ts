import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DescribeInstanceInformationCommand,
  GetParameterCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const WORLD = fileURLToPath(new URL("../examples/world.json", import.meta.url));

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Runs the CLI as `pnpm sim` does: the Node 24 binary (tests run on it) on the TypeScript source. */
function sim(...args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe" });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** The `export NAME=value` lines, once all are printed. */
    async env(): Promise<Record<string, string>> {
      for (let i = 0; i < 1000 && !stdout.includes("export GITHUB_API_URL="); i++) {
        if (child.exitCode !== null) throw new Error(`sim exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    },
  };
}

describe("pnpm sim", () => {
  it("prints the environment to export, serves AWS and GitHub, and exits cleanly on SIGTERM", async () => {
    const run = sim("--port", "0", "--speed", "60", "--world", WORLD);
    const env = await run.env();
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
    });
    expect(env.GITHUB_API_URL).toBe(`${env.AWS_ENDPOINT_URL}/github`);
    expect(run.output().stdout).toContain("time x60");

    const ssm = new SSMClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/shop/stage/log-level" }));
    expect(Parameter?.Value).toBe("debug");
    const octokit = new Octokit({ baseUrl: env.GITHUB_API_URL });
    const { data } = await octokit.rest.repos.listDeployments({ owner: "acme", repo: "shop", environment: "stage" });
    expect(data).toHaveLength(1);
    ssm.destroy();

    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output().stdout).toContain("SIGTERM, closing");
  });

  it("with --exec, runs commands with bash and kills them when it closes", async () => {
    const run = sim("--port", "0", "--world", WORLD, "--exec");
    const env = await run.env();
    expect(run.output().stdout).toContain("SSM commands run with bash");
    const ssm = new SSMClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
    });
    const { InstanceInformationList } = await ssm.send(new DescribeInstanceInformationCommand({}));
    const InstanceId = InstanceInformationList?.[0]?.InstanceId as string;
    await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        Parameters: { commands: ["echo $$ > pid.tmp && mv pid.tmp pid", "sleep 30"] },
        InstanceIds: [InstanceId],
      }),
    );
    ssm.destroy();
    const pidFile = await new Promise<string>((resolve, reject) => {
      const started = Date.now();
      const look = () => {
        const found = findPidFile(run.child.pid as number, InstanceId);
        if (found) resolve(found);
        else if (Date.now() - started > 5000) reject(new Error("the script never started"));
        else setTimeout(look, 20);
      };
      look();
    });
    const pid = Number(readFileSync(pidFile, "utf8"));

    run.child.kill("SIGINT");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(await ended(pid)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  });

  it("refuses bad flags with exit code 2 and the usage", async () => {
    const unknown = sim("--port", "0", "--colour");
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.output().stderr).toMatch(/Unknown option '--colour'[\s\S]*Usage: pnpm sim/);

    const speed = sim("--speed", "fast");
    expect((await speed.exited).code).toBe(2);
    expect(speed.output().stderr).toContain("--speed must be a positive number, not fast");

    const port = sim("--port", "http");
    expect((await port.exited).code).toBe(2);
  });

  it("explains a world file it cannot load, and exits 1", async () => {
    const run = sim("--port", "0", "--world", "/no/such/world.json");
    expect((await run.exited).code).toBe(1);
    expect(run.output().stderr).toContain("cannot read /no/such/world.json");
  });

  it("prints its usage with --help", async () => {
    const run = sim("--help");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output().stdout).toMatch(/--world FILE[\s\S]*--faults FILE[\s\S]*--exec/);
  });
});

/** The instance directory lives under the CLI's temporary root, named after its pid. */
function findPidFile(cliPid: number, instanceId: string): string | undefined {
  const root = readdirSync(tmpdir()).find((name) => name.startsWith(`deploy-sim-${cliPid}-`));
  const file = root && join(tmpdir(), root, instanceId, "pid");
  return file && existsSync(file) ? file : undefined;
}

/** True once the process is gone or a zombie: the CLI exits before anyone reaps what it killed. */
async function ended(pid: number): Promise<boolean> {
  const running = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && running(); i++) await new Promise((r) => setTimeout(r, 10));
  return !running();
}
