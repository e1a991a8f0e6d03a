import type { GithubRequest, GithubResponse } from "../types.ts";

/**
 * GitHub's REST conventions: errors as `{message, documentation_url, status}`, validation
 * failures as 422 with `errors`, timestamps without milliseconds, and lists paged by
 * `per_page`/`page` with a `Link` header naming the other pages.
 */
export class GithubError extends Error {
  readonly response: GithubResponse;

  constructor(status: number, message: string, documentationUrl: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.response = {
      status,
      body: { message, ...extra, documentation_url: documentationUrl, status: String(status) },
    };
  }
}

export function notFound(documentationUrl: string): GithubError {
  return new GithubError(404, "Not Found", documentationUrl);
}

/** A 422 for a field that breaks a rule, as GitHub reports model validation. */
export function validationFailed(
  documentationUrl: string,
  resource: string,
  field: string,
  message: string,
): GithubError {
  return new GithubError(422, "Validation Failed", documentationUrl, {
    errors: [{ resource, code: "custom", field, message }],
  });
}

export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Reads a JSON request body, answering type errors the way GitHub's schema validation does. */
export class Body {
  private readonly raw: Record<string, unknown>;
  private readonly docs: string;

  constructor(raw: unknown, documentationUrl: string) {
    if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
      throw new GithubError(400, "Problems parsing JSON", documentationUrl);
    }
    this.raw = (raw ?? {}) as Record<string, unknown>;
    this.docs = documentationUrl;
  }

  private wrongType(name: string, type: string): GithubError {
    return new GithubError(
      422,
      `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(this.raw[name])} is not ${type}.`,
      this.docs,
    );
  }

  /** An object, or a string holding JSON (kept as the string if it is not JSON), as `payload` is taken. */
  json(name: string): unknown {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    if (typeof value !== "object") throw this.wrongType(name, "an object or a string");
    return value;
  }

  requiredString(name: string): string {
    if (this.raw[name] === undefined)
      throw new GithubError(422, `Invalid request.\n\n"${name}" wasn't supplied.`, this.docs);
    return this.string(name) as string;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw this.wrongType(name, "a string");
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") throw this.wrongType(name, "a boolean");
    return value;
  }

  strings(name: string): string[] | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw this.wrongType(name, "an array");
    return value;
  }
}

/** One page of a list and its `Link` header, as GitHub pages: `per_page` (default 30, at most 100) and `page`. */
export function page<T>(request: GithubRequest, items: readonly T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, positive(request.query.get("per_page")) ?? 30));
  const current = positive(request.query.get("page")) ?? 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(request.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `<${request.baseUrl}${request.path}?${query}>; rel="${rel}"`;
  };
  const links = [
    ...(current > 1 ? [link(current - 1, "prev")] : []),
    ...(current < last ? [link(current + 1, "next"), link(last, "last")] : []),
    ...(current > 1 ? [link(1, "first")] : []),
  ];
  return {
    items: items.slice((current - 1) * perPage, current * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

function positive(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}
