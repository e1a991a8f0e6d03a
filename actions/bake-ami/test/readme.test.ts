// The README's least-privilege policy names every AWS call the bake makes, and nothing
// else, and its bake-key formula is the one packages/release defines: neither can fall
// behind the code.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");
const readme = read("actions/bake-ami/README.md");

/** The first fenced block after `marker` in `text`. */
function blockAfter(text: string, marker: string): string {
  const start = text.indexOf(marker);
  expect(start, `${marker} in the text`).toBeGreaterThanOrEqual(0);
  const fence = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(start));
  if (!fence?.[1]) throw new Error(`no code block after ${marker}`);
  return fence[1];
}

interface Statement {
  Effect: string;
  Action: string | string[];
}

/**
 * `service:Operation` for every AWS SDK command and paginator the bake code imports: the
 * files of packages/aws/src/bake and the modules of packages/aws/src they import.
 */
function bakeCalls(): string[] {
  const bake = "packages/aws/src/bake";
  const files = readdirSync(new URL(`${bake}/`, root))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => `${bake}/${f}`);
  const imported = files.flatMap((file) =>
    [...read(file).matchAll(/from "(\.\.\/[\w-]+\.ts)"/g)].map((m) => path.posix.join(bake, m[1] as string)),
  );
  const calls = new Set<string>();
  for (const file of new Set([...files, ...imported])) {
    for (const [, names, service] of read(file).matchAll(
      /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-([\w-]+)"/g,
    )) {
      for (const name of (names as string).split(",").map((n) => n.replace(/^\s*type\s+/, "").trim())) {
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (operation) calls.add(`${service}:${operation}`);
      }
    }
  }
  return [...calls].sort();
}

describe("README: the workflow role's policy", () => {
  const policy = JSON.parse(blockAfter(readme, "<!-- iam-policy:workflow-role -->")) as {
    Version: string;
    Statement: Statement[];
  };
  const allowed = new Set(
    policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );

  it("is a policy document", () => {
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.length).toBeGreaterThan(0);
  });

  it("allows every AWS call the bake code makes", () => {
    const calls = bakeCalls();
    // The scan finds the calls it must: a broken scan would pass any policy.
    expect(calls).toEqual(expect.arrayContaining(["ec2:RunInstances", "ec2:CreateImage", "ssm:SendCommand"]));
    expect(calls.filter((call) => !allowed.has(call))).toEqual([]);
  });

  it("allows nothing else, but the tags and the role those calls need", () => {
    // RunInstances with TagSpecifications needs ec2:CreateTags, and with an instance profile iam:PassRole.
    const implied = ["ec2:CreateTags", "iam:PassRole"];
    const calls = new Set([...bakeCalls(), ...implied]);
    expect([...allowed].filter((action) => !calls.has(action))).toEqual([]);
  });
});

describe("README: the bake key", () => {
  it("quotes the formula of packages/release/BAKE-KEY.md", () => {
    const formula = blockAfter(read("packages/release/BAKE-KEY.md"), "## The formula");
    expect(blockAfter(readme, "<!-- bake-key:formula")).toBe(formula);
  });
});
