import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RequestContext } from "../types.ts";
import { kindOfId, wellFormed } from "./ids.ts";
import { findImage } from "./image-store.ts";
import { findInstance } from "./instances.ts";
import { findLaunchTemplate } from "./launch-templates.ts";
import { findSnapshot } from "./snapshots.ts";
import type { Tag } from "./state.ts";
import { checkUserTags, mergeTags } from "./tags.ts";

/**
 * CreateTags and DeleteTags on any taggable resource, found as a describe by id finds it:
 * tagging a just-launched instance can answer NotFound, as in AWS.
 */
function taggable({ world, region, now }: RequestContext, id: string): { tags: Tag[] } {
  switch (kindOfId(id)) {
    case "instance":
      return findInstance(world, region, wellFormed("instance", id), now);
    case "image":
      return findImage(world, region, id, now);
    case "snapshot":
      return findSnapshot(world, region, id);
    case "launchTemplate":
      return findLaunchTemplate(region, { id });
    default:
      throw new AwsError("InvalidID", `The ID '${id}' is not valid`);
  }
}

function resources(params: QueryParams, ctx: RequestContext): { tags: Tag[] }[] {
  const ids = params.strings("ResourceId");
  if (ids.length === 0) throw new AwsError("MissingParameter", "The request must contain the parameter ResourceId");
  return ids.map((id) => taggable(ctx, id));
}

function createTags(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const targets = resources(params, ctx);
  const tags = checkUserTags(params.tags("Tag"));
  if (tags.length === 0) throw new AwsError("MissingParameter", "The request must contain the parameter Tag");
  for (const target of targets) target.tags = mergeTags(target.tags, tags);
  return { return: true };
}

/** A tag given with a value is deleted only if the value matches; no tags at all deletes every user tag. */
function deleteTags(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const targets = resources(params, ctx);
  const given = params.structs("Tag").map((t) => ({ key: t.requiredStr("Key"), value: t.str("Value") }));
  const doomed = (tag: Tag) =>
    given.length === 0
      ? !tag.Key.startsWith("aws:")
      : given.some((g) => g.key === tag.Key && (g.value === undefined || g.value === tag.Value));
  for (const target of targets) target.tags = target.tags.filter((tag) => !doomed(tag));
  return { return: true };
}

export const taggingOperations = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
};
