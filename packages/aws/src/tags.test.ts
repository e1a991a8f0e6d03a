import { describe, expect, it } from "vitest";
import { resourceTags, TAG, tagValue, withUserTags } from "./tags.ts";

const ctx = { commit: "3f9c2b7e8d1a4c6b9e0f1a2b3c4d5e6f7a8b9c0d", runId: "4242", runAttempt: "2" };

describe("resource tags", () => {
  it("tags with the suite, the release, the run attempt, and the role and bake key where given", () => {
    expect(resourceTags(ctx, { role: "builder", bakeKey: "sha256:ab" })).toEqual([
      { Key: "deploy:managed-by", Value: "deploy" },
      { Key: "deploy:release", Value: ctx.commit },
      { Key: "deploy:run", Value: "4242-2" },
      { Key: "deploy:bake-key", Value: "sha256:ab" },
      { Key: "deploy:role", Value: "builder" },
    ]);
    expect(resourceTags(ctx).map((t) => t.Key)).toEqual([TAG.managedBy, TAG.release, TAG.run]);
  });

  it("adds user tags without letting them overwrite the suite's", () => {
    const tags = withUserTags(resourceTags(ctx), { team: "shop", "deploy:run": "forged" });
    expect(tagValue(tags, "team")).toBe("shop");
    expect(tags.filter((t) => t.Key === TAG.run)).toEqual([{ Key: TAG.run, Value: "4242-2" }]);
  });
});
