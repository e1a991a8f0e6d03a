/**
 * The tags on everything the suite creates. They are how a later step, a re-run or a
 * clean-up finds what a run made: `deploy:run` names the run and attempt, `deploy:release`
 * the commit, `deploy:role` what the resource is for.
 */
export const TAG = {
  managedBy: "deploy:managed-by",
  release: "deploy:release",
  run: "deploy:run",
  bakeKey: "deploy:bake-key",
  role: "deploy:role",
  /** Blue/green: the base group's name, on every group a blue/green rollout creates for it. */
  family: "deploy:family",
} as const;

export type Tag = { Key: string; Value: string };

export type ResourceRole = "builder" | "image" | "green" | "blue" | "launch-template";

export interface TagContext {
  commit: string;
  runId: string;
  runAttempt: string;
}

/** `<run id>-<attempt>`: one attempt's resources, so a retry can tell its own from the last one's. */
export function runTagValue(ctx: TagContext): string {
  return `${ctx.runId}-${ctx.runAttempt}`;
}

export function resourceTags(ctx: TagContext, extra: { role?: ResourceRole; bakeKey?: string } = {}): Tag[] {
  const tags: Tag[] = [
    { Key: TAG.managedBy, Value: "deploy" },
    { Key: TAG.release, Value: ctx.commit },
    { Key: TAG.run, Value: runTagValue(ctx) },
  ];
  if (extra.bakeKey) tags.push({ Key: TAG.bakeKey, Value: extra.bakeKey });
  if (extra.role) tags.push({ Key: TAG.role, Value: extra.role });
  return tags;
}

/** Adds the user's own tags after the suite's, refusing to overwrite the suite's. */
export function withUserTags(tags: Tag[], user: Record<string, string>): Tag[] {
  const reserved = new Set(tags.map((t) => t.Key));
  return [
    ...tags,
    ...Object.entries(user)
      .filter(([k]) => !reserved.has(k))
      .map(([Key, Value]) => ({ Key, Value })),
  ];
}

export function tagValue(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
