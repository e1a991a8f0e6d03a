import { AwsError } from "../protocol/errors.ts";
import type { QueryParams } from "../protocol/query.ts";
import type { RequestContext } from "./types.ts";

/**
 * Client tokens (`ClientToken`), the one implementation every operation with an idempotency
 * token shares. The rules, from EC2's "Ensuring idempotency in Amazon EC2 API requests"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html):
 *
 * - A retry with the same token and the same parameters succeeds without doing anything
 *   more; its result may show updated information (the current state), so a replay renders
 *   what the first request made as it is now rather than a frozen copy.
 * - The same token with a parameter that differs (other than the Region or Availability
 *   Zone) fails with `IdempotentParameterMismatch`, a client error (HTTP 400).
 * - Tokens are case-sensitive (compared exactly) and at most 64 ASCII characters. The API
 *   reference of the launch template operations allows 128
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html),
 *   so each operation passes its own limit. Neither page names the error for a token that
 *   breaks the limit: `InvalidParameterValue` here is our choice, refusing rather than
 *   accepting.
 * - Idempotency is regional: the same token may be used again in another Region (one store
 *   per region of the world), and for RunInstances zonal when the request names or implies
 *   an Availability Zone (the caller passes it as `scope`).
 * - The page speaks only of retrying a request that completed successfully: a request that
 *   failed records nothing, so its retry is a new request.
 * - How long a token is remembered: the current page says nothing, for any operation. The
 *   older API reference page for RunInstances
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Run_Instance_Idempotency.html)
 *   said a token stays valid for at least 24 hours after the instance's termination, a lower
 *   bound with no end stated. No expiry is invented: a token is kept for the world's lifetime.
 * - An empty `ClientToken` is treated as no token; the documentation does not say what AWS
 *   does with one. The AWS SDKs fill in a random token when the caller gives none, so a
 *   request without one arrives only from raw clients.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** How many tokens are remembered, for tests. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The first result for `token`, replayed, if its fingerprint matches; otherwise runs
   * `perform` and remembers how to render its result again.
   */
  run(
    key: { operation: string; token: string; scope?: string | undefined },
    fingerprint: string,
    perform: () => Performed,
  ): Record<string, unknown> {
    const id = JSON.stringify([key.operation, key.scope ?? "", key.token]);
    const known = this.entries.get(id);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        throw new AwsError(
          "IdempotentParameterMismatch",
          `The client token '${key.token}' was already used with other parameters for ${key.operation}.`,
        );
      }
      return known.replay();
    }
    const { result, replay } = perform();
    this.entries.set(id, { fingerprint, replay });
    return result;
  }
}

/** What an operation did: its response, and how to render that response again from the current state. */
export interface Performed {
  result: Record<string, unknown>;
  replay: () => Record<string, unknown>;
}

interface Entry {
  fingerprint: string;
  replay: () => Record<string, unknown>;
}

export interface ClientTokenOptions {
  /** The longest token the operation takes, in characters. */
  maxLength: number;
  /** Narrower than the region: RunInstances' Availability Zone when the request names or implies one. */
  scope?: string | undefined;
  /** Parameters left out of the comparison besides the token (the Availability Zone, which the doc excludes). */
  ignore?: string[];
}

const ASCII = /^[\x20-\x7e]*$/;
/** Protocol members, not the operation's parameters. */
const NOT_PARAMETERS = ["Action", "Version", "ClientToken"];

/**
 * Runs a Query-protocol operation under its `ClientToken`: without one, `perform` runs as
 * before; with one, the region's store decides between replay, mismatch and a first run.
 */
export function withClientToken(
  params: QueryParams,
  ctx: RequestContext,
  options: ClientTokenOptions,
  perform: () => Performed,
): Record<string, unknown> {
  const token = params.str("ClientToken");
  if (token === undefined || token === "") return perform().result;
  if (token.length > options.maxLength || !ASCII.test(token)) {
    throw new AwsError(
      "InvalidParameterValue",
      `Value (${token}) for parameter clientToken is invalid: it must be at most ${options.maxLength} ASCII characters.`,
    );
  }
  const ignored = new Set([...NOT_PARAMETERS, ...(options.ignore ?? [])]);
  const fingerprint = JSON.stringify(
    params
      .entries()
      .filter(([name]) => !ignored.has(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return ctx.region.idempotency.run({ operation: ctx.operation, token, scope: options.scope }, fingerprint, perform);
}
