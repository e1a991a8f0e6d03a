import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach } from "vitest";
import { type SimServer, startServer } from "../src/server.ts";
import { stopSsm } from "../src/services/ssm/index.ts";
import { World, type WorldOptions } from "../src/world.ts";

/** The region the default clients call. */
export const REGION = "eu-west-1";

export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/** A world behind a running server, and the real clients that reach it. */
export interface TestSim {
  readonly world: World;
  readonly server: SimServer;
  /** Clients for REGION. */
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly ssm: SSMClient;
  /** Octokit on the simulator's GitHub API. */
  readonly octokit: Octokit;
  /** Clients for another region of the same world. */
  ec2In(region: string): EC2Client;
  ssmIn(region: string): SSMClient;
  /** What every AWS client here is made with: fake credentials and no retries, so each call is one request. */
  clientConfig(region?: string): AwsClientConfig;
  /** Destroys the clients, stops the world's SSM commands (and their processes) and the server. */
  close(): Promise<void>;
}

/** Starts a server on `world` (or on a new world with these options); clients are made when first used. */
export async function startTestSim(world: World | WorldOptions = {}): Promise<TestSim> {
  const simWorld = world instanceof World ? world : new World(world);
  const server = await startServer(simWorld);
  const clients: { destroy(): void }[] = [];
  const made = <C extends { destroy(): void }>(client: C): C => {
    clients.push(client);
    return client;
  };
  const clientConfig = (region = REGION): AwsClientConfig => ({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
    maxAttempts: 1,
  });
  const ec2In = (region: string) => made(new EC2Client(clientConfig(region)));
  const ssmIn = (region: string) => made(new SSMClient(clientConfig(region)));
  const quiet = () => {};
  const ec2 = once(() => ec2In(REGION));
  const autoscaling = once(() => made(new AutoScalingClient(clientConfig())));
  const ssm = once(() => ssmIn(REGION));
  const octokit = once(
    () =>
      new Octokit({
        baseUrl: `${server.url}/github`,
        auth: "ghs_not-a-real-token",
        log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      }),
  );
  return {
    world: simWorld,
    server,
    get ec2() {
      return ec2();
    },
    get autoscaling() {
      return autoscaling();
    },
    get ssm() {
      return ssm();
    },
    get octokit() {
      return octokit();
    },
    ec2In,
    ssmIn,
    clientConfig,
    async close() {
      for (const client of clients.splice(0)) client.destroy();
      stopSsm(simWorld);
      await server.close();
    },
  };
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * A fresh TestSim for each test of the file (or describe block) that calls this, closed after
 * the test. Options may be a function, for what must be made per test (a scaled clock).
 * The object returned always stands for the current test's TestSim.
 */
export function useTestSim(options: WorldOptions | (() => WorldOptions) = {}): TestSim {
  let current: TestSim | undefined;
  beforeEach(async () => {
    current = await startTestSim(typeof options === "function" ? options() : options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as TestSim, {
    get(_, key) {
      if (!current) throw new Error("useTestSim: the simulator runs only inside a test");
      return Reflect.get(current, key);
    },
  });
}
