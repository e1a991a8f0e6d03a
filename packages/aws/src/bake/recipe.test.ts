import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DeployError } from "@deploy/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRecipe } from "./recipe.ts";

let root: string;
let outside: string;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), "recipe-"));
  root = join(base, "repo");
  outside = join(base, "elsewhere");
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, "secret.sh"), "cat ~/.aws/credentials\n");
  await files({
    "bake/30-app.sh": "echo app\n",
    "bake/10-packages.sh": "dnf install -y nginx\n",
    "bake/20-config/b.sh": "echo b\n",
    "bake/20-config/a.sh": "echo a\n",
    "bake/20-config.sh": "echo config\n",
    "bake/Z-last.sh": "echo Z\n",
    "finish.sh": "echo done\n",
  });
});

afterEach(async () => {
  await rm(dirname(root), { recursive: true, force: true });
});

async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function failure(paths: string[]): Promise<DeployError> {
  const error = await readRecipe(paths, root).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployError);
  expect((error as DeployError).input).toBe("recipe");
  return error as DeployError;
}

describe("readRecipe", () => {
  it("reads a file, with its path relative to the root and its bytes", async () => {
    expect(await readRecipe(["finish.sh"], root)).toEqual([{ path: "finish.sh", content: Buffer.from("echo done\n") }]);
  });

  it("reads every file of a folder, recursively, sorted by path in ordinal (not locale) order", async () => {
    const recipe = await readRecipe(["bake"], root);
    expect(recipe.map((f) => f.path)).toEqual([
      "bake/10-packages.sh",
      // "-" sorts before "/", as it does on every machine.
      "bake/20-config.sh",
      "bake/20-config/a.sh",
      "bake/20-config/b.sh",
      "bake/30-app.sh",
      // Upper case before lower, whatever the locale says.
      "bake/Z-last.sh",
    ]);
    expect(recipe[0]?.content.toString()).toBe("dnf install -y nginx\n");
  });

  it("keeps the order the paths are given in", async () => {
    const recipe = await readRecipe(["finish.sh", "bake/30-app.sh", "bake/20-config"], root);
    expect(recipe.map((f) => f.path)).toEqual([
      "finish.sh",
      "bake/30-app.sh",
      "bake/20-config/a.sh",
      "bake/20-config/b.sh",
    ]);
  });

  it("normalises paths: ./, .., trailing / and Windows separators name the same files", async () => {
    const recipe = await readRecipe(["./bake/../finish.sh", "bake\\20-config\\"], root);
    expect(recipe.map((f) => f.path)).toEqual(["finish.sh", "bake/20-config/a.sh", "bake/20-config/b.sh"]);
  });

  it("follows a link to a file inside the root, naming it by the link's path", async () => {
    await symlink(join(root, "finish.sh"), join(root, "bake", "40-finish.sh"));
    const recipe = await readRecipe(["bake/40-finish.sh"], root);
    expect(recipe).toEqual([{ path: "bake/40-finish.sh", content: Buffer.from("echo done\n") }]);
  });

  it("names a path that does not exist", async () => {
    const error = await failure(["bake", "bake/99-missing.sh"]);
    expect(error.message).toContain('"bake/99-missing.sh"');
    expect(error.what).toContain("does not exist");
  });

  it("refuses an empty folder and an empty list", async () => {
    await mkdir(join(root, "empty/nested"), { recursive: true });
    const empty = await failure(["finish.sh", "empty"]);
    expect(empty.what).toContain("empty folder");
    expect(empty.message).toContain('"empty"');
    expect((await failure([])).what).toContain("is empty");
  });

  it("refuses paths outside the root: by .., by absolute path, and by a link", async () => {
    for (const path of ["../elsewhere/secret.sh", join(outside, "secret.sh"), "../no-such-file.sh"]) {
      const error = await failure([path]);
      expect(error.what).toContain("outside the repository");
      expect(error.message).toContain(path);
    }
    await symlink(join(outside, "secret.sh"), join(root, "bake", "50-link.sh"));
    expect((await failure(["bake/50-link.sh"])).what).toContain("outside the repository");
    // Inside a folder too, where nobody names the link.
    const inFolder = await failure(["bake"]);
    expect(inFolder.what).toContain("outside the repository");
    expect(inFolder.message).toContain("bake/50-link.sh");
  });

  it("refuses a link to a folder inside a folder (it could loop) and a dangling link", async () => {
    await symlink(join(root, "bake"), join(root, "bake", "20-config", "loop"));
    expect((await failure(["bake/20-config"])).message).toContain("bake/20-config/loop");
    await rm(join(root, "bake", "20-config", "loop"));
    await symlink(join(root, "gone.sh"), join(root, "bake", "20-config", "c.sh"));
    expect((await failure(["bake/20-config"])).what).toContain("does not exist");
  });

  it("refuses a file named twice, which would run twice", async () => {
    const error = await failure(["bake", "bake/30-app.sh"]);
    expect(error.message).toContain('"bake/30-app.sh"');
  });
});
