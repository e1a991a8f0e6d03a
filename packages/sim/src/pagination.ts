import { AwsError } from "./protocol/errors.ts";

/**
 * One page of a list, as the describe APIs page: an opaque NextToken that the caller
 * passes back, and a page size bounded by the operation's maximum.
 */
export function paginate<T>(
  items: readonly T[],
  options: { nextToken?: string | undefined; maxResults?: number | undefined; defaultMax: number; max?: number },
): { page: T[]; nextToken: string | undefined } {
  const limit = Math.min(options.maxResults ?? options.defaultMax, options.max ?? Number.POSITIVE_INFINITY);
  let start = 0;
  if (options.nextToken) {
    const decoded = Number(
      Buffer.from(options.nextToken, "base64url")
        .toString("utf8")
        .replace(/^offset:/, ""),
    );
    if (!Number.isInteger(decoded) || decoded < 0) {
      throw new AwsError("InvalidNextToken", `The specified token ${options.nextToken} is not valid.`);
    }
    start = decoded;
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return {
    page,
    nextToken: end < items.length ? Buffer.from(`offset:${end}`, "utf8").toString("base64url") : undefined,
  };
}
