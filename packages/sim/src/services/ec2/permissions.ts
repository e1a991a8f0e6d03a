import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import { isAccountId } from "./owners.ts";
import { PUBLIC } from "./snapshot-store.ts";

/**
 * Sharing an image (launch permission) or a snapshot (create-volume permission) takes two
 * request forms: `LaunchPermission.Add.N.UserId` / `.Group`, or the older
 * `Attribute=launchPermission&OperationType=add&UserId.N=...&UserGroup.N=all`. Both come
 * down to account ids and `all` (public) to add and to remove.
 */
export interface PermissionChanges {
  add: string[];
  remove: string[];
}

export function readPermissionChanges(
  params: QueryParams,
  options: { struct: string; attribute: string; groupList: string; invalidUserCode: string },
): PermissionChanges | undefined {
  const struct = params.struct(options.struct);
  let changes: PermissionChanges | undefined;
  if (struct) {
    changes = { add: principals(struct.structs("Add")), remove: principals(struct.structs("Remove")) };
  } else if (params.str("Attribute") === options.attribute) {
    const operation = params.requiredStr("OperationType");
    if (operation !== "add" && operation !== "remove") {
      throw new AwsError("InvalidParameterValue", `Value (${operation}) for parameter operationType is invalid.`);
    }
    const listed = [...params.strings("UserId"), ...params.strings(options.groupList).map(group)];
    changes = { add: operation === "add" ? listed : [], remove: operation === "remove" ? listed : [] };
  }
  for (const principal of [...(changes?.add ?? []), ...(changes?.remove ?? [])]) {
    if (principal !== PUBLIC && !isAccountId(principal)) {
      throw new AwsError(options.invalidUserCode, `Invalid attribute item value "${principal}" for userId item type.`);
    }
  }
  return changes;
}

function principals(entries: QueryParams[]): string[] {
  return entries.map((entry) => {
    const groupName = entry.str("Group");
    return groupName !== undefined ? group(groupName) : entry.requiredStr("UserId");
  });
}

function group(name: string): string {
  if (name !== PUBLIC)
    throw new AwsError("InvalidParameterValue", `Invalid value '${name}' for group: only 'all' exists`);
  return PUBLIC;
}

export function applyPermissionChanges(current: readonly string[], changes: PermissionChanges): string[] {
  const result = new Set(current);
  for (const p of changes.add) result.add(p);
  for (const p of changes.remove) result.delete(p);
  return [...result];
}

/** Permissions as the describe-attribute calls answer them. */
export function permissionsXml(principals: readonly string[]): { userId?: string; group?: string }[] {
  return principals.map((p) => (p === PUBLIC ? { group: PUBLIC } : { userId: p }));
}
