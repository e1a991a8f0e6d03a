import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";
import type { RequestContext } from "../types.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { pager } from "./paging.ts";

/**
 * The instance types the simulator knows, with the architectures each supports: the
 * families the suite's docs, examples and tests name. The architectures are AWS's, as
 * DescribeInstanceTypes reports `ProcessorInfo.SupportedArchitectures`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ProcessorInfo.html; Graviton
 * families, the `g` after the generation digit, are arm64: https://aws.amazon.com/ec2/graviton/).
 * Only architectures are modelled, not vCPUs or memory, so as not to state numbers the
 * suite never reads. A real type outside this table is refused like a type that does not
 * exist: stricter than AWS, never kinder; add the family when a test needs it.
 */
const FAMILIES: Record<string, { architectures: readonly Architecture[]; sizes: readonly string[] }> = {
  // m1.small is RunInstances' default type (API_RunInstances: InstanceType, "Default: m1.small").
  m1: { architectures: ["i386", "x86_64"], sizes: ["small", "medium", "large", "xlarge"] },
  t2: { architectures: ["i386", "x86_64"], sizes: ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"] },
  t3: { architectures: ["x86_64"], sizes: ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"] },
  t3a: { architectures: ["x86_64"], sizes: ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"] },
  t4g: { architectures: ["arm64"], sizes: ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"] },
  m5: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  m6i: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  m7i: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  c6i: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  c7i: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  r6i: { architectures: ["x86_64"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
  m6g: { architectures: ["arm64"], sizes: ["medium", "large", "xlarge", "2xlarge", "4xlarge"] },
  m7g: { architectures: ["arm64"], sizes: ["medium", "large", "xlarge", "2xlarge", "4xlarge"] },
  c7g: { architectures: ["arm64"], sizes: ["medium", "large", "xlarge", "2xlarge", "4xlarge"] },
  r7g: { architectures: ["arm64"], sizes: ["medium", "large", "xlarge", "2xlarge", "4xlarge"] },
};

export type Architecture = "i386" | "x86_64" | "arm64";

/** The architectures an instance type runs, or undefined when the simulator does not know the type. */
export function instanceTypeArchitectures(type: string): readonly Architecture[] | undefined {
  const [family = "", size = ""] = type.split(".");
  const known = FAMILIES[family];
  return known?.sizes.includes(size) ? known.architectures : undefined;
}

const ALL_TYPES = Object.entries(FAMILIES).flatMap(([family, { sizes }]) => sizes.map((size) => `${family}.${size}`));

/**
 * DescribeInstanceTypes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html):
 * the types named (at most 100), or all, filtered; MaxResults 5 to 100 (the model's bounds).
 * A type that does not exist is `InvalidInstanceType` (listed among the client errors of
 * https://docs.aws.amazon.com/ec2/latest/devguide/errors-overview.html); the exact message
 * text is not documented, so the simulator's only names the types.
 */
function describeInstanceTypes(params: QueryParams, _ctx: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 5, max: 100 });
  const named = params.strings("InstanceType");
  if (named.length > 100) {
    throw new AwsError("InvalidParameterValue", "The request may name at most 100 instance types.");
  }
  const unknown = named.filter((type) => instanceTypeArchitectures(type) === undefined);
  if (unknown.length > 0) {
    throw new AwsError(
      "InvalidInstanceType",
      `The following supplied instance types do not exist: [${unknown.join(", ")}]`,
    );
  }
  const types = (named.length > 0 ? [...new Set(named)] : ALL_TYPES).map((type) => ({
    type,
    architectures: [...(instanceTypeArchitectures(type) ?? [])],
  }));
  const filtered = applyFilters(types, readFilters(params), {
    "instance-type": (t) => t.type,
    "processor-info.supported-architecture": (t) => t.architectures,
  });
  const { page, nextToken } = paging(filtered);
  return {
    instanceTypeSet: page.map((t) => ({
      instanceType: t.type,
      processorInfo: { supportedArchitectures: t.architectures },
    })),
    nextToken,
  };
}

export const instanceTypeOperations = { DescribeInstanceTypes: describeInstanceTypes };
