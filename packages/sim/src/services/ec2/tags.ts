import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { Tag } from "./state.ts";

const MAX_TAGS = 50;

/** A resource's tags as EC2 answers them; AWS leaves `tagSet` out when there are none. */
export function tagSet(tags: readonly Tag[]): { key: string; value: string }[] | undefined {
  return tags.length > 0 ? tags.map((t) => ({ key: t.Key, value: t.Value })) : undefined;
}

/** `existing` with `added` applied: a key that is already there gets the new value. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value);
  if (byKey.size > MAX_TAGS) {
    throw new AwsError("TagLimitExceeded", `The maximum number of tags per resource is ${MAX_TAGS}.`);
  }
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/** Keys starting with `aws:` belong to AWS (launch template and Auto Scaling tags). */
export function checkUserTags(tags: readonly Tag[]): Tag[] {
  for (const t of tags) {
    if (t.Key.toLowerCase().startsWith("aws:")) {
      throw new AwsError("InvalidTagKey.Malformed", `Tag keys starting with 'aws:' are reserved for internal use`);
    }
  }
  return [...tags];
}

/**
 * The `TagSpecification.N` list of a create call, by resource type. Each operation tags only
 * some resource types (RunInstances: instance, volume, ...; CreateImage: image, snapshot).
 */
export function tagSpecifications(
  params: QueryParams,
  allowedTypes: readonly string[],
  name = "TagSpecification",
): Map<string, Tag[]> {
  const byType = new Map<string, Tag[]>();
  for (const spec of params.structs(name)) {
    const type = spec.requiredStr("ResourceType");
    if (!allowedTypes.includes(type)) {
      throw new AwsError(
        "InvalidParameterValue",
        `'${type}' is not a valid taggable resource type for this operation.`,
      );
    }
    byType.set(type, mergeTags(byType.get(type) ?? [], checkUserTags(spec.tags("Tag"))));
  }
  return byType;
}

export function tagsFromRecord(record: Record<string, string> | undefined): Tag[] {
  return Object.entries(record ?? {}).map(([Key, Value]) => ({ Key, Value }));
}
