import { type Simulator, startSimulator } from "@deploy/sim";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type GithubClient, githubClient } from "../src/github.ts";

export interface GithubSim {
  readonly sim: Simulator;
  /** A client of the simulator's GitHub, on its clock. */
  readonly client: GithubClient;
  /** The running test's own repository (`acme/shop-<n>`), so the lists it reads hold only what it made. */
  readonly repository: string;
}

/** One simulator for the calling file, a fresh repository and no faults for each test. */
export function useGithubSim(token: string): GithubSim {
  let sim: Simulator | undefined;
  let client: GithubClient | undefined;
  let repoNumber = 0;
  beforeAll(async () => {
    sim = await startSimulator();
    client = githubClient({ apiUrl: `${sim.url}/github`, token, clock: sim.world.clock });
  });
  afterAll(() => sim?.close());
  beforeEach(() => {
    repoNumber += 1;
    sim?.world.faults.clear();
    sim?.world.calls.reset();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useGithubSim: the simulator runs only inside a test");
    return value;
  };
  return {
    get sim() {
      return started(sim);
    },
    get client() {
      return started(client);
    },
    get repository() {
      return `acme/shop-${repoNumber}`;
    },
  };
}
