import type { AwsClients } from "../clients.ts";

export interface ParityRow {
  aspect: string;
  source: string;
  target: string;
  same: boolean;
  /** Capacity and environment differences are expected; structural ones are warnings (failures with require-parity). */
  expected: boolean;
}

export interface ParityReport {
  compared: boolean;
  /** Why not compared. */
  why?: string;
  rows: ParityRow[];
  /** Rows that differ (expected or not). */
  differences: ParityRow[];
  /** Differences that are not expected: warnings, failures with require-parity. */
  unexpected: ParityRow[];
}

export interface GroupSide {
  clients: AwsClients;
  group: string;
  /** The environment's name, normalised away in user data like the group's. */
  environment?: string;
}

/**
 * Compares two Auto Scaling groups: instance family and architecture, AMI lineage, user-data
 * template (hash of the user data with the environment's values normalised), health check
 * type, availability zones, capacity (expected to differ).
 */
export async function compareGroups(_source: GroupSide, _target: GroupSide): Promise<ParityReport> {
  throw new Error("not yet");
}
