import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInputs, DeployError } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AL2023, BAD_INPUTS, BASE, IMAGE, RELEASE, writeWorkspace } from "../test/bad-inputs.ts";
import { DEFAULTS, REPOSITORY_NAME, readSettings } from "./inputs.ts";

const RUN = testRunContext({ runAttempt: "2" });
const NOW = new Date("2026-11-26T10:00:00Z");

const workspace = mkdtempSync(path.join(os.tmpdir(), "bake-ami-inputs-"));
writeWorkspace(workspace);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const ENV = { AWS_REGION: "eu-west-1", GITHUB_WORKSPACE: workspace };
const KMS = {
  eu: "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
  us: "arn:aws:kms:us-east-1:123456789012:key/mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
};

/** What the runner passes: action.yml's defaults (the repository's name in ami-name's), then `values`. */
function runnerValues(values: Record<string, string>): Record<string, string> {
  const defaults = {
    ...DEFAULTS,
    "ami-name": DEFAULTS["ami-name"].replace(REPOSITORY_NAME, "shop"),
  };
  return { ...defaults, ...values };
}

function settings(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  return readSettings(
    createInputs((name) => values[name]),
    RUN,
    env,
    NOW,
  );
}

async function failure(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV): Promise<DeployError> {
  try {
    await settings(values, env);
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(values)}`);
}

describe("readSettings", () => {
  it("reads a bake with the defaults action.yml declares", async () => {
    const s = await settings(runnerValues(BASE));
    const { recipe, ...request } = s.request;
    expect(request).toEqual({
      region: "eu-west-1",
      base: { kind: "ssm", parameter: AL2023.slice("ssm:".length) },
      recipeEnv: { IMAGE: "", RELEASE: RUN.commit },
      instanceType: "t3.small",
      securityGroupIds: [],
      iamInstanceProfile: "bake-ami-builder",
      amiNameTemplate: "shop-{{short-commit}}-{{date}}-{{bake-key}}",
      tags: {},
      copyToRegions: [],
      shareWithAccounts: [],
      encrypt: false,
      kmsKeyIds: {},
      forceRebake: false,
      timeoutMs: 45 * 60_000,
      pollIntervalMs: 15_000,
    });
    expect(recipe.map((f) => [f.path, f.content.toString()])).toEqual([
      ["bake/10-packages.sh", readFileSync(path.join(workspace, "bake/10-packages.sh"), "utf8")],
      ["bake/20-app.sh", readFileSync(path.join(workspace, "bake/20-app.sh"), "utf8")],
    ]);
    expect(s).toMatchObject({ commit: RUN.commit, regions: ["eu-west-1"] });
    expect(s.release).toBeUndefined();
  });

  it("reads every input", async () => {
    const s = await settings({
      ...BASE,
      "base-ami": "name=al2023-ami-2023.*-x86_64,owner=amazon",
      recipe: "bake/20-app.sh\nbake/10-packages.sh",
      "recipe-env": "APP_PORT=8080\nLOG_LEVEL=info",
      image: IMAGE,
      "instance-type": "m7g.large",
      "subnet-id": "subnet-0a1b2c3d4e5f60718",
      "security-group-ids": "sg-0a1b2c3d4e5f60718, sg-0a1b2c3d",
      "iam-instance-profile": "arn:aws:iam::123456789012:instance-profile/bake/builder",
      "root-volume-size": "16",
      "ami-name": "shop {{short-commit}} [{{bake-key}}] {{date}}",
      tags: "team=shop\ncost-center:id = 42/a",
      region: "eu-west-1",
      regions: "us-east-1, eu-west-1\nap-southeast-2, us-east-1",
      "share-with-accounts": "210987654321, 123456789012, 210987654321",
      encrypt: "yes",
      "kms-key-id": `eu-west-1=${KMS.eu}\nus-east-1=${KMS.us}\nap-southeast-2=alias/shop`,
      "force-rebake": "true",
      timeout: "1h30m",
      "poll-interval": "5s",
    });
    expect(s.regions).toEqual(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    expect(s.request).toMatchObject({
      base: { kind: "filter", namePattern: "al2023-ami-2023.*-x86_64", owners: ["amazon"] },
      recipeEnv: { APP_PORT: "8080", LOG_LEVEL: "info", IMAGE, RELEASE: RUN.commit },
      image: IMAGE,
      instanceType: "m7g.large",
      subnetId: "subnet-0a1b2c3d4e5f60718",
      securityGroupIds: ["sg-0a1b2c3d4e5f60718", "sg-0a1b2c3d"],
      iamInstanceProfile: "arn:aws:iam::123456789012:instance-profile/bake/builder",
      rootVolumeSizeGiB: 16,
      amiNameTemplate: "shop {{short-commit}} [{{bake-key}}] {{date}}",
      tags: { team: "shop", "cost-center:id": "42/a" },
      copyToRegions: ["us-east-1", "ap-southeast-2"],
      shareWithAccounts: ["210987654321", "123456789012"],
      encrypt: true,
      kmsKeyIds: { "eu-west-1": KMS.eu, "us-east-1": KMS.us, "ap-southeast-2": "alias/shop" },
      forceRebake: true,
      timeoutMs: 90 * 60_000,
      pollIntervalMs: 5_000,
    });
    expect(s.request.recipe.map((f) => f.path)).toEqual(["bake/20-app.sh", "bake/10-packages.sh"]);
  });

  it("gives one key id or alias to every region, and one ARN to its own region alone", async () => {
    const alias = await settings({ ...BASE, regions: "us-east-1", encrypt: "true", "kms-key-id": "alias/shop" });
    expect(alias.request.kmsKeyIds).toEqual({ "eu-west-1": "alias/shop", "us-east-1": "alias/shop" });
    const arn = await settings({ ...BASE, encrypt: "true", "kms-key-id": KMS.eu });
    expect(arn.request.kmsKeyIds).toEqual({ "eu-west-1": KMS.eu });
    const shared = await settings({
      ...BASE,
      encrypt: "true",
      "kms-key-id": KMS.eu,
      "share-with-accounts": "210987654321",
    });
    expect(shared.request.shareWithAccounts).toEqual(["210987654321"]);
  });

  it("extends a release: its commit names the bake, its image is the default image", async () => {
    const s = await settings({ ...BASE, release: JSON.stringify(RELEASE) });
    expect(s.release).toEqual(RELEASE);
    expect(s.commit).toBe(RELEASE.commit);
    expect(s.request.image).toBe(IMAGE);
    expect(s.request.recipeEnv).toEqual({ IMAGE, RELEASE: RELEASE.commit });
    const same = await settings({ ...BASE, release: JSON.stringify(RELEASE), image: IMAGE });
    expect(same.request.image).toBe(IMAGE);
  });

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION", async () => {
    expect((await settings(BASE, { ...ENV, AWS_REGION: "us-east-1" })).request.region).toBe("us-east-1");
    const env = { GITHUB_WORKSPACE: workspace, AWS_DEFAULT_REGION: "us-east-2" };
    expect((await settings(BASE, env)).request.region).toBe("us-east-2");
  });

  it.for(BAD_INPUTS)("$name: fails naming $input, the value and the fix", async ({ values, input, got, env }) => {
    const error = await failure(values, { ...ENV, ...env });
    expect(error.input).toBe(input);
    expect(error.what).toContain(`"${input}"`);
    if (got !== undefined) expect(`${error.what} ${error.why}`).toContain(got);
    expect(error.fix).toBeTruthy();
  });

  it("has at least 15 bad inputs, each named once", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBe(BAD_INPUTS.length);
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(new URL("../action.yml", import.meta.url), "utf8")) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
  };

  it("declares the defaults inputs.ts uses", () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, String(input.default)]],
      ),
    );
    expect(declared).toEqual(DEFAULTS);
  });

  it("marks required exactly the inputs inputs.ts requires", async () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    expect(required).toEqual(Object.keys(BASE));
    for (const name of required) {
      const { [name]: _, ...rest } = BASE as Record<string, string>;
      expect((await failure(rest)).input).toBe(name);
    }
  });
});
