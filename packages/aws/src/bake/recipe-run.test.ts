import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployErrorFrom } from "@deploy/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { checkRecipeEnv, outputTail, recipeCommands } from "./recipe-run.ts";

/** Runs the command lines as AWS-RunShellScript does: one bash script, in a scratch home. */
function runOnBuilder(script: string, env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), "recipe-run-"));
  homes.push(home);
  const lines = recipeCommands({ path: "recipe/setup web.sh", content: Buffer.from(script) }, env);
  const run = spawnSync("bash", ["-c", lines.join("\n")], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, home };
}

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe("recipeCommands", () => {
  it("exports the recipe env exactly, quotes and dollars included", () => {
    const value = `it's "quoted" $HOME \`date\``;
    const run = runOnBuilder('printf "%s" "$GREETING"', { GREETING: value });
    expect(run).toMatchObject({ status: 0, stdout: value });
  });

  it("runs a file by its #! line, so its flags count", () => {
    expect(runOnBuilder("#!/bin/bash -e\nfalse\necho after\n")).toMatchObject({ status: 1, stdout: "" });
    expect(runOnBuilder("#!/usr/bin/env sh\necho $0\n").stdout).toMatch(/setup_web\.sh\n$/);
  });

  it("runs a file without #! with bash, and its exit code is the command's", () => {
    expect(runOnBuilder("false\necho after\n")).toMatchObject({ status: 0, stdout: "after\n" });
    expect(runOnBuilder("[[ -n bash ]] && echo bash\nexit 7\n")).toMatchObject({ status: 7, stdout: "bash\n" });
  });

  it("passes every byte of the file, its end marker included, and shows stderr with stdout in order", () => {
    const run = runOnBuilder("echo DEPLOY_RECIPE_END\necho 'é ✓' >&2\necho last\n");
    expect(run).toMatchObject({ status: 0, stdout: "DEPLOY_RECIPE_END\né ✓\nlast\n", stderr: "" });
  });

  it("cuts a long output in the middle, keeping its start and its end under what SSM keeps", () => {
    const run = runOnBuilder('echo first\nfor i in $(seq 1 5000); do echo "line $i"; done\necho last\nexit 4\n');
    expect(run.status).toBe(4);
    expect(run.stdout.startsWith("first\n")).toBe(true);
    expect(run.stdout.endsWith("line 5000\nlast\n")).toBe(true);
    expect(run.stdout).toMatch(/\n\[\.\.\. \d+ bytes of output left out \.\.\.\]\n/);
    expect(run.stdout.length).toBeLessThan(24_000);
  });

  it("leaves nothing of itself on the builder", () => {
    const run = runOnBuilder('dirname "$0" > "$HOME/dir"\n');
    expect(run.status).toBe(0);
    expect(existsSync(readFileSync(join(run.home, "dir"), "utf8").trim())).toBe(false);
  });
});

describe("outputTail", () => {
  it("is the last 30 lines, without trailing blank lines", () => {
    const output = `${Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n")}\n\n`;
    const tail = outputTail(output).split("\n");
    expect(tail).toHaveLength(30);
    expect([tail[0], tail.at(-1)]).toEqual(["line 11", "line 40"]);
  });
});

describe("checkRecipeEnv", () => {
  it("accepts shell variable names", () => {
    expect(() => checkRecipeEnv({ APP_PORT: "8080", _x1: "" })).not.toThrow();
  });

  it("refuses names a shell cannot export, naming them and the input", () => {
    const error = deployErrorFrom(() => checkRecipeEnv({ "1ST": "a", "APP-PORT": "b", OK: "c" }));
    expect(error.input).toBe("recipe-env");
    expect(error.what).toContain('"1ST", "APP-PORT"');
    expect(error.what).not.toContain("OK");
  });
});
