import type { Availability, ParityReport } from "@deploy/aws";
import { DeployError } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import type { FoundDeployment, PromotionPlan, Release } from "@deploy/release";
import { describe, expect, it } from "vitest";
import type { Settings } from "./inputs.ts";
import { planLines, promotionSummary, refusedSummary, sweepSummary } from "./summary.ts";

const RUN = testRunContext();
const release = (n: string, createdAt: string, amis: Record<string, string>): Release => ({
  schema: 1,
  commit: n.repeat(40),
  repository: "acme/shop",
  amis,
  createdAt,
  run: { id: 4000, attempt: 1, url: "https://github.com/acme/shop/actions/runs/4000" },
});
const found = (id: number, r: Release, state: FoundDeployment["state"] = "success"): FoundDeployment => ({
  id,
  url: `https://api.github.com/repos/acme/shop/deployments/${id}`,
  commit: r.commit,
  environment: "stage",
  createdAt: "2026-11-26T09:00:00Z",
  release: r,
  state,
});

const SETTINGS: Settings = {
  token: "t",
  promotion: { repository: "acme/shop", from: "stage", to: "production", requiredChecks: [], allowRollback: true },
  region: "us-east-1",
  copyToRegions: [],
  kmsKeyIds: {},
  timeoutMs: 3_600_000,
  pollIntervalMs: 15_000,
};
const STAGED = release("a", "2026-11-20T10:00:00Z", { "eu-west-1": "ami-0a1b2c3d4e5f60001" });
const NOT_COMPARED: ParityReport = { compared: false, why: "not set.", rows: [], differences: [], unexpected: [] };

function plan(overrides: Partial<PromotionPlan> = {}): PromotionPlan {
  return {
    source: found(7, STAGED, "inactive"),
    skipped: [],
    release: STAGED,
    checks: [],
    rollback: false,
    sameCommit: false,
    ageMs: 6 * 86_400_000,
    notes: [],
    ...overrides,
  };
}

describe("promotionSummary", () => {
  const availability: Availability = {
    amis: { "eu-west-1": "ami-0a1b2c3d4e5f60001", "us-east-1": "ami-0a1b2c3d4e5f60009" },
    sourceRegion: "eu-west-1",
    copied: [],
    sharedWith: [],
  };
  const promoted = { ...STAGED, amis: availability.amis };

  it("says when production runs nothing yet, the source was superseded, a copy was found, and the groups were not compared", () => {
    const text = promotionSummary({
      settings: SETTINGS,
      plan: plan(),
      release: promoted,
      availability,
      parity: NOT_COMPARED,
      run: RUN,
      durationMs: 1_500,
    }).toString();
    expect(text).toContain("| Commit | (nothing recorded) | aaaaaaa |");
    expect(text).toContain("success, since superseded by a deployment not made by deploy");
    expect(text).toContain("| Image | none (the release has no container image) |");
    expect(text).toMatch(
      /\| us-east-1 \(production\) \| \[ami-0a1b2c3d4e5f60009\]\([^)]+\) \| copy found \(same bake key\) \|/,
    );
    expect(text).toContain("| eu-west-1 | [ami-0a1b2c3d4e5f60001]");
    expect(text).toContain('No required checks ("required-checks" is empty).');
    expect(text).toContain("Not compared: not set.");
    expect(text).not.toContain("passed over");
  });

  it("lists the plan's notes (an allowed rollback) and the log lines say what production runs", () => {
    const current = found(9, release("b", "2026-11-25T10:00:00Z", { "us-east-1": "ami-0a1b2c3d4e5f60002" }));
    const notes = ["Rolling production back from bbbbbbb to aaaaaaa: allow-rollback is set."];
    const p = plan({ current, rollback: true, notes });
    const text = promotionSummary({
      settings: SETTINGS,
      plan: p,
      release: promoted,
      availability,
      parity: NOT_COMPARED,
      run: RUN,
      durationMs: 0,
    }).toString();
    expect(text).toContain(`- ${notes[0]}`);
    expect(text).toContain("| AMI in us-east-1 | ami-0a1b2c3d4e5f60002 | ami-0a1b2c3d4e5f60009 |");
    expect(planLines(p, SETTINGS)).toEqual(
      expect.arrayContaining([
        "production runs now: bbbbbbb (deployment 9)",
        notes[0],
        "From: stage deployment 7, succeeded (inactive)",
      ]),
    );
  });
});

describe("refusedSummary", () => {
  it("shows what, why and the fix", () => {
    const error = new DeployError({ what: "No.", why: "Because.", fix: "Do this.", code: "ParityFailed" });
    expect(refusedSummary(error, SETTINGS).toString()).toBe(
      "## Promote stage → production: refused ❌\n\n**No.** Because.\n\nFix: Do this.\n",
    );
  });
});

describe("sweepSummary", () => {
  it("names what was removed, and keeps a finished copy", () => {
    const text = sweepSummary(
      { terminated: [], deregistered: ["ami-0a1b2c3d4e5f60003"], deletedSnapshots: ["snap-1"], kept: [] },
      [
        { kind: "image", region: "us-east-1", imageId: "ami-0a1b2c3d4e5f60003" },
        { kind: "image", region: "ap-southeast-2", imageId: "ami-0a1b2c3d4e5f60004" },
      ],
      ["us-east-1", "ap-southeast-2"],
      RUN,
    ).toString();
    expect(text).toContain("removed the copies this run attempt left unfinished in us-east-1, ap-southeast-2:");
    expect(text).toContain("- Deregistered the unfinished copy ami-0a1b2c3d4e5f60003\n- Deleted the snapshot snap-1");
    expect(text).toMatch(/Copy \[ami-0a1b2c3d4e5f60004\]\([^)]+\) in ap-southeast-2: finished, kept/);
  });

  it("says when there was nothing to remove", () => {
    const text = sweepSummary(
      { terminated: [], deregistered: [], deletedSnapshots: [], kept: [] },
      [],
      ["us-east-1"],
      RUN,
    );
    expect(text.toString()).toContain("found no unfinished copy of this run attempt in us-east-1.");
  });
});
