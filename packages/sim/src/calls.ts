import { createHash } from "node:crypto";
import type { FaultKind, Service } from "./faults.ts";

/**
 * Every request the simulator answered (or failed on purpose), for tests that count API
 * calls: "a dry run makes no mutating call", "calls per minute do not grow with the fleet".
 */
export interface CallRecord {
  /** `service:Operation`, e.g. `ec2:RunInstances`, `autoscaling:StartInstanceRefresh`, `github:POST /repos/{owner}/{repo}/deployments`. */
  operation: string;
  region: string;
  /** Virtual time of the call. */
  at: number;
  /**
   * The error code answered, if any (a fault or a real error). After a `drop-after` fault
   * nothing was answered: this is the operation's own error, if it had one, lost with the
   * connection.
   */
  error?: string;
  /**
   * The request's parameters, secrets redacted (see `requestParams`): the decoded form
   * fields of a Query request (`{ "MinCount": "1", "TagSpecification.1.ResourceType": "instance" }`),
   * the parsed body of an SSM request, the JSON body of a GitHub request (never its
   * headers, so never its token). Absent when the request had none or its body did not parse.
   */
  params?: Record<string, unknown>;
  /**
   * The fault that shaped the call, if one did. `throttle` and `error`: answered instead,
   * the operation not done; `latency`: delayed, then done; `error-after`, `drop-after`,
   * `late-after`: the operation was done, and its answer was replaced, lost or late. So
   * "performed, answer lost" is `fault` ending in `-after`.
   */
  fault?: FaultKind;
}

const READ_ONLY = /^(?:\w+:)?(?:Describe|Get|List)|^github:GET /;

export function isMutating(operation: string): boolean {
  return !READ_ONLY.test(operation);
}

export class CallLog {
  readonly records: CallRecord[] = [];

  record(call: CallRecord): void {
    this.records.push(call);
  }

  /** Calls of one operation (`ec2:RunInstances`), or of all when none is named. */
  count(operation?: string): number {
    return operation ? this.records.filter((r) => r.operation === operation).length : this.records.length;
  }

  /** Calls per operation, e.g. `{ "ec2:DescribeImages": 3 }`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.records) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
    return counts;
  }

  /** Calls that can change something: anything but Describe*, Get*, List* and GitHub GETs. */
  mutating(): CallRecord[] {
    return this.records.filter((r) => isMutating(r.operation));
  }

  /** Forgets what was recorded, so a test can count from a point on. */
  reset(): void {
    this.records.length = 0;
  }
}

/** What stands for a secret in the log. */
export const REDACTED = "[redacted]";

/** Query parameters holding user data: `UserData` (RunInstances), `LaunchTemplateData.UserData`, `UserData.Value` (ModifyInstanceAttribute). */
const USER_DATA = /(?:^|\.)UserData(?:\.Value)?$/;

/**
 * A request's parameters as the call log keeps them, secrets taken out. Real user data
 * often carries credentials, so EC2 `UserData` is replaced by a digest,
 * `[redacted sha256:<hex>]`: a test can still tell two launches' scripts apart, or assert
 * the one it expects, without the log holding the script. An SSM `PutParameter`'s `Value`
 * is redacted outright (a digest of a short password can be guessed) unless its `Type` is
 * `String` or `StringList`: an overwrite may leave `Type` out and keep a SecureString.
 * Responses are never logged, so `GetParameter`'s decrypted values are not either.
 */
export function requestParams(
  service: Service,
  operation: string,
  params: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (params === undefined) return undefined;
  if (service === "ec2" || service === "autoscaling") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      out[key] = USER_DATA.test(key) && typeof value === "string" ? digest(value) : value;
    }
    return out;
  }
  if (service === "ssm" && operation === "PutParameter" && "Value" in params) {
    const plain = params.Type === "String" || params.Type === "StringList";
    return plain ? params : { ...params, Value: REDACTED };
  }
  return params;
}

function digest(value: string): string {
  return `[redacted sha256:${createHash("sha256").update(value).digest("hex")}]`;
}
