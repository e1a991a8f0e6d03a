import { AwsError } from "../../protocol/errors.ts";
import type { RegionState } from "../../world.ts";
import type { Group } from "./state.ts";

/** Auto Scaling answers most mistakes with a plain ValidationError. */
export function validation(message: string): AwsError {
  return new AwsError("ValidationError", message);
}

/** A group by name; `live` refuses one that is being deleted, as changes to it are refused. */
export function requireGroup(region: RegionState, name: string, live = true): Group {
  const group = region.autoscaling.groups.get(name);
  if (!group) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
  if (live && group.deleting) throw validation(`AutoScalingGroup ${name} is pending delete.`);
  return group;
}

/** MaxRecords, bounded as the API bounds it. */
export function maxRecords(value: number | undefined, max: number): number | undefined {
  if (value !== undefined && (value < 1 || value > max)) {
    throw validation(
      `1 validation error detected: Value '${value}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return value;
}
