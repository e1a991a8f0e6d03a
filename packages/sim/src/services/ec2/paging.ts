import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";

/**
 * Paging of a describe call, with EC2's checks of `MaxResults`: each operation has its own
 * range, and some refuse it together with an explicit id list (`exclusiveWith`). The checks
 * run at once, before the call looks anything up; the returned function cuts the page.
 */
export function pager(
  params: QueryParams,
  limits: { min: number; max: number; exclusiveWith?: string },
): <T>(items: readonly T[]) => { page: T[]; nextToken: string | undefined } {
  const maxResults = params.int("MaxResults");
  if (maxResults !== undefined) {
    if (limits.exclusiveWith && params.has(limits.exclusiveWith)) {
      throw new AwsError(
        "InvalidParameterCombination",
        `The parameter ${limits.exclusiveWith} cannot be used with the parameter maxResults`,
      );
    }
    if (maxResults < limits.min || maxResults > limits.max) {
      throw new AwsError(
        "InvalidParameterValue",
        `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
      );
    }
  }
  return (items) => paginate(items, { nextToken: params.str("NextToken"), maxResults, defaultMax: limits.max });
}
