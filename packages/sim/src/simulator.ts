import { scaledClock, virtualClock } from "./clock.ts";
import type { FaultFile } from "./faults.ts";
import { startServer } from "./server.ts";
import { stopSsm } from "./services/ssm/index.ts";
import type { World, WorldOptions } from "./world.ts";
import {
  checkWorldFile,
  loadFaultFile,
  readFaultFile,
  readWorldFile,
  type WorldFile,
  worldFromFile,
} from "./world-file.ts";

/**
 * The simulator in one call: a world (from a world file, if given), its faults, and the
 * HTTP server, with the environment that points AWS SDKs and Octokit at it. For tests that
 * run actions as child processes (`env()` goes into their environment) and for the CLI.
 */
export interface SimulatorOptions {
  /** Port to listen on, on 127.0.0.1 (default: any free port). */
  port?: number;
  /** Virtual time runs `speed` times faster than real time (a scaled clock); without it, time is virtual and jumps. */
  speed?: number;
  /** A world file: its path (JSON, or YAML by extension) or its content. */
  world?: string | WorldFile;
  /** A fault file: its path or its content. */
  faults?: string | FaultFile;
  /** Options that win over the world file's (a clock given here wins over `speed`). */
  worldOptions?: WorldOptions;
}

export interface Simulator {
  url: string;
  port: number;
  world: World;
  /** The environment for a process that should talk to the simulator. */
  env(): Record<string, string>;
  /** Cancels running commands (killing their processes), removes their files, stops the server. */
  close(): Promise<void>;
}

/** Fake credentials: the simulator accepts any, and the SDK insists on having some. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIASIMULATOR0000000", AWS_SECRET_ACCESS_KEY: "simulator-secret" };
const DEFAULT_REGION = "eu-west-1";

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const file =
    typeof options.world === "string"
      ? { content: readWorldFile(options.world), source: options.world }
      : { content: checkWorldFile(options.world ?? {}), source: "world file" };
  const clock = options.speed === undefined ? virtualClock() : scaledClock(options.speed);
  const world = worldFromFile(file.content, { clock, ...options.worldOptions }, file.source);
  if (options.faults !== undefined) {
    loadFaultFile(world, typeof options.faults === "string" ? readFaultFile(options.faults) : options.faults);
  }
  const server = await startServer(world, { ...(options.port !== undefined && { port: options.port }) });
  const region = Object.keys(file.content.regions ?? {})[0] ?? DEFAULT_REGION;
  return {
    url: server.url,
    port: server.port,
    world,
    env: () => ({
      AWS_ENDPOINT_URL: server.url,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      ...CREDENTIALS,
      // Nothing to ask the instance metadata service for: there is no instance.
      AWS_EC2_METADATA_DISABLED: "true",
      GITHUB_API_URL: `${server.url}/github`,
    }),
    async close() {
      stopSsm(world);
      await server.close();
    },
  };
}
