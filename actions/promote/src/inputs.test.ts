import { readFileSync } from "node:fs";
import { createInputs } from "@deploy/core";
import { deployErrorFrom, testRunContext } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BAD_INPUTS, BASE, COMMIT, RELEASE } from "../test/bad-inputs.ts";
import { DEFAULTS, readSettings } from "./inputs.ts";

const RUN = testRunContext();
const ENV = { AWS_REGION: "eu-west-1" };

function settings(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  return readSettings(
    createInputs(
      (name) => values[name],
      () => {},
    ),
    RUN,
    env,
  );
}

const failure = (values: Record<string, string>, env: NodeJS.ProcessEnv = ENV) =>
  deployErrorFrom(() => settings(values, env));

describe("readSettings", () => {
  it("reads a promotion of the newest stage success with the defaults action.yml declares", () => {
    expect(settings({ ...DEFAULTS, ...BASE })).toEqual({
      token: BASE["github-token"],
      promotion: { repository: "acme/shop", from: "stage", to: "production", requiredChecks: [], allowRollback: false },
      region: "eu-west-1",
      copyToRegions: [],
      kmsKeyIds: {},
      timeoutMs: 60 * 60_000,
      pollIntervalMs: 15_000,
    });
  });

  it("reads every input", () => {
    const s = settings({
      ...BASE,
      "from-environment": "qa",
      "to-environment": "prod-eu",
      release: COMMIT.toUpperCase(),
      region: "eu-central-1",
      "copy-to-regions": "us-east-1, eu-central-1\nus-east-1, ap-southeast-2",
      "target-account": "210987654321",
      "kms-key-id":
        "us-east-1=alias/shop\nap-southeast-2=arn:aws:kms:ap-southeast-2:210987654321:key/mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "required-checks": "test\nlint, test",
      "max-age": "14d",
      "allow-rollback": "yes",
      "source-group": "shop-qa",
      "source-region": "eu-west-1",
      "target-group": "shop-prod",
      "require-parity": "true",
      timeout: "2h",
      "poll-interval": "1s",
    });
    expect(s).toEqual({
      token: BASE["github-token"],
      promotion: {
        repository: "acme/shop",
        from: "qa",
        to: "prod-eu",
        wanted: { commit: COMMIT },
        requiredChecks: ["test", "lint"],
        maxAgeMs: 14 * 24 * 3_600_000,
        allowRollback: true,
      },
      region: "eu-central-1",
      copyToRegions: ["us-east-1", "ap-southeast-2"],
      targetAccount: "210987654321",
      kmsKeyIds: {
        "us-east-1": "alias/shop",
        "ap-southeast-2": "arn:aws:kms:ap-southeast-2:210987654321:key/mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      },
      parity: {
        source: { region: "eu-west-1", group: "shop-qa" },
        target: { region: "eu-central-1", group: "shop-prod" },
        require: true,
      },
      timeoutMs: 2 * 3_600_000,
      pollIntervalMs: 1_000,
    });
  });

  it("takes a release record to verify, and compares groups in region unless source-region says otherwise", () => {
    const s = settings({
      ...BASE,
      release: JSON.stringify(RELEASE),
      "source-group": "shop-stage",
      "target-group": "shop-production",
    });
    expect(s.promotion.wanted).toEqual({ release: RELEASE });
    expect(s.parity).toEqual({
      source: { region: "eu-west-1", group: "shop-stage" },
      target: { region: "eu-west-1", group: "shop-production" },
      require: false,
    });
  });

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION", () => {
    const { region: _, ...values } = BASE;
    expect(settings(values, { AWS_REGION: "us-east-1" }).region).toBe("us-east-1");
    expect(settings(values, { AWS_DEFAULT_REGION: "us-east-2" }).region).toBe("us-east-2");
  });

  it("masks the token as it reads it", () => {
    const masked: string[] = [];
    readSettings(
      createInputs(
        (name) => (BASE as Record<string, string>)[name],
        (value) => masked.push(value),
      ),
      RUN,
      ENV,
    );
    expect(masked).toEqual([BASE["github-token"]]);
  });

  it.for(BAD_INPUTS)("$name: fails naming $input, the value and the fix", ({ values, input, got, env }) => {
    const { what, why, fix, input: named } = failure(values, { ...ENV, ...env });
    const shown = `${what} ${why}`;
    expect({
      named,
      quoted: what.includes(`"${input}"`),
      shows: got === undefined || shown.includes(got),
      fix,
    }).toEqual({ named: input, quoted: true, shows: true, fix: expect.stringMatching(/\S/) });
  });

  it("has at least 15 bad inputs, none named twice", () => {
    const names = BAD_INPUTS.map((c) => c.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  it("never shows the token in an error", () => {
    const error = failure({ ...BASE, "github-token": BASE["github-token"], region: "Ireland" });
    expect(`${error.what} ${error.why} ${error.fix}`).not.toContain(BASE["github-token"]);
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(new URL("../action.yml", import.meta.url), "utf8")) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
  };

  it("declares the defaults inputs.ts uses, and the runner's token", () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, String(input.default)]],
      ),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the GitHub expression action.yml's default holds
    expect(declared).toEqual({ ...DEFAULTS, "github-token": "${{ github.token }}" });
  });

  it("requires no input: every one has a default or means something when empty", () => {
    expect(Object.entries(action.inputs).filter(([, input]) => input.required)).toEqual([]);
  });

  it("reads exactly the inputs it declares", () => {
    const read = new Set<string>();
    const values: Record<string, string> = {
      ...BASE,
      "source-group": "a",
      "target-group": "b",
      "copy-to-regions": "us-east-1",
    };
    readSettings(
      createInputs(
        (name) => {
          read.add(name);
          return values[name];
        },
        () => {},
      ),
      RUN,
      ENV,
    );
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
