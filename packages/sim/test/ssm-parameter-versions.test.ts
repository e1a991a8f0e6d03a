import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { worldFromFile } from "../src/world-file.ts";
import { REGION, useTestSim } from "./support.ts";

const t = useTestSim();
const NAME = "/shop/stage/url";

async function versions(...values: string[]): Promise<void> {
  for (const [i, Value] of values.entries()) {
    await t.ssm.send(new PutParameterCommand({ Name: NAME, Value, Type: "String", Overwrite: i > 0 }));
    await t.world.clock.sleep(1000);
  }
}

describe("SSM parameter versions and labels", () => {
  it("answers name:version with that version's value, Version and Selector, under the parameter's own name and ARN", async () => {
    await versions("one", "two", "three");
    const { Parameter } = await t.ssm.send(new GetParameterCommand({ Name: `${NAME}:2` }));
    expect(Parameter).toMatchObject({
      Name: NAME,
      Value: "two",
      Version: 2,
      Selector: ":2",
      ARN: `arn:aws:ssm:${REGION}:${t.world.accountId}:parameter${NAME}`,
    });
    const latest = await t.ssm.send(new GetParameterCommand({ Name: NAME }));
    expect(latest.Parameter).toMatchObject({ Value: "three", Version: 3 });
    expect(latest.Parameter?.Selector).toBeUndefined();
  });

  it("answers ParameterVersionNotFound for a version or a label it does not have, ParameterNotFound for a name", async () => {
    await versions("one");
    await expect(t.ssm.send(new GetParameterCommand({ Name: `${NAME}:7` }))).rejects.toMatchObject({
      name: "ParameterVersionNotFound",
      message: expect.stringMatching(/version 7 of \/shop\/stage\/url/),
    });
    await expect(t.ssm.send(new GetParameterCommand({ Name: `${NAME}:prod` }))).rejects.toMatchObject({
      name: "ParameterVersionNotFound",
      message: expect.stringMatching(/label prod for parameter \/shop\/stage\/url/),
    });
    await expect(t.ssm.send(new GetParameterCommand({ Name: "/nothing:1" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });

  it("GetParameters resolves selectors and lists the ones that do not resolve in InvalidParameters", async () => {
    await versions("one", "two");
    await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, ParameterVersion: 1, Labels: ["prod"] }));
    const result = await t.ssm.send(
      new GetParametersCommand({ Names: [`${NAME}:prod`, `${NAME}:2`, `${NAME}:9`, `${NAME}:beta`] }),
    );
    expect(result.Parameters?.map((p) => [p.Name, p.Value, p.Version, p.Selector])).toEqual([
      [NAME, "one", 1, ":prod"],
      [NAME, "two", 2, ":2"],
    ]);
    expect(result.InvalidParameters).toEqual([`${NAME}:9`, `${NAME}:beta`]);
  });

  it("moves a label to the version it is attached to, defaulting to the latest, and refuses an 11th label", async () => {
    await versions("one", "two");
    await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, ParameterVersion: 1, Labels: ["prod"] }));
    const moved = await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, Labels: ["prod"] }));
    expect(moved).toMatchObject({ ParameterVersion: 2, InvalidLabels: [] });
    expect((await t.ssm.send(new GetParameterCommand({ Name: `${NAME}:prod` }))).Parameter?.Value).toBe("two");

    const labels = Array.from({ length: 9 }, (_, i) => `l${i}`);
    await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, Labels: labels }));
    await expect(
      t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, Labels: ["one-too-many"] })),
    ).rejects.toMatchObject({ name: "ParameterVersionLabelLimitExceeded" });
    await expect(
      t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, ParameterVersion: 5, Labels: ["x"] })),
    ).rejects.toMatchObject({ name: "ParameterVersionNotFound" });
    await expect(
      t.ssm.send(new LabelParameterVersionCommand({ Name: "/nothing", Labels: ["x"] })),
    ).rejects.toMatchObject({ name: "ParameterNotFound" });
  });

  it.each([
    ["begins with a digit", "1st"],
    ["begins with aws", "AwsProd"],
    ["begins with ssm", "ssm-x"],
    ["has a character outside letters, digits, . - _", "prod/eu"],
  ])("does not attach a label that %s, listing it in InvalidLabels", async (_, label) => {
    await versions("one");
    const result = await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, Labels: [label, "ok"] }));
    expect(result).toMatchObject({ ParameterVersion: 1, InvalidLabels: [label] });
    await expect(t.ssm.send(new GetParameterCommand({ Name: `${NAME}:${label}` }))).rejects.toBeDefined();
    expect((await t.ssm.send(new GetParameterCommand({ Name: `${NAME}:ok` }))).Parameter?.Version).toBe(1);
  });

  it("refuses labels over 100 characters and more than 10 labels a call as the model bounds them", async () => {
    await versions("one");
    await expect(
      t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, Labels: ["a".repeat(101)] })),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      t.ssm.send(
        new LabelParameterVersionCommand({ Name: NAME, Labels: Array.from({ length: 11 }, (_, i) => `l${i}`) }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("keeps the last 100 versions, and will not drop a labelled oldest one", async () => {
    for (let i = 1; i <= 101; i++) {
      await t.ssm.send(new PutParameterCommand({ Name: NAME, Value: `v${i}`, Type: "String", Overwrite: i > 1 }));
    }
    await expect(t.ssm.send(new GetParameterCommand({ Name: `${NAME}:1` }))).rejects.toMatchObject({
      name: "ParameterVersionNotFound",
    });
    expect((await t.ssm.send(new GetParameterCommand({ Name: `${NAME}:2` }))).Parameter?.Value).toBe("v2");

    await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, ParameterVersion: 2, Labels: ["keep"] }));
    await expect(
      t.ssm.send(new PutParameterCommand({ Name: NAME, Value: "v102", Overwrite: true })),
    ).rejects.toMatchObject({
      name: "ParameterMaxVersionLimitExceeded",
      message: expect.stringContaining("Version 2"),
    });
  });

  it("GetParameterHistory lists every version kept, oldest first, with labels, a page at a time", async () => {
    await versions("one", "two", "three");
    await t.ssm.send(new LabelParameterVersionCommand({ Name: NAME, ParameterVersion: 2, Labels: ["prod"] }));
    const first = await t.ssm.send(new GetParameterHistoryCommand({ Name: NAME, MaxResults: 2 }));
    expect(first.Parameters?.map((p) => [p.Version, p.Value, p.Labels])).toEqual([
      [1, "one", []],
      [2, "two", ["prod"]],
    ]);
    const rest = await t.ssm.send(new GetParameterHistoryCommand({ Name: NAME, NextToken: first.NextToken }));
    expect(rest.Parameters?.map((p) => p.Version)).toEqual([3]);
    expect(rest.NextToken).toBeUndefined();
    await expect(t.ssm.send(new GetParameterHistoryCommand({ Name: "/nothing" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });
});

describe("parameter versions in a world file", () => {
  it("makes a version per entry and attaches an entry's labels to its version", () => {
    const world = worldFromFile({
      regions: {
        [REGION]: {
          parameters: [
            { name: "/a", value: "1", labels: ["prod"] },
            { name: "/a", value: "2", labels: ["beta"] },
          ],
        },
      },
    });
    const parameter = world.region(REGION).ssm.parameters.get("/a");
    expect(parameter?.history.map((v) => [v.version, v.value, v.labels])).toEqual([
      [1, "1", ["prod"]],
      [2, "2", ["beta"]],
    ]);
    expect(() =>
      worldFromFile({ regions: { [REGION]: { parameters: [{ name: "/a", value: "1", labels: ["aws-x"] }] } } }),
    ).toThrow(/parameters\[0\] \(\/a\): labels aws-x are not valid labels/);
  });
});
