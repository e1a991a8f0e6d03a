// What the end-to-end tests of build-image share: the bundled action run with a real
// buildah against a real registry (test/e2e/registry.ts), and fresh names so that tests
// sharing one registry (DEPLOY_TEST_REGISTRY) do not see each other's tags.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type ActionRun, type RunActionOptions, runAction } from "@deploy/test/harness";
import { describe } from "vitest";
import { buildahAvailable, registryAvailable } from "./registry.ts";

export const ACTION = fileURLToPath(new URL("../../actions/build-image", import.meta.url));
/** test/fixtures/images: app (builds), broken (COPY of a file that is not there). */
export const FIXTURES = fileURLToPath(new URL("../fixtures/images", import.meta.url));

/**
 * buildah as root on a machine without user namespaces needs the vfs storage driver and
 * chroot isolation; buildah reads both from the environment, so the action's code is what
 * a runner runs.
 */
export const BUILDAH_ENV = { STORAGE_DRIVER: "vfs", BUILDAH_ISOLATION: "chroot" };

const missing = [!buildahAvailable && "buildah", !registryAvailable && "docker-registry"].filter(Boolean);
if (missing.length > 0 && process.env.CI === "true") {
  throw new Error(
    `build-image e2e: ${missing.join(" and ")} must be installed in CI (apt-get install buildah docker-registry)`,
  );
}
if (missing.length > 0) console.warn(`build-image e2e skipped: ${missing.join(" and ")} not installed`);
/** `describe`, or `describe.skip` where buildah or docker-registry is missing (never in CI). */
export const describeWithBuildah = missing.length > 0 ? describe.skip : describe;

/** A commit sha no other test uses. */
export function commit(): string {
  return randomBytes(20).toString("hex");
}

/** Runs the bundle for `sha` with buildah's environment, in the fixtures as workspace. */
export function buildImage(
  sha: string,
  inputs: Record<string, string>,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  return runAction(ACTION, {
    workspace: FIXTURES,
    ...options,
    inputs: { context: "app", ...inputs },
    github: { sha, ...options.github },
    env: { ...BUILDAH_ENV, ...options.env },
  });
}

/** The step's error as the log shows it (`::error::` lines). */
export { errors } from "./action-support.ts";
