import { testRunContext, virtualClock } from "@deploy/core/testing";
import { parseRelease } from "@deploy/release";
import { describe, expect, it } from "vitest";
import type { Settings } from "./inputs.ts";
import { imageLabels } from "./labels.ts";
import { imageRelease, tagExists } from "./outcome.ts";
import { imageSummary } from "./summary.ts";

const RUN = testRunContext();
const DIGEST = `sha256:${"9b1e".repeat(16)}`;
const NOW = new Date("2026-11-26T10:00:00Z");
const SETTINGS: Settings = {
  image: { registry: "ghcr.io", repository: "acme/shop", name: "ghcr.io/acme/shop" },
  tag: RUN.commit,
  context: "/w/app",
  file: "/w/app/Containerfile",
  buildArgs: {},
  labels: {},
  platforms: [],
  builder: "buildah",
  push: true,
  cache: false,
  skipIfExists: true,
};
const LABELS = imageLabels(RUN, { "com.example.team": "shop" }, NOW);

describe("imageLabels", () => {
  it("sets the OCI labels from the run, then the labels input", () => {
    expect(imageLabels(RUN, { "com.example.team": "shop", "org.opencontainers.image.title": "Shop" }, NOW)).toEqual({
      "org.opencontainers.image.revision": RUN.commit,
      "org.opencontainers.image.source": `${RUN.serverUrl}/${RUN.repository}`,
      "org.opencontainers.image.created": "2026-11-26T10:00:00.000Z",
      "org.opencontainers.image.title": "Shop",
      "com.example.team": "shop",
    });
    expect(imageLabels({ ...RUN, repository: "acme/web" }, {}, NOW)["org.opencontainers.image.title"]).toBe("web");
  });
});

describe("imageSummary", () => {
  it("shows the image, digest, tag, labels, built, and the duration", () => {
    const text = imageSummary(SETTINGS, { skipped: false, digest: DIGEST, labels: LABELS }, RUN, 83_000).toString();
    expect(text).toContain("## Build image: ghcr.io/acme/shop ✅");
    expect(text).toContain(`Built **ghcr.io/acme/shop:${RUN.commit}** with buildah and pushed it. 1m 23s in all.`);
    expect(text).toContain(`| Image | \`ghcr.io/acme/shop@${DIGEST}\` |`);
    expect(text).toContain(`| Digest | \`${DIGEST}\` |`);
    expect(text).toContain(`| Tag | \`${RUN.commit}\` |`);
    expect(text).toContain("| Result | built and pushed |");
    expect(text).toContain("| Platforms | the builder's own |");
    expect(text).toContain("| Duration | 1m 23s |");
    expect(text).toContain(`| org.opencontainers.image.revision | ${RUN.commit} |`);
    expect(text).toContain("| com.example.team | shop |");
    expect(text).toContain(`[Workflow run](${RUN.runUrl})`);
  });

  it("says a skipped build built nothing, with the labels the registry serves", () => {
    const text = imageSummary(SETTINGS, { skipped: true, digest: DIGEST, labels: { a: "b" } }, RUN, 900).toString();
    expect(text).toContain(
      `Skipped: the registry has **ghcr.io/acme/shop:${RUN.commit}** already, so nothing was built or pushed. 900ms in all.`,
    );
    expect(text).toContain("| Result | skipped |");
    expect(text).toContain("| Builder | none |");
    expect(text).toContain("| a | b |");
  });

  it("says when the skipped image's labels could not be read", () => {
    const text = imageSummary(SETTINGS, { skipped: true, digest: DIGEST }, RUN, 900).toString();
    expect(text).toContain("The existing image's labels could not be read.");
  });

  it("shows a build that was not pushed, and its platforms", () => {
    const settings = {
      ...SETTINGS,
      push: false,
      builder: "docker" as const,
      platforms: ["linux/amd64", "linux/arm64"],
    };
    const text = imageSummary(settings, { skipped: false, labels: LABELS }, RUN, 5_000).toString();
    expect(text).toContain('with docker; not pushed ("push" is false).');
    expect(text).toContain("| Image | none: not pushed |");
    expect(text).toContain("| Result | built, not pushed |");
    expect(text).toContain("| Platforms | linux/amd64, linux/arm64 |");
  });
});

describe("outcome", () => {
  it("makes a release of the commit with the image by digest, as bake-ami reads it", () => {
    const release = imageRelease({ run: RUN, clock: virtualClock(NOW.getTime()) }, `ghcr.io/acme/shop@${DIGEST}`);
    expect(parseRelease(JSON.stringify(release))).toEqual({
      schema: 1,
      commit: RUN.commit,
      repository: RUN.repository,
      image: `ghcr.io/acme/shop@${DIGEST}`,
      amis: {},
      createdAt: NOW.toISOString(),
      run: { id: Number(RUN.runId), attempt: Number(RUN.runAttempt), url: RUN.runUrl },
    });
  });

  it("says why an existing tag fails the step and how to go on", () => {
    const error = tagExists({ ...SETTINGS, skipIfExists: false }, DIGEST);
    expect(error.what).toBe(`The tag ghcr.io/acme/shop:${RUN.commit} exists already, and a tag is never pushed twice.`);
    expect(error.why).toContain(DIGEST);
    expect(error.fix).toContain('Set "skip-if-exists" to true');
    expect(error.fix).toContain("delete the tag");
    expect(error.input).toBe("skip-if-exists");
  });
});
