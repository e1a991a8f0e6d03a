import { createHash } from "node:crypto";

/**
 * The bake key: a hash of everything that decides what an AMI (and each of its region
 * copies) contains. bake-ami tags what it bakes with it and reuses an AMI with the same
 * key instead of baking again. The exact formula, and why each input is in or out, is in
 * ../BAKE-KEY.md; change it only together with BAKE_KEY_SCHEMA, since every change of the
 * formula makes every existing AMI look different once.
 */
export const BAKE_KEY_SCHEMA = 1;

/** A recipe file as the key sees it: its path relative to the repository and its bytes. */
export interface BakeKeyRecipeFile {
  path: string;
  content: Uint8Array;
}

export type BakeSettingValue = string | number | boolean | string[] | undefined;
export type BakeSettings = Record<string, BakeSettingValue>;

export interface BakeKeyInput {
  /** The resolved base AMI id, never the SSM parameter or filter that named it. */
  baseImageId: string;
  /** In the order the files run. */
  recipe: readonly BakeKeyRecipeFile[];
  /** The container image reference given to the recipe as IMAGE, with its digest. */
  image?: string;
  /** Every other input that changes the AMI: `bakeSettings(request)`. */
  settings: BakeSettings;
}

/** `sha256:<64 hex digits>`, the same on every machine for the same input. */
export function bakeKey(input: BakeKeyInput): string {
  const recipe = input.recipe.map((file) => [canonicalPath(file.path), sha256(file.content)]);
  const settings = Object.entries(input.settings)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const document = ["deploy-bake-key", BAKE_KEY_SCHEMA, input.baseImageId, recipe, input.image ?? null, settings];
  return `sha256:${sha256(Buffer.from(JSON.stringify(document), "utf8"))}`;
}

/** The parts of a bake request that change what is baked (a BakeRequest fits). */
export interface BakeKeyRequest {
  instanceType: string;
  rootVolumeSizeGiB?: number | undefined;
  encrypt: boolean;
  kmsKeyIds: Record<string, string>;
  recipeEnv: Record<string, string>;
}

/**
 * The settings that go into the key, named like the action's inputs. Maps become sorted
 * `KEY=VALUE` lists so that their order never matters. RELEASE names this run's commit and
 * would make every key new; IMAGE is in the key already, as `image`.
 */
export function bakeSettings(request: BakeKeyRequest): BakeSettings {
  const env = Object.entries(request.recipeEnv).filter(([name]) => name !== "RELEASE" && name !== "IMAGE");
  return {
    "instance-type": request.instanceType,
    "root-volume-size": request.rootVolumeSizeGiB,
    encrypt: request.encrypt,
    "kms-key-id": pairs(Object.entries(request.kmsKeyIds)),
    "recipe-env": pairs(env),
  };
}

/** The first 12 hex digits of a key, for AMI names, which need to be short and not unique. */
export function shortBakeKey(key: string): string {
  return key.replace(/^sha256:/, "").slice(0, 12);
}

function pairs(entries: [string, string][]): string[] {
  return entries.map(([key, value]) => `${key}=${value}`).sort();
}

// A Windows checkout names the same file with `\`, and macOS may hand back decomposed
// Unicode; neither changes the file.
function canonicalPath(path: string): string {
  return path.replaceAll("\\", "/").normalize("NFC");
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
