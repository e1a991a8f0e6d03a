import { parseArgs } from "node:util";
import { startSimulator } from "./simulator.ts";

/**
 * `pnpm sim`: the simulator as a standalone server, for demos and for actions run by hand.
 * It prints the environment to export, then serves until SIGINT or SIGTERM.
 */
const USAGE = `Usage: pnpm sim [options]

A local AWS (EC2, Auto Scaling, SSM) and GitHub API for tests and demos.

Options:
  --port N        port on 127.0.0.1 (default 4566; 0 picks a free one)
  --speed X       simulated time runs X times faster than real time (default 1)
  --world FILE    the starting world (JSON or YAML), see packages/sim/README.md
  --faults FILE   faults to inject (JSON or YAML), see packages/sim/README.md
  --exec          run SSM AWS-RunShellScript commands for real, with bash
  --help          show this help
`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "4566" },
        speed: { type: "string", default: "1" },
        world: { type: "string" },
        faults: { type: "string" },
        exec: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const flags = parse();
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = Number(flags.port);
if (!/^\d+$/.test(flags.port) || port > 65_535) fail(`--port must be a port number (0-65535), not ${flags.port}`);
const speed = Number(flags.speed);
if (!(speed > 0) || !Number.isFinite(speed)) fail(`--speed must be a positive number, not ${flags.speed}`);

let simulator: Awaited<ReturnType<typeof startSimulator>>;
try {
  simulator = await startSimulator({
    port,
    speed,
    ...(flags.world !== undefined && { world: flags.world }),
    ...(flags.faults !== undefined && { faults: flags.faults }),
    ...(flags.exec && { worldOptions: { commands: "exec" } }),
  });
} catch (error) {
  process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const { world } = simulator;
process.stdout.write(
  `deploy simulator on ${simulator.url}: time x${speed}, SSM commands ${world.commands === "exec" ? "run with bash" : "simulated"}, account ${world.accountId}\n` +
    `${Object.entries(simulator.env())
      .map(([name, value]) => `export ${name}=${value}`)
      .join("\n")}\n`,
);

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    process.stdout.write(`sim: ${signal}, closing\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
