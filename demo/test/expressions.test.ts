// The workflow expressions the rehearsal evaluates in the reusable workflows' if:, with:,
// env: and outputs: (test/harness/conditions.ts).
import { evaluateCondition, evaluateExpression, interpolate } from "@deploy/test/harness";
import { describe, expect, it } from "vitest";

const values = {
  "inputs.environment": "stage",
  "inputs.release": "",
  "inputs.allow-rollback": false,
  "vars.IMAGE": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop",
  "vars.SEED_FILE": "seed/shop.yaml",
  "vars.STRATEGY": "",
  "needs.build.outputs.release": '{"commit":"c0ffee","amis":{"eu-west-1":"ami-1"}}',
  "needs.build.result": "success",
  "steps.image.outputs.image": "registry/shop@sha256:abc",
  "github.sha": "c0ffee",
};
const value = (expression: string) => evaluateExpression(expression, { values }).value;

describe("workflow expressions", () => {
  it.each([
    ["vars.STRATEGY || 'rolling'", "rolling"],
    ["inputs.release || needs.build.outputs.release", values["needs.build.outputs.release"]],
    ["fromJSON(needs.build.outputs.release).amis['eu-west-1']", "ami-1"],
    ["fromJSON(needs.build.outputs.release).commit == github.sha", true],
    ["contains(vars.IMAGE, '.dkr.ecr.')", true],
    ['contains(fromJSON(\'["production", "prod"]\'), inputs.environment)', false],
    ["vars.SEED_FILE != ''", true],
    ["vars.MISSING", null],
    ["format('{0}-{1}', 'deploy', inputs.environment)", "deploy-stage"],
    ["startsWith(steps.image.outputs.image, 'registry/') && 'yes' || 'no'", "yes"],
    ["inputs.allow-rollback", false],
    ["3 < 10 && 'b' >= 'a'", true],
  ] as const)("%s -> %j", (expression, expected) => {
    expect(value(expression)).toEqual(expected);
  });

  it("writes values into strings, keeping a lone expression's type", () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: GitHub expressions, not templates
    expect(interpolate("deploy-${{ inputs.environment }}", { values })).toBe("deploy-stage");
    expect(interpolate("${{ inputs.allow-rollback }}", { values })).toBe(false);
    expect(interpolate("${{ vars.MISSING }}/x", { values })).toBe("/x");
    expect(interpolate("no expression", { values })).toBe("no expression");
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: GitHub expressions, not templates
  });

  it("evaluates a job's if: after a skipped need: neither success() nor failure()", () => {
    const skippedNeed = { success: false, failure: false, cancelled: false };
    const deployIf = "!cancelled() && !failure() && (inputs.release != '' || needs.build.result == 'success')";
    expect(
      evaluateCondition(deployIf, {
        status: skippedNeed,
        values: { ...values, "inputs.release": "{}", "needs.build.result": "skipped" },
      }),
    ).toBe(true);
    // Without a status function a condition is success() && (...): false after a skipped need.
    expect(evaluateCondition("inputs.release != ''", { status: skippedNeed, values })).toBe(false);
    expect(evaluateCondition(deployIf, { status: { ...skippedNeed, failure: true }, values })).toBe(false);
  });

  it("refuses what it cannot evaluate, naming the expression", () => {
    expect(() => value("hashFiles('x')")).toThrow(/hashFiles\(\) is not supported/);
    expect(() => value("fromJSON(vars.SEED_FILE)")).toThrow(/fromJSON: not JSON/);
    expect(() => value("success()")).toThrow(/only allowed in a condition/);
    expect(() => value("vars.A ==")).toThrow(/unexpected end/);
  });
});
