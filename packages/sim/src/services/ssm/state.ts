import type { Tag } from "../ec2/state.ts";

export type { Tag };

/**
 * The SSM part of a region: Parameter Store and Run Command. Commands keep the order in
 * which they were sent (a Map iterates in insertion order), which is what the list
 * operations page through.
 */
export type ParameterType = "String" | "StringList" | "SecureString";

export interface Parameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModifiedDate: number;
  /** `text`, or `aws:ec2:image` for parameters that hold an AMI id. */
  dataType: string;
  tier: "Standard" | "Advanced";
  description?: string;
  keyId?: string;
  tags: Tag[];
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
