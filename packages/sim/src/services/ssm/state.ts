import type { Tag } from "../ec2/state.ts";

export type { Tag };

/**
 * The SSM part of a region: Parameter Store and Run Command. Commands keep the order in
 * which they were sent (a Map iterates in insertion order), which is what the list
 * operations page through.
 */
export type ParameterType = "String" | "StringList" | "SecureString";

/** One version of a parameter, as GetParameterHistory lists it. */
export interface ParameterVersion {
  version: number;
  type: ParameterType;
  value: string;
  lastModifiedDate: number;
  /** `text`, or `aws:ec2:image` for parameters that hold an AMI id. */
  dataType: string;
  tier: "Standard" | "Advanced";
  description?: string;
  keyId?: string;
  allowedPattern?: string;
  /** At most 10; a label is on one version of a parameter at a time. */
  labels: string[];
}

/** A parameter is its latest version, plus the versions Parameter Store keeps (at most 100, oldest first, the latest last). */
export interface Parameter extends ParameterVersion {
  name: string;
  tags: Tag[];
  history: ParameterVersion[];
}

/** An invocation's `Status`; `StatusDetails` says more (e.g. `ExecutionTimedOut`, `Undeliverable`). */
export type InvocationStatus = "Pending" | "InProgress" | "Success" | "Failed" | "TimedOut" | "Cancelled";

/** One command on one instance. */
export interface Invocation {
  commandId: string;
  instanceId: string;
  status: InvocationStatus;
  statusDetails: string;
  /** -1 until the script has ended with an exit code, as AWS reports it. */
  responseCode: number;
  stdout: string;
  stderr: string;
  startedAt?: number;
  endedAt?: number;
  /** Ends a real process (exec mode); set while it runs. */
  kill?: () => void;
}

export interface Command {
  id: string;
  documentName: string;
  parameters: Record<string, string[]>;
  /** The instance ids as requested (empty when Targets chose them). */
  instanceIds: string[];
  targets: { Key: string; Values: string[] }[];
  comment: string;
  timeoutSeconds: number;
  executionTimeoutSeconds: number;
  requestedAt: number;
  outputS3BucketName: string;
  outputS3KeyPrefix: string;
  invocations: Map<string, Invocation>;
}

export interface SsmState {
  parameters: Map<string, Parameter>;
  commands: Map<string, Command>;
}

export function emptySsmState(): SsmState {
  return { parameters: new Map(), commands: new Map() };
}

export const TERMINAL: ReadonlySet<InvocationStatus> = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);
