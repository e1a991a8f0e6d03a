import type { QueryParams } from "../protocol/query.ts";
import type { RegionState, World } from "../world.ts";

/** What a handler gets besides its input: the world, the region the request was signed for, and the time. */
export interface RequestContext {
  world: World;
  region: RegionState;
  /** Virtual time of the request, with every event due by then already run. */
  now: number;
  operation: string;
}

/** A Query-protocol service (EC2, Auto Scaling): handlers read flattened params and return the result's XML fields. */
export interface QueryService {
  protocol: "ec2" | "query";
  /** The XML namespace of responses, e.g. `http://ec2.amazonaws.com/doc/2016-11-15/`. */
  xmlns: string;
  operations: Record<string, (params: QueryParams, ctx: RequestContext) => Record<string, unknown>>;
}

/** A JSON-protocol service (SSM): handlers take and return the JSON bodies. */
export interface JsonService {
  protocol: "json";
  /** The `X-Amz-Target` prefix, e.g. `AmazonSSM`. */
  targetPrefix: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are validated by each handler
  operations: Record<string, (input: any, ctx: RequestContext) => unknown>;
}

/** A GitHub REST request, path relative to the API root (`/repos/o/r/deployments`). */
export interface GithubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  world: World;
  now: number;
  /** The API root as the client reached it (`http://127.0.0.1:4566/github`), for URLs in responses and Link headers. */
  baseUrl: string;
}

export interface GithubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
