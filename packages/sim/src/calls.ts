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
  /** The error code answered, if any (a fault or a real error). */
  error?: string;
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
