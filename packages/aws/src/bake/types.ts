import type { AwsContext } from "../clients.ts";

/**
 * The contract between the bake-ami action and the bake logic. The action reads inputs
 * into a BakeRequest; `resolveBaseImage` and `bakeKey` decide what would be baked; `bake`
 * reuses an AMI with the same key or bakes one, then copies and shares it; the post step
 * calls `sweepRun` to remove whatever this run attempt left unfinished.
 */

/** How the base AMI is named: an id, an SSM parameter, or a name filter. */
export type BaseImageSource =
  | { kind: "id"; imageId: string }
  | { kind: "ssm"; parameter: string }
  | { kind: "filter"; namePattern: string; owners: string[] };

export interface ResolvedBaseImage {
  imageId: string;
  name: string;
  architecture: string;
  /** Where it came from, for the summary: `ssm:/aws/service/...`, `name al2023-* owned by amazon`. */
  source: string;
  creationDate?: string;
}

/** One recipe file, read from the repository: run in this order on the builder. */
export interface RecipeFile {
  /** Path relative to the repository root, with `/` separators (the same on every machine). */
  path: string;
  content: Buffer;
}

export interface BakeRequest {
  region: string;
  base: BaseImageSource;
  recipe: RecipeFile[];
  /** KEY=VALUE given to the recipe; IMAGE and RELEASE are added by the action. */
  recipeEnv: Record<string, string>;
  /** Container image by digest, from build-image, when there is one. */
  image?: string;
  instanceType: string;
  subnetId?: string;
  securityGroupIds: string[];
  iamInstanceProfile: string;
  rootVolumeSizeGiB?: number;
  /** The AMI name after its template was rendered (commit, date, short bake key). */
  amiNameTemplate: string;
  tags: Record<string, string>;
  /** Regions to copy to, besides `region`. */
  copyToRegions: string[];
  shareWithAccounts: string[];
  encrypt: boolean;
  /** KMS key per region (`region=arn` lines), or one key for all when given as plain text. */
  kmsKeyIds: Record<string, string>;
  forceRebake: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
}

/** The step's context (AWS per region, time, cancellation, logging, the run), and what the bake reports as it goes. */
export interface BakeContext extends AwsContext {
  /** Called as soon as a resource exists that the post step must clean up if the step ends early. */
  onCreated?: (resource: CreatedResource) => void;
  /** Called when a bake phase starts, for the summary's durations. */
  onPhase?: (phase: BakePhase) => void;
}

export type BakePhase = "resolving" | "launching" | "configuring" | "imaging" | "copying" | "sharing";

export type CreatedResource =
  | { kind: "instance"; region: string; instanceId: string }
  | { kind: "image"; region: string; imageId: string };

export interface RecipeResult {
  status: "Success" | "Failed" | "TimedOut" | "Cancelled";
  exitCode: number;
  /** The last lines of output, for the log and the error. */
  outputTail: string;
  /** Each recipe file as it ran (one SSM command each), in order. */
  files?: { path: string; status: RecipeResult["status"]; exitCode: number; ms: number }[];
}

export interface BakeResult {
  bakeKey: string;
  /** AMI id per region, the request's region first. */
  amis: Record<string, string>;
  reused: boolean;
  base: ResolvedBaseImage;
  recipe?: RecipeResult;
  /** Phase durations in ms, in order. */
  phases: { phase: BakePhase; ms: number }[];
  /** Accounts the AMIs were shared with. */
  sharedWith: string[];
}
