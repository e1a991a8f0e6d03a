import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { DeployError } from "@deploy/core";
import type { RecipeFile } from "./types.ts";

const INPUT = "recipe";

/**
 * Reads the recipe: each path is a file, or a folder standing for every file inside it
 * (recursively, in path order), run in the order given. Paths are relative to `root` (the
 * repository) and must stay inside it, symbolic links included: what a recipe runs comes
 * from the repository, and its paths, written with `/`, go into the bake key.
 */
export async function readRecipe(paths: string[], root: string): Promise<RecipeFile[]> {
  if (paths.length === 0) {
    throw recipeError("is empty", "Got no path.", "List the recipe's script files or folders, one per line.");
  }
  const realRoot = await realpath(root);
  const files: RecipeFile[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    // A `\` from a workflow written on Windows means the same file on a Linux runner.
    const absolute = resolve(realRoot, given.replaceAll("\\", "/"));
    for (const file of await filesAt(given, absolute, realRoot)) {
      const path = inRepository(realRoot, file);
      if (seen.has(path)) {
        throw recipeError(
          "names a file twice",
          `"${path}" is in the recipe more than once (from "${given}").`,
          "List each file once: a folder already stands for every file inside it.",
        );
      }
      seen.add(path);
      files.push({ path, content: await readFile(file) });
    }
  }
  return files;
}

/** The files `given` stands for, as absolute paths inside `root`, in the order they run. */
async function filesAt(given: string, absolute: string, root: string): Promise<string[]> {
  checkInside(given, absolute, root);
  const target = await realTarget(given, absolute);
  checkInside(given, target, root);
  if (!(await stat(target)).isDirectory()) return [absolute];
  // Ordinal, not locale, order of the `/` paths: the same on every machine.
  const files = (await walk(given, absolute, root))
    .map((file) => ({ file, path: inRepository(root, file) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ file }) => file);
  if (files.length === 0) {
    throw recipeError(
      "names an empty folder",
      `"${given}" has no file in it.`,
      "Put the recipe's scripts in the folder, or remove it from the recipe.",
    );
  }
  return files;
}

/** Every file under `folder`, following links to files; a link to a folder is refused (it could loop). */
async function walk(given: string, folder: string, root: string): Promise<string[]> {
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await walk(given, path, root)));
    } else if (entry.isFile()) {
      files.push(path);
    } else if (entry.isSymbolicLink()) {
      const name = inRepository(root, path);
      const target = await realTarget(name, path);
      checkInside(name, target, root);
      if ((await stat(target)).isDirectory()) {
        throw recipeError(
          "has a link to a folder",
          `"${name}" in "${given}" links to a folder.`,
          "Name the folder it links to in the recipe instead.",
        );
      }
      files.push(path);
    }
  }
  return files;
}

/** Where `path` really is, links followed; a missing file or a dangling link names `given`. */
async function realTarget(given: string, path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    throw recipeError(
      "names a path that does not exist",
      `Got "${given}"; there is no ${path}.`,
      "Give paths relative to the repository root, and check out the repository (actions/checkout) before this step.",
    );
  }
}

function checkInside(given: string, target: string, root: string): void {
  const path = relative(root, target);
  if (path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path)) {
    throw recipeError(
      "names a path outside the repository",
      `"${given}" is ${target}, which is not inside ${root}.`,
      "Keep the recipe's files in the repository: an AMI is baked only from what the repository holds.",
    );
  }
}

/** The path as the bake key and the logs name it: relative to the repository, with `/`. */
function inRepository(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

function recipeError(problem: string, why: string, fix: string): DeployError {
  return new DeployError({ what: `Input "${INPUT}" ${problem}.`, why, fix, input: INPUT, code: "InvalidRecipe" });
}
