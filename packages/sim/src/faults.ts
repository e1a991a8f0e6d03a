import { seededRandom } from "@deploy/core/testing";
import { AwsError } from "./protocol/errors.ts";

/**
 * What a fault does to a call. The first three act before the operation, which then never
 * happens; the `-after` kinds let the operation happen (its effects stay in the world) and
 * then lose or spoil the answer. That second family is the one that orphans resources: the
 * caller cannot tell "AWS did it" from "AWS did not", and a retry without an idempotency
 * token does it again. AWS's EC2 idempotency guide
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html) gives exactly
 * these reasons (timeouts and server errors after the work was done) for client tokens.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Before the operation: the service refuses or stalls, nothing is done. */
export const BEFORE_KINDS = ["throttle", "error", "latency"] as const;
/** After the operation: it is done, the answer is lost, wrong or late. */
export const AFTER_KINDS = ["error-after", "drop-after", "late-after"] as const;
export const FAULT_KINDS = [...BEFORE_KINDS, ...AFTER_KINDS] as const;

/** Kinds that take `status`, and those that take `latencyMs`. */
export const STATUS_KINDS: readonly FaultKind[] = ["error", "error-after"];
export const LATENCY_KINDS: readonly FaultKind[] = ["latency", "late-after"];

/**
 * Faults the simulator injects, per operation, as the real services produce them.
 * The fault file (`--faults FILE`) is this shape as JSON; see the README.
 */
export interface FaultRule {
  /** `service:Operation`, `service:*` or `*`, e.g. `ec2:DescribeInstances`, `autoscaling:*`. */
  operation: string;
  /**
   * - `throttle`: the service's own throttling error, the operation not done.
   * - `error`: a 5xx (or `status`), the operation not done.
   * - `latency`: `latencyMs` of real time before the operation runs and answers.
   * - `error-after`: the operation is done, then the service's 5xx is answered instead of
   *   its result: a server failing between doing the work and replying. The SDKs retry
   *   500/502/503/504 as transient, so a default client does it again.
   * - `drop-after`: the operation is done, then the connection is destroyed with no answer:
   *   a network failure after the request reached AWS. Node's client sees `ECONNRESET`
   *   ("socket hang up"), which the SDK's standard retry strategy treats as transient and
   *   retries, as it does any connection-level failure with no response.
   * - `late-after`: the operation is done, then the answer waits `latencyMs` of real time: a
   *   slow reply during which the caller's timeout or cancellation fires although AWS has
   *   already done the work (the SDK retries its own `TimeoutError` too).
   */
  kind: FaultKind;
  /** Share of matching calls affected, 0..1 (default 1). */
  rate?: number;
  /** Affect at most this many calls, then stop. */
  count?: number;
  /** For `error` (400..599) and `error-after` (500..599): the HTTP status (default 500). */
  status?: number;
  /** For `latency` and `late-after`: milliseconds of real time (default 1000). */
  latencyMs?: number;
}

/** What happens to a call after its operation ran, when an `-after` fault took it. */
export type AfterFault =
  | { kind: "error-after"; error: AwsError }
  | { kind: "drop-after" }
  | { kind: "late-after"; latencyMs: number };

/** The fault decided for one call: a delay before, an error instead, or something after. */
export interface FaultDecision {
  latencyMs: number;
  /** Answered instead of running the operation. */
  error?: AwsError;
  /** The kind of fault that answered before the operation ran (`throttle`, `error`) or delayed it (`latency`). */
  before?: (typeof BEFORE_KINDS)[number];
  /** Applied once the operation has run; never together with `error`. */
  after?: AfterFault;
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
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${rule.kind}`);
    // AWS fails with a 4xx only when it refuses the request: a 4xx after doing the work
    // would tell the caller it was not done, which no real failure does.
    if (rule.kind === "error-after" && rule.status !== undefined && (rule.status < 500 || rule.status > 599))
      throw new Error(`an error-after fault answers a 5xx, not ${rule.status}`);
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

  /**
   * Decides what happens to one call: a delay to add, an error to answer instead, or what
   * to do after the operation ran. The rules acting before are drawn first, in the order
   * of the fault file, as they always were (so a seed repeats the same run); the `-after`
   * rules are drawn only when the operation will run, and the first that fires wins, so a
   * rule's `count` counts the calls it really spoiled.
   */
  decide(service: Service, operation: string): FaultDecision {
    let latencyMs = 0;
    let error: AwsError | undefined;
    let before: FaultDecision["before"];
    for (const rule of this.rules) {
      if (!isBefore(rule.kind) || !this.fires(rule, service, operation)) continue;
      if (rule.kind === "latency") {
        latencyMs += rule.latencyMs ?? 1000;
        before ??= "latency";
      } else if (!error) {
        error = rule.kind === "throttle" ? THROTTLE[service]() : SERVER_ERROR[service](rule.status ?? 500);
        before = rule.kind;
      }
    }
    const decision: FaultDecision = { latencyMs, ...(before && { before }) };
    if (error) return { ...decision, error };
    for (const rule of this.rules) {
      if (isBefore(rule.kind) || !this.fires(rule, service, operation)) continue;
      if (rule.kind === "error-after")
        return { ...decision, after: { kind: rule.kind, error: SERVER_ERROR[service](rule.status ?? 500) } };
      if (rule.kind === "drop-after") return { ...decision, after: { kind: rule.kind } };
      return { ...decision, after: { kind: "late-after", latencyMs: rule.latencyMs ?? 1000 } };
    }
    return decision;
  }

  /** Whether a rule takes this call: it matches, has calls left, and its rate draws it. */
  private fires(rule: FaultRule & { used: number }, service: Service, operation: string): boolean {
    if (!matches(rule.operation, service, operation)) return false;
    if (rule.count !== undefined && rule.used >= rule.count) return false;
    if (this.random() >= (rule.rate ?? 1)) return false;
    rule.used++;
    return true;
  }
}

function isBefore(kind: FaultKind): kind is (typeof BEFORE_KINDS)[number] {
  return (BEFORE_KINDS as readonly string[]).includes(kind);
}

function matches(pattern: string, service: string, operation: string): boolean {
  if (pattern === "*") return true;
  const [s, op] = pattern.split(":");
  return s === service && (op === "*" || op === operation);
}
