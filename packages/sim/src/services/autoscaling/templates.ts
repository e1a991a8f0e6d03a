import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState } from "../../world.ts";
import { findLaunchTemplate, templateVersion } from "../ec2/launch-templates.ts";
import type { LaunchTemplate, LaunchTemplateVersion } from "../ec2/state.ts";
import { validation } from "./errors.ts";
import type { LaunchTemplateRef } from "./state.ts";

/**
 * Launch templates as Auto Scaling names them: by id or by name, at a version that is a
 * number, `$Latest` or `$Default` (the default when none is given). The lookups are EC2's;
 * Auto Scaling answers their problems as ValidationErrors.
 */
export function findTemplate(region: RegionState, spec: { id?: string; name?: string }): LaunchTemplate {
  if ((spec.id === undefined) === (spec.name === undefined)) {
    throw validation("Valid requests must contain either launchTemplateId or LaunchTemplateName");
  }
  return asValidation(() => findLaunchTemplate(region, spec));
}

export function resolveVersion(template: LaunchTemplate, version: string): LaunchTemplateVersion {
  return asValidation(() => templateVersion(template, version));
}

function asValidation<T>(lookup: () => T): T {
  try {
    return lookup();
  } catch (error) {
    throw error instanceof AwsError ? validation(error.message) : error;
  }
}

/** A `LaunchTemplate` request structure, checked against the region's templates. */
export function readTemplateRef(region: RegionState, q: QueryParams): LaunchTemplateRef {
  return templateRef(region, {
    id: q.str("LaunchTemplateId"),
    name: q.str("LaunchTemplateName"),
    version: q.str("Version"),
  });
}

export function templateRef(
  region: RegionState,
  spec: { id?: string | undefined; name?: string | undefined; version?: string | undefined },
): LaunchTemplateRef {
  const template = findTemplate(region, {
    ...(spec.id !== undefined && { id: spec.id }),
    ...(spec.name !== undefined && { name: spec.name }),
  });
  const version = spec.version ?? "$Default";
  resolveVersion(template, version);
  return { id: template.id, name: template.name, version };
}

/**
 * The same template pinned to the number its version resolves to now; undefined once the
 * template or version is deleted, as the reconciler must not fail on that.
 */
export function pinned(region: RegionState, ref: LaunchTemplateRef): LaunchTemplateRef | undefined {
  try {
    const { versionNumber } = resolveVersion(findTemplate(region, { id: ref.id }), ref.version);
    return { ...ref, version: String(versionNumber) };
  } catch {
    return undefined;
  }
}

export function isPinned(version: string): boolean {
  return version !== "$Latest" && version !== "$Default";
}

export function sameVersion(a: LaunchTemplateRef | undefined, b: LaunchTemplateRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.id === b.id && a.version === b.version;
}
