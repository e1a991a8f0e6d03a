import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { renderAmiName } from "./image.ts";

const VARS = {
  commit: "3f9c2b1a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
  date: new Date("2026-11-26T10:04:05.678Z"),
  bakeKey: "sha256:51d0e2f4c3b2a1908f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

describe("renderAmiName", () => {
  it("fills every placeholder", () => {
    expect(renderAmiName("shop-{{short-commit}}-{{ date }}-{{bake-key}}", VARS)).toBe(
      "shop-3f9c2b1-20261126-100405-51d0e2f4c3b2",
    );
    expect(renderAmiName("shop {{commit}}", VARS)).toBe(`shop ${VARS.commit}`);
  });

  it("refuses an unknown placeholder, naming it and the ones there are", () => {
    const error = deployErrorFrom(() => renderAmiName("shop-{{sha}}", VARS));
    expect(error).toMatchObject({ input: "ami-name", code: "UnknownPlaceholder" });
    expect(error.what).toContain("{{sha}}");
    expect(error.fix).toContain("{{bake-key}}");
  });

  it.each([
    ["a character AWS refuses", "shop:{{bake-key}}"],
    ["too short", "ab"],
    ["too long", `${"x".repeat(120)}-{{bake-key}}`],
  ])("refuses a name with %s, showing what it rendered to", (_, template) => {
    const error = deployErrorFrom(() => renderAmiName(template, VARS));
    expect(error).toMatchObject({ input: "ami-name", code: "InvalidAmiName" });
    expect(error.why).toContain(template.replace("{{bake-key}}", "51d0e2f4c3b2"));
  });
});
