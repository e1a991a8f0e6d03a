import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState, World } from "../../world.ts";
import { withClientToken } from "../idempotency.ts";
import type { RequestContext } from "../types.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { notFound, wellFormed } from "./ids.ts";
import type { LaunchSpec } from "./instances.ts";
import { completeLaunchSpec, instanceTags, launchSpecFromData } from "./launch-spec.ts";
import { type LaunchTemplateData, launchTemplateDataXml, readLaunchTemplateData } from "./launch-template-data.ts";
import { pager } from "./paging.ts";
import type { LaunchTemplate, LaunchTemplateVersion, Tag } from "./state.ts";
import { tagSet, tagSpecifications } from "./tags.ts";

/** A launch template named by id or by name, and a version: a number, `$Latest` or `$Default` (the default). */
export interface LaunchTemplateRef {
  id?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
}

const TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const MAX_VERSION_DESCRIPTION = 255;

export function findLaunchTemplate(region: RegionState, ref: LaunchTemplateRef): LaunchTemplate {
  if (ref.id !== undefined && ref.name !== undefined) {
    throw new AwsError(
      "InvalidParameterCombination",
      "Specify either the launch template ID or the launch template name, but not both.",
    );
  }
  if (ref.id !== undefined) {
    const template = region.ec2.launchTemplates.get(wellFormed("launchTemplate", ref.id));
    if (!template) throw notFound("launchTemplate", ref.id);
    return template;
  }
  if (ref.name === undefined) {
    throw new AwsError(
      "MissingParameter",
      "The request must contain the parameter LaunchTemplateName or LaunchTemplateId",
    );
  }
  const template = [...region.ec2.launchTemplates.values()].find((t) => t.name === ref.name);
  if (!template) {
    throw new AwsError(
      "InvalidLaunchTemplateName.NotFoundException",
      `The specified launch template, with template name ${ref.name}, does not exist.`,
    );
  }
  return template;
}

export function templateVersion(template: LaunchTemplate, version = "$Default"): LaunchTemplateVersion {
  const number =
    version === "$Default" ? template.defaultVersion : version === "$Latest" ? template.latestVersion : Number(version);
  const found = template.versions.find((v) => v.versionNumber === number);
  if (!found) {
    throw new AwsError(
      "InvalidLaunchTemplateId.VersionNotFound",
      `Could not find launch template version ${version} of launch template ${template.id}.`,
    );
  }
  return found;
}

export function createLaunchTemplate(
  world: World,
  region: RegionState,
  spec: { id?: string; name: string; data: LaunchTemplateData; description?: string; tags?: Tag[] },
  now: number,
): LaunchTemplate {
  if (!TEMPLATE_NAME.test(spec.name)) {
    throw new AwsError(
      "InvalidLaunchTemplateName.MalformedException",
      `A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.: ${spec.name}`,
    );
  }
  if ([...region.ec2.launchTemplates.values()].some((t) => t.name === spec.name)) {
    throw new AwsError(
      "InvalidLaunchTemplateName.AlreadyExistsException",
      `Launch template name already in use: ${spec.name}`,
    );
  }
  const template: LaunchTemplate = {
    id: spec.id ?? world.newId("lt"),
    name: spec.name,
    createTime: now,
    defaultVersion: 1,
    latestVersion: 0,
    versions: [],
    tags: [...(spec.tags ?? [])],
  };
  addLaunchTemplateVersion(template, spec.data, spec.description, now);
  region.ec2.launchTemplates.set(template.id, template);
  return template;
}

export function addLaunchTemplateVersion(
  template: LaunchTemplate,
  data: LaunchTemplateData,
  description: string | undefined,
  now: number,
): LaunchTemplateVersion {
  // VersionDescription is 0..255 characters (botocore's EC2 model, shape VersionDescription;
  // "Launch template restrictions" in the EC2 user guide). EC2 answers a value out of bounds with
  // InvalidParameterValue (the EC2 API reference's common client errors); the wording is not documented.
  if (description !== undefined && description.length > MAX_VERSION_DESCRIPTION) {
    throw new AwsError(
      "InvalidParameterValue",
      `Value for parameter VersionDescription is invalid: it is ${description.length} characters long, and may be at most ${MAX_VERSION_DESCRIPTION}.`,
    );
  }
  const version: LaunchTemplateVersion = {
    versionNumber: template.latestVersion + 1,
    createTime: now,
    data,
    ...(description !== undefined && { description }),
  };
  template.versions.push(version);
  template.latestVersion = version.versionNumber;
  return version;
}

/**
 * What a launch template version launches, tagged as EC2 tags instances launched from a
 * template (`aws:ec2launchtemplate:id`, `...:version`). Incomplete on purpose: RunInstances
 * lays its own parameters over it.
 */
export function templateLaunchSpec(world: World, region: RegionState, ref: LaunchTemplateRef): Partial<LaunchSpec> {
  const template = findLaunchTemplate(region, ref);
  const version = templateVersion(template, ref.version);
  const versionNumber = String(version.versionNumber);
  return {
    ...launchSpecFromData(world, region, version.data),
    tags: [
      ...instanceTags(version.data),
      { Key: "aws:ec2launchtemplate:id", Value: template.id },
      { Key: "aws:ec2launchtemplate:version", Value: versionNumber },
    ],
    launchTemplate: { id: template.id, version: versionNumber },
  };
}

/** A launch template version as a LaunchSpec, for launches that add nothing of their own but placement and tags (Auto Scaling). */
export function launchSpecFromTemplate(world: World, region: RegionState, ref: LaunchTemplateRef): LaunchSpec {
  return completeLaunchSpec(region, templateLaunchSpec(world, region, ref));
}

function refFrom(params: QueryParams): LaunchTemplateRef {
  return { id: params.str("LaunchTemplateId"), name: params.str("LaunchTemplateName") };
}

function requiredData(params: QueryParams): LaunchTemplateData {
  const data = params.struct("LaunchTemplateData");
  if (!data) throw new AwsError("MissingParameter", "The request must contain the parameter LaunchTemplateData");
  return readLaunchTemplateData(data, { strict: true });
}

function templateXml(world: World, template: LaunchTemplate): Record<string, unknown> {
  return {
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    createTime: new Date(template.createTime),
    createdBy: `arn:aws:iam::${world.accountId}:root`,
    defaultVersionNumber: template.defaultVersion,
    latestVersionNumber: template.latestVersion,
    tagSet: tagSet(template.tags),
  };
}

function versionXml(world: World, template: LaunchTemplate, version: LaunchTemplateVersion): Record<string, unknown> {
  return {
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    versionNumber: version.versionNumber,
    versionDescription: version.description,
    createTime: new Date(version.createTime),
    createdBy: `arn:aws:iam::${world.accountId}:root`,
    defaultVersion: version.versionNumber === template.defaultVersion,
    launchTemplateData: launchTemplateDataXml(version.data),
  };
}

/**
 * The longest ClientToken of CreateLaunchTemplate, CreateLaunchTemplateVersion and
 * ModifyLaunchTemplate: their API reference pages say 128 ASCII characters (e.g.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html),
 * where the general idempotency page says 64.
 */
const TEMPLATE_TOKEN_LENGTH = 128;

/**
 * A retry with the same client token answers the template as it is now (its latest and
 * default versions may have moved since): the idempotency page allows a retry's result to
 * carry updated information (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
 */
function createLaunchTemplateOp(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const { world, region, now } = ctx;
  return withClientToken(params, ctx, { maxLength: TEMPLATE_TOKEN_LENGTH }, () => {
    const name = params.requiredStr("LaunchTemplateName");
    const data = requiredData(params);
    const tags = tagSpecifications(params, ["launch-template"]).get("launch-template");
    const description = params.str("VersionDescription");
    const template = createLaunchTemplate(
      world,
      region,
      { name, data, ...(description !== undefined && { description }), ...(tags && { tags }) },
      now,
    );
    const answer = () => ({ launchTemplate: templateXml(world, template) });
    return { result: answer(), replay: answer };
  });
}

/**
 * The new version starts from `SourceVersion`'s data, if named, with the given members
 * replacing its own. A retry with the same client token answers the version it made (whether
 * it is the default now), and adds none.
 */
function createLaunchTemplateVersion(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const { world, region, now } = ctx;
  return withClientToken(params, ctx, { maxLength: TEMPLATE_TOKEN_LENGTH }, () => {
    const template = findLaunchTemplate(region, refFrom(params));
    const data = requiredData(params);
    const sourceVersion = params.str("SourceVersion");
    const base = sourceVersion === undefined ? {} : templateVersion(template, sourceVersion).data;
    const version = addLaunchTemplateVersion(template, { ...base, ...data }, params.str("VersionDescription"), now);
    const answer = () => ({ launchTemplateVersion: versionXml(world, template, version) });
    return { result: answer(), replay: answer };
  });
}

function describeLaunchTemplates(params: QueryParams, { world, region }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 1, max: 200 });
  const ids = params.strings("LaunchTemplateId");
  const names = params.strings("LaunchTemplateName");
  const templates =
    ids.length > 0 || names.length > 0
      ? [
          ...ids.map((id) => findLaunchTemplate(region, { id })),
          ...names.map((name) => findLaunchTemplate(region, { name })),
        ]
      : [...region.ec2.launchTemplates.values()];
  const filtered = applyFilters(templates, readFilters(params), {
    "launch-template-name": (t) => t.name,
    "create-time": (t) => new Date(t.createTime).toISOString(),
  });
  const result = paging(filtered);
  return { launchTemplates: result.page.map((t) => templateXml(world, t)), nextToken: result.nextToken };
}

/**
 * Versions of one template (by id or name), newest first; without a template, the
 * `$Latest`/`$Default` versions of every template, as AWS allows.
 */
function describeLaunchTemplateVersions(
  params: QueryParams,
  { world, region }: RequestContext,
): Record<string, unknown> {
  const paging = pager(params, { min: 1, max: 200 });
  const ref = refFrom(params);
  const requested = params.strings("LaunchTemplateVersion");
  const oneTemplate = ref.id !== undefined || ref.name !== undefined;
  if (!oneTemplate && (requested.length === 0 || requested.some((v) => v !== "$Latest" && v !== "$Default"))) {
    throw new AwsError(
      "InvalidParameterCombination",
      "Without a launch template id or name, only the versions $Latest and $Default can be described.",
    );
  }
  const templates = oneTemplate ? [findLaunchTemplate(region, ref)] : [...region.ec2.launchTemplates.values()];
  const min = Number(params.str("MinVersion") ?? Number.NEGATIVE_INFINITY);
  const max = Number(params.str("MaxVersion") ?? Number.POSITIVE_INFINITY);
  const entries = templates.flatMap((template) => {
    const versions =
      requested.length > 0
        ? [...new Set(requested.map((v) => templateVersion(template, v)))]
        : [...template.versions].sort((a, b) => b.versionNumber - a.versionNumber);
    return versions
      .filter((v) => v.versionNumber >= min && v.versionNumber <= max)
      .map((version) => ({ template, version }));
  });
  const filtered = applyFilters(entries, readFilters(params), {
    "is-default-version": (e) => e.version.versionNumber === e.template.defaultVersion,
    "image-id": (e) => e.version.data.ImageId as string | undefined,
    "instance-type": (e) => e.version.data.InstanceType as string | undefined,
    "create-time": (e) => new Date(e.version.createTime).toISOString(),
  });
  const result = paging(filtered);
  return {
    launchTemplateVersionSet: result.page.map((e) => versionXml(world, e.template, e.version)),
    nextToken: result.nextToken,
  };
}

/**
 * A retry with the same client token changes nothing again (a default set since by another
 * request stays) and answers the template as it is now.
 */
function modifyLaunchTemplate(params: QueryParams, ctx: RequestContext): Record<string, unknown> {
  const { world, region } = ctx;
  return withClientToken(params, ctx, { maxLength: TEMPLATE_TOKEN_LENGTH }, () => {
    const template = findLaunchTemplate(region, refFrom(params));
    const defaultVersion = params.str("SetDefaultVersion");
    if (defaultVersion !== undefined) template.defaultVersion = templateVersion(template, defaultVersion).versionNumber;
    const answer = () => ({ launchTemplate: templateXml(world, template) });
    return { result: answer(), replay: answer };
  });
}

export const launchTemplateOperations = {
  CreateLaunchTemplate: createLaunchTemplateOp,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  ModifyLaunchTemplate: modifyLaunchTemplate,
};
