import { DeployError } from "@deploy/core";

/** What a database URL points at: enough for the guard and for messages, never the password. */
export interface DatabaseTarget {
  host: string;
  port: number;
  database: string;
}

const SCHEMES = new Set(["postgres:", "postgresql:"]);

/**
 * The host, port and database of a `postgres://` URL. The guard checks these before
 * connecting, so a URL that leaves one out (pg would fill it from PGHOST or PGDATABASE,
 * which the guard cannot see) is refused rather than guessed. Errors never quote the URL:
 * it holds the password.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const parsed = tryParse(url);
  if (!parsed || !SCHEMES.has(parsed.protocol)) {
    throw badUrl("is not a postgres:// URL", "Write it as postgres://user:password@host:5432/database.");
  }
  // A Unix socket directory goes in ?host=, as libpq and pg accept it.
  const host = parsed.hostname || parsed.searchParams.get("host") || "";
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (host === "") throw badUrl("names no host", "Write the host in it: postgres://user:password@host:5432/database.");
  if (database === "") {
    throw badUrl(
      "names no database",
      "Write the database after the host: postgres://user:password@host:5432/database.",
    );
  }
  return { host, port: parsed.port === "" ? 5432 : Number(parsed.port), database };
}

/** `postgres://host:port/database`, for errors and summaries; never the user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const { host, port, database } = parseDatabaseUrl(url);
    return `postgres://${host}:${port}/${database}`;
  } catch {
    return "the database URL (not a valid postgres:// URL)";
  }
}

/**
 * `text` without the URL's passwords (see passwordsIn) nor the URL itself: for messages
 * that come from pg or the server, which the suite does not write itself.
 */
export function withoutPassword(text: string, url: string): string {
  return [url, ...passwordsIn(url)].reduce((result, secret) => result.replaceAll(secret, "***"), text);
}

/**
 * The passwords of a database URL, as written and URL-decoded, longest first: the URL's own,
 * any ?password= (which pg also reads), and for a URL that does not parse what stands between
 * "user:" and the last "@" of the authority, so that a typo in the URL does not print it.
 * What the action masks, and what messages from pg are cleaned of.
 */
export function passwordsIn(url: string): string[] {
  const parsed = tryParse(url);
  const raw: string[] = [];
  if (parsed) {
    raw.push(parsed.password);
  } else {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*?:([^/?#]*)@[^@/?#]*(?:[/?#]|$)/i.exec(url);
    if (userinfo?.[1]) raw.push(userinfo[1]);
  }
  for (const m of url.matchAll(/[?&]password=([^&#]*)/gi))
    raw.push(m[1] as string, (m[1] as string).replaceAll("+", " "));
  return [...new Set([...raw, ...raw.map(safeDecode)])].filter((p) => p !== "").sort((a, b) => b.length - a.length);
}

function tryParse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function badUrl(problem: string, fix: string): DeployError {
  return new DeployError({
    what: `Input "database-url" ${problem}.`,
    why: 'Got "***" (the URL is secret, so it is not shown).',
    fix,
    input: "database-url",
    code: "InvalidValue",
  });
}
