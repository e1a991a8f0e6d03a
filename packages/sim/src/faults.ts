import { seededRandom } from "@deploy/core/testing";
import { AwsError } from "./protocol/errors.ts";

/**
 * Faults the simulator injects, per operation, as the real services produce them.
 * The fault file (`--faults FILE`) is this shape as JSON; see the README.
 */
export interface FaultRule {
  /** `service:Operation`, `service:*` or `*`, e.g. `ec2:DescribeInstances`, `autoscaling:*`. */
  operation: string;
  /** `throttle`: the service's own throttling error; `error`: a 5xx; `latency`: a slow answer. */
  kind: "throttle" | "error" | "latency";
  /** Share of matching calls affected, 0..1 (default 1). */
  rate?: number;
  /** Affect at most this many calls, then stop. */
  count?: number;
  /** For `error`: the HTTP status (default 500). */
  status?: number;
  /** For `latency`: milliseconds of real time added before answering. */
  latencyMs?: number;
}

export interface FaultFile {
  /** Seed of the random choices, so a run can be repeated (default 1). */
  seed?: number;
  rules?: FaultRule[];
  /** AMI ids whose instances never pass health checks. */
  unhealthyImages?: string[];
  /** CreateImage and CopyImage calls whose image ends `failed` instead of `available`: a count of calls. */
  failImageCreations?: number;
  /** Simulated SSM command invocations that end `Failed` (exit code 1) instead of `Success`: a count. */
  failCommands?: number;
}

export type Service = "ec2" | "autoscaling" | "ssm" | "github";

/** The error each service really answers when it throttles or fails. */
const THROTTLE: Record<Service, () => AwsError> = {
  ec2: () => new AwsError("RequestLimitExceeded", "Request limit exceeded.", 503),
  autoscaling: () => new AwsError("Throttling", "Rate exceeded", 400),
  ssm: () => new AwsError("ThrottlingException", "Rate exceeded", 400),
  github: () => new AwsError("secondary_rate_limit", "You have exceeded a secondary rate limit.", 403),
};

const SERVER_ERROR: Record<Service, (status: number) => AwsError> = {
  ec2: (s) => new AwsError(s === 503 ? "Unavailable" : "InternalError", "An internal error has occurred", s),
  autoscaling: (s) =>
    new AwsError(s === 503 ? "ServiceUnavailable" : "InternalFailure", "An internal error has occurred", s),
  ssm: (s) => new AwsError("InternalServerError", "An internal error has occurred", s),
  github: (s) => new AwsError("server_error", "Server Error", s),
};

export class Faults {
  private rules: (FaultRule & { used: number })[] = [];
  private random: () => number;
  readonly unhealthyImages = new Set<string>();
  failImageCreations = 0;
  failCommands = 0;

  constructor(file: FaultFile = {}) {
    this.random = seededRandom(file.seed ?? 1);
    this.load(file);
  }

  /** Adds the rules and world faults of a fault file to those in force. */
  load(file: FaultFile): void {
    if (file.seed !== undefined) this.random = seededRandom(file.seed);
    for (const rule of file.rules ?? []) this.add(rule);
    for (const id of file.unhealthyImages ?? []) this.unhealthyImages.add(id);
    this.failImageCreations += file.failImageCreations ?? 0;
    this.failCommands += file.failCommands ?? 0;
  }

  add(rule: FaultRule): void {
    if (!["throttle", "error", "latency"].includes(rule.kind)) throw new Error(`unknown fault kind ${rule.kind}`);
    this.rules.push({ ...rule, used: 0 });
  }

  clear(): void {
    this.rules = [];
    this.unhealthyImages.clear();
    this.failImageCreations = 0;
    this.failCommands = 0;
  }

  /** Takes one "this image creation fails" token, if any is left. */
  takeImageCreationFailure(): boolean {
    if (this.failImageCreations <= 0) return false;
    this.failImageCreations--;
    return true;
  }

  /** Takes one "this command invocation fails" token, if any is left. */
  takeCommandFailure(): boolean {
    if (this.failCommands <= 0) return false;
    this.failCommands--;
    return true;
  }

  /** Decides what happens to one call: a delay to add, and an error to answer instead. */
  decide(service: Service, operation: string): { latencyMs: number; error?: AwsError } {
    let latencyMs = 0;
    let error: AwsError | undefined;
    for (const rule of this.rules) {
      if (!matches(rule.operation, service, operation)) continue;
      if (rule.count !== undefined && rule.used >= rule.count) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      rule.used++;
      if (rule.kind === "latency") latencyMs += rule.latencyMs ?? 1000;
      else if (!error)
        error = rule.kind === "throttle" ? THROTTLE[service]() : SERVER_ERROR[service](rule.status ?? 500);
    }
    return error ? { latencyMs, error } : { latencyMs };
  }
}

function matches(pattern: string, service: string, operation: string): boolean {
  if (pattern === "*") return true;
  const [s, op] = pattern.split(":");
  return s === service && (op === "*" || op === operation);
}
