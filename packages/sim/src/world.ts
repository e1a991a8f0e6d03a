import { seededRandom } from "@deploy/core/testing";
import { CallLog } from "./calls.ts";
import { type SimClock, virtualClock } from "./clock.ts";
import { Faults } from "./faults.ts";
import { isAwsRegion, NOT_A_REGION } from "./regions.ts";
import { Scheduler } from "./scheduler.ts";
import { type AutoScalingState, emptyAutoScalingState } from "./services/autoscaling/state.ts";
import { ec2RegionDefaults } from "./services/ec2/defaults.ts";
import { type Ec2State, emptyEc2State } from "./services/ec2/state.ts";
import { emptyGithubState, type GithubState } from "./services/github/state.ts";
import { IdempotencyStore } from "./services/idempotency.ts";
import { ssmRegionDefaults } from "./services/ssm/defaults.ts";
import { emptySsmState, type SsmState } from "./services/ssm/state.ts";

/**
 * How long things take in the simulated world, in virtual milliseconds. The defaults are
 * close to what AWS shows; tests shorten or lengthen them to reach a state on purpose.
 */
export interface Timings {
  /** RunInstances until `running`. */
  instanceBootMs: number;
  /** `running` until the SSM agent is online. */
  ssmAgentMs: number;
  /** StopInstances until `stopped`. */
  instanceStopMs: number;
  /** TerminateInstances until `terminated`. */
  instanceTerminateMs: number;
  /** CreateImage until `available`. */
  createImageMs: number;
  /** CopyImage until `available`. */
  copyImageMs: number;
  /** SendCommand until an invocation finishes (when commands are not executed for real). */
  commandMs: number;
  /** How long a new resource can answer NotFound to a describe by id (eventual consistency). */
  consistencyMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  instanceBootMs: 30_000,
  ssmAgentMs: 20_000,
  instanceStopMs: 30_000,
  instanceTerminateMs: 30_000,
  createImageMs: 180_000,
  copyImageMs: 300_000,
  commandMs: 5_000,
  consistencyMs: 2_000,
};

export interface WorldOptions {
  clock?: SimClock;
  accountId?: string;
  timings?: Partial<Timings>;
  /** Seed for ids and other random choices (default 1). */
  seed?: number;
  /** `exec`: SSM AWS-RunShellScript commands really run with bash; `simulate` (default): they succeed after a delay. */
  commands?: "simulate" | "exec";
}

export interface RegionState {
  name: string;
  ec2: Ec2State;
  autoscaling: AutoScalingState;
  ssm: SsmState;
  /** Client tokens used in the region, by operation (idempotency is regional on AWS). */
  idempotency: IdempotencyStore;
}

/** Everything the simulator knows: per-region service state, GitHub, time, faults and calls. */
export class World {
  readonly clock: SimClock;
  readonly scheduler = new Scheduler();
  readonly faults = new Faults();
  readonly calls = new CallLog();
  readonly accountId: string;
  readonly timings: Timings;
  readonly commands: "simulate" | "exec";
  readonly github: GithubState = emptyGithubState();
  private readonly regionStates = new Map<string, RegionState>();
  private readonly random: () => number;
  private readonly createdAt = new Map<string, number>();
  private idCounter = 0;

  constructor(options: WorldOptions = {}) {
    this.clock = options.clock ?? virtualClock();
    this.accountId = options.accountId ?? "123456789012";
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.commands = options.commands ?? "simulate";
    this.random = seededRandom(options.seed ?? 1);
  }

  /** The current virtual time, after running every event due by then. */
  now(): number {
    const now = this.clock.now();
    this.scheduler.advanceTo(now);
    return now;
  }

  /**
   * A region's state; a region of the aws partition comes into being when first used, as each
   * exists in AWS. Any other name is refused: AWS has no endpoint for it.
   */
  region(name: string): RegionState {
    let state = this.regionStates.get(name);
    if (!state) {
      if (!isAwsRegion(name)) throw new Error(`region ${name} ${NOT_A_REGION}`);
      state = {
        name,
        ec2: emptyEc2State(),
        autoscaling: emptyAutoScalingState(),
        ssm: emptySsmState(),
        idempotency: new IdempotencyStore(),
      };
      this.regionStates.set(name, state);
      ec2RegionDefaults(this, state);
      ssmRegionDefaults(this, state);
    }
    return state;
  }

  regions(): RegionState[] {
    return [...this.regionStates.values()];
  }

  /** A new id in AWS's form: `i-` followed by 17 hex digits, unique in the world. */
  newId(prefix: string, hexDigits = 17): string {
    this.idCounter++;
    let hex = "";
    while (hex.length < hexDigits) hex += Math.floor(this.random() * 16).toString(16);
    // The counter keeps ids unique however the random digits fall.
    const counter = this.idCounter.toString(16);
    return `${prefix}-${hex.slice(0, hexDigits - counter.length)}${counter}`;
  }

  /** A random number in [0, 1) from the world's seeded generator. */
  randomFraction(): number {
    return this.random();
  }

  /** Records that `id` was just created: for a moment, describes by id answer NotFound. */
  created(id: string, at = this.clock.now()): void {
    this.createdAt.set(id, at);
  }

  /** False while a resource is too new to be found by id (eventual consistency). */
  visible(id: string, now = this.clock.now()): boolean {
    const at = this.createdAt.get(id);
    return at === undefined || now >= at + this.timings.consistencyMs;
  }
}
