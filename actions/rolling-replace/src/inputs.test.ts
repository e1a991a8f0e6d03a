import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInputs, DeployError } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BAD_INPUTS, BASE, RELEASE, writeWorkspace } from "../test/bad-inputs.ts";
import { DEFAULTS, readOnCancel, readSettings } from "./inputs.ts";

const RUN = testRunContext({ runAttempt: "2" });

const workspace = mkdtempSync(path.join(os.tmpdir(), "rolling-replace-inputs-"));
writeWorkspace(workspace);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const ENV = { AWS_REGION: "eu-west-1", GITHUB_WORKSPACE: workspace };

function settings(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const masked: string[] = [];
  const inputs = createInputs(
    (name) => values[name],
    (value) => masked.push(value),
  );
  return { settings: readSettings(inputs, RUN, env), masked };
}

function failure(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV): DeployError {
  try {
    settings(values, env);
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(values)}`);
}

describe("readSettings", () => {
  it("reads a rolling rollout with the defaults action.yml declares", () => {
    const { settings: s } = settings({ ...DEFAULTS, ...BASE });
    expect(s).toEqual({
      onCancel: "rollback",
      dryRun: false,
      request: {
        region: "eu-west-1",
        groupName: "shop-stage",
        imageId: "ami-0a1b2c3d4e5f60718",
        strategy: "rolling",
        preferences: { minHealthyPercentage: 90, skipMatching: true, autoRollback: true },
        ifRefreshRunning: "fail",
        description: `deploy 3f9c1d2 by run 4242-2 (${RUN.runUrl})`,
        pollIntervalMs: 15_000,
      },
    });
  });

  it("reads every refresh preference, the timeout and the deployment", () => {
    const { settings: s, masked } = settings({
      ...BASE,
      region: "us-east-1",
      "min-healthy-percentage": "50%",
      "max-healthy-percentage": "150",
      "instance-warmup": "90s",
      "checkpoint-percentages": "25, 50\n100",
      "checkpoint-delay": "10m",
      "skip-matching": "false",
      "auto-rollback": "no",
      alarms: "shop-5xx, shop-latency",
      "bake-time": "15m",
      "scale-in-protected-instances": "Wait",
      "standby-instances": "Ignore",
      "if-refresh-running": "cancel",
      "on-cancel": "leave",
      timeout: "1h",
      "poll-interval": "5s",
      "dry-run": "true",
      "github-token": "ghs_token",
      environment: "stage",
      "environment-url": "https://stage.shop.example",
    });
    expect(s.request.region).toBe("us-east-1");
    expect(s.request.preferences).toEqual({
      minHealthyPercentage: 50,
      maxHealthyPercentage: 150,
      instanceWarmupSeconds: 90,
      checkpointPercentages: [25, 50, 100],
      checkpointDelaySeconds: 600,
      skipMatching: false,
      autoRollback: false,
      alarms: ["shop-5xx", "shop-latency"],
      bakeTimeSeconds: 900,
      scaleInProtectedInstances: "Wait",
      standbyInstances: "Ignore",
    });
    expect(s.request).toMatchObject({ ifRefreshRunning: "cancel", timeoutMs: 3_600_000, pollIntervalMs: 5_000 });
    expect(s).toMatchObject({ onCancel: "leave", dryRun: true });
    expect(s.deployment).toEqual({
      token: "ghs_token",
      environment: "stage",
      environmentUrl: "https://stage.shop.example",
    });
    expect(masked).toEqual(["ghs_token"]);
  });

  it("takes the AMI of the region from the release and names the release's commit", () => {
    const { settings: s } = settings(
      { "auto-scaling-group": "shop-prod", release: JSON.stringify(RELEASE) },
      { AWS_DEFAULT_REGION: "us-east-1" },
    );
    expect(s.request.region).toBe("us-east-1");
    expect(s.request.imageId).toBe("ami-0f1e2d3c4b5a69788");
    expect(s.release?.commit).toBe(RELEASE.commit);
    expect(s.request.description).toMatch(/^deploy aaaaaaa by run 4242-2 /);
  });

  it("renders the user-data template with vars", () => {
    const { settings: s } = settings({ ...BASE, "user-data": "user-data.sh", vars: "LOG_LEVEL=debug" });
    expect(s.request.userData).toBe("#!/bin/sh\necho debug > /etc/shop/level\n");
  });

  it("records no deployment without an environment, whatever the token", () => {
    expect(settings({ ...BASE, "github-token": "ghs_token" }).settings.deployment).toBeUndefined();
  });

  it("accepts blue-green with the preferences it honours", () => {
    const { settings: s } = settings({ ...DEFAULTS, ...BASE, strategy: "blue-green", "instance-warmup": "1m" });
    expect(s.request).toMatchObject({ strategy: "blue-green", preferences: { instanceWarmupSeconds: 60 } });
  });
});

describe("bad inputs", () => {
  it.each(BAD_INPUTS)("$name: fails naming $input, the value and a fix", ({ values, input, got, env }) => {
    const error = failure(values, { ...ENV, ...env });
    expect(error.input).toBe(input);
    expect(error.what).toContain(`"${input}"`);
    if (got !== undefined) expect(error.message).toContain(got);
    expect(error.fix).toBeTruthy();
  });

  it("never shows the secret it refuses", () => {
    const error = failure({ ...BASE, "user-data": "user-data.sh", vars: "DB_PASSWORD=hunter2" });
    expect(error.message).not.toContain("hunter2");
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(new URL("../action.yml", import.meta.url), "utf8")) as {
    inputs: Record<string, { default?: string; required?: boolean }>;
  };

  it("declares the defaults the parser applies", () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined && !input.default.includes("${{"))
        .map(([name, input]) => [name, input.default]),
    );
    expect(declared).toEqual(DEFAULTS);
  });

  it("declares every input the step reads, and no other", () => {
    const read = new Set<string>();
    const inputs = createInputs((name) => {
      read.add(name);
      return { ...BASE, environment: "stage", "github-token": "t", "user-data": "user-data.sh", vars: "LOG_LEVEL=1" }[
        name
      ];
    });
    readSettings(inputs, RUN, ENV);
    readOnCancel(inputs);
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
