import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInputs, DeployError } from "@deploy/core";
import { deployErrorOf, testRunContext } from "@deploy/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BAD_INPUTS, BASE, IMAGE, writeWorkspace } from "../test/bad-inputs.ts";
import { DEFAULTS, readSettings } from "./inputs.ts";
import type { Tools } from "./process.ts";

const RUN = testRunContext();
const workspace = mkdtempSync(path.join(os.tmpdir(), "build-image-inputs-"));
writeWorkspace(workspace);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
const ENV = { GITHUB_WORKSPACE: workspace };

/** A runner's programs: which are on the PATH, and which `command args` exit 0. */
function tools(onPath: string[], answering: string[] = []): Tools & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    onPath: (command) => onPath.includes(command),
    answers: async (command, args) => {
      const line = [command, ...args].join(" ");
      asked.push(line);
      return answering.includes(line);
    },
  };
}
const BUILDAH_ONLY = tools(["buildah", "docker"]);
const DOCKER_ENGINE = tools(["buildah", "docker"], ["docker buildx version", "docker info"]);

function settings(values: Record<string, string>, t: Tools = BUILDAH_ONLY) {
  return readSettings(
    createInputs((name) => ({ ...DEFAULTS, ...values })[name]),
    RUN,
    t,
    ENV,
  );
}

function failure(values: Record<string, string>, t: Tools = BUILDAH_ONLY): Promise<DeployError> {
  return deployErrorOf(settings(values, t));
}

describe("readSettings", () => {
  it("reads a build with the defaults action.yml declares", async () => {
    expect(await settings(BASE)).toEqual({
      image: { registry: "127.0.0.1:5000", repository: "acme/shop", name: IMAGE },
      tag: RUN.commit,
      context: path.join(workspace, "app"),
      file: path.join(workspace, "app", "Containerfile"),
      buildArgs: {},
      labels: {},
      platforms: [],
      builder: "buildah",
      push: true,
      cache: false,
      skipIfExists: true,
    });
  });

  it("reads every input", async () => {
    const s = await settings(
      {
        image: "ghcr.io/acme/shop",
        context: "legacy",
        file: "app/Containerfile",
        "build-args": "GREETING=hi\nPORT=8080",
        labels: "com.example.team=shop\norg.opencontainers.image.title=Shop",
        platforms: "linux/amd64\nlinux/arm64/v8, linux/amd64",
        builder: "docker",
        push: "false",
        cache: "true",
        "skip-if-exists": "false",
      },
      DOCKER_ENGINE,
    );
    expect(s).toEqual({
      image: { registry: "ghcr.io", repository: "acme/shop", name: "ghcr.io/acme/shop" },
      tag: RUN.commit,
      context: path.join(workspace, "legacy"),
      file: path.join(workspace, "app", "Containerfile"),
      buildArgs: { GREETING: "hi", PORT: "8080" },
      labels: { "com.example.team": "shop", "org.opencontainers.image.title": "Shop" },
      platforms: ["linux/amd64", "linux/arm64/v8"],
      builder: "docker",
      push: false,
      cache: true,
      skipIfExists: false,
    });
  });

  it("takes the context's Dockerfile when it has no Containerfile", async () => {
    expect((await settings({ ...BASE, context: "legacy" })).file).toBe(path.join(workspace, "legacy", "Dockerfile"));
  });

  it("has the defaults action.yml declares", () => {
    const action = parse(readFileSync(new URL("../action.yml", import.meta.url), "utf8")) as {
      inputs: Record<string, { default?: string }>;
    };
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, input.default]],
      ),
    );
    expect(declared).toEqual(DEFAULTS);
  });

  describe("builder", () => {
    it("auto takes Buildx when the Docker engine answers", async () => {
      expect((await settings(BASE, DOCKER_ENGINE)).builder).toBe("docker");
    });

    it("auto takes buildah when Buildx is there but no engine answers", async () => {
      const t = tools(["buildah", "docker"], ["docker buildx version"]);
      expect((await settings(BASE, t)).builder).toBe("buildah");
      expect(t.asked).toEqual(["docker buildx version", "docker info"]);
    });

    it("auto takes buildah without asking docker when it is not installed", async () => {
      const t = tools(["buildah"]);
      expect((await settings(BASE, t)).builder).toBe("buildah");
      expect(t.asked).toEqual([]);
    });

    it("buildah does not ask docker at all", async () => {
      const t = tools(["buildah", "docker"], ["docker buildx version", "docker info"]);
      expect((await settings({ ...BASE, builder: "buildah" }, t)).builder).toBe("buildah");
      expect(t.asked).toEqual([]);
    });

    it("docker needs Buildx, not an engine that answers (a remote builder will do)", async () => {
      const t = tools(["docker"], ["docker buildx version"]);
      expect((await settings({ ...BASE, builder: "docker" }, t)).builder).toBe("docker");
    });

    it.for([
      {
        name: "buildah not installed",
        builder: "buildah",
        t: tools(["docker"]),
        text: "buildah, which is not on the PATH",
      },
      {
        name: "docker without Buildx",
        builder: "docker",
        t: tools(["docker"], ["docker info"]),
        text: "docker buildx version",
      },
      { name: "docker not installed", builder: "docker", t: tools(["buildah"]), text: "docker buildx version" },
      {
        name: "auto with neither",
        builder: "auto",
        t: tools([]),
        text: "neither a Docker engine with Buildx nor buildah",
      },
    ])("$name: fails naming builder, the value and the fix", async ({ builder, t, text }) => {
      const error = await failure({ ...BASE, builder }, t);
      expect(error.input).toBe("builder");
      expect(error.what).toContain(text);
      expect(error.why).toBe(`Got "${builder}".`);
      expect(error.fix).toMatch(/Install|Set up|Run on/);
    });

    it("checks every other input before it starts a process", async () => {
      const t = tools(["docker"], ["docker buildx version", "docker info"]);
      await failure({ ...BASE, push: "maybe" }, t);
      expect(t.asked).toEqual([]);
    });
  });

  it("refuses a commit that is no tag", async () => {
    const error = await readSettings(
      createInputs((name) => ({ ...DEFAULTS, ...BASE })[name as keyof typeof BASE]),
      { ...RUN, commit: "-bad" },
      BUILDAH_ONLY,
      ENV,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).input).toBe("image");
  });

  describe("bad inputs", () => {
    it("has at least 15 cases, each with its own name", () => {
      expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(15);
      expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBe(BAD_INPUTS.length);
    });

    it.for(BAD_INPUTS)("$name: fails naming $input, the value and the fix", async ({ values, input, got }) => {
      const error = await failure(values);
      expect(error.input).toBe(input);
      expect(error.message).toContain(`"${input}"`);
      if (got !== undefined) expect(error.message).toContain(got);
      expect(error.fix).toBeTruthy();
    });
  });
});
