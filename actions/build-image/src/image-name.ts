import { invalidInput } from "@deploy/core";

export interface ImageName {
  /** Host[:port], e.g. "ghcr.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "127.0.0.1:5000". docker.io when none given. */
  registry: string;
  /** Path in the registry, e.g. "acme/shop" ("library/nginx" for a Docker Hub one-segment name). */
  repository: string;
  /** registry/repository as the user wrote it, normalised (what tags and digests are appended to). */
  name: string;
}

export const DOCKER_HUB = "docker.io";

// The grammar of github.com/distribution/reference: a path component is lowercase letters and
// digits joined by ".", "_", "__" or runs of "-"; a host is DNS labels (any case) or a
// bracketed IPv6 address, with an optional port.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const MAX_NAME_LENGTH = 255;
const EXAMPLE = 'Write the registry and repository without a tag, like "ghcr.io/acme/shop".';

/**
 * Validates the `image` input: lowercase OCI repository grammar, no tag, no digest. The action
 * tags with the commit sha itself, so a tag here would be ignored or, worse, overwritten.
 */
export function parseImageName(value: string, input = "image"): ImageName {
  const text = value.trim();
  const fail = (problem: string, fix: string) => invalidInput(input, text, problem, fix);

  if (text === "") throw fail("is empty", EXAMPLE);
  if (/\s/.test(text)) throw fail("contains white space", EXAMPLE);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme)
    throw fail(
      "starts with a URL scheme",
      `Remove "${scheme[0]}": write the registry's host, like "ghcr.io/acme/shop".`,
    );

  const at = text.indexOf("@");
  if (at >= 0) {
    throw fail(
      "has a digest",
      `Remove the digest "${text.slice(at)}"; the action pushes a new image and outputs its digest.`,
    );
  }

  // A first segment is a host when Docker would take it for one: it has a dot or a port,
  // or it is localhost. Anything else is a Docker Hub path ("acme/shop").
  const slash = text.indexOf("/");
  const first = slash < 0 ? "" : text.slice(0, slash);
  const hasHost = first.includes(".") || first.includes(":") || first === "localhost" || /^\[.*\]/.test(first);
  const host = hasHost ? first : "";
  const path = hasHost ? text.slice(slash + 1) : text;

  const lastSegment = path.slice(path.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon >= 0) {
    throw fail(
      "has a tag",
      `Remove the tag "${lastSegment.slice(colon)}"; the action tags the image with the commit sha.`,
    );
  }

  // "ghcr.io" alone would be a Docker Hub repository, which is never what was meant.
  if (!hasHost && !path.includes("/") && path.includes(".")) {
    throw fail("has no repository", `Add the repository after the registry, like "${path}/acme/shop".`);
  }

  if (hasHost && !HOST.test(host)) {
    throw fail(
      `has a registry host "${host}" that is not a host name`,
      'Write a host name with an optional port, like "ghcr.io" or "127.0.0.1:5000".',
    );
  }
  if (path === "")
    throw fail("has no repository", `Add the repository after the registry, like "${host || "ghcr.io"}/acme/shop".`);
  if (path !== path.toLowerCase()) {
    throw fail("has capital letters in its repository", `Write the repository in lowercase: "${path.toLowerCase()}".`);
  }
  for (const component of path.split("/")) {
    if (component === "") throw fail("has an empty path segment", 'Remove the extra "/".');
    if (!PATH_COMPONENT.test(component)) {
      throw fail(
        `has an invalid path segment "${component}"`,
        'Use lowercase letters and digits, joined by ".", "_", "__" or "-" (not at the start or end of a segment).',
      );
    }
  }

  const registry = normaliseRegistry(host || DOCKER_HUB);
  // Docker Hub's official images live under library/: "nginx" is "library/nginx".
  const repository = registry === DOCKER_HUB && !path.includes("/") ? `library/${path}` : path;
  const name = `${registry}/${repository}`;
  if (name.length > MAX_NAME_LENGTH) {
    throw fail(`is longer than ${MAX_NAME_LENGTH} characters`, "Use a shorter repository name.");
  }
  return { registry, repository, name };
}

/** Host names are case-insensitive, and Docker Hub answers to several names; one spelling each. */
function normaliseRegistry(host: string): string {
  const lower = host.toLowerCase();
  return lower === "index.docker.io" || lower === "registry-1.docker.io" ? DOCKER_HUB : lower;
}

/** The host of `registry` without its port: "127.0.0.1:5000" -> "127.0.0.1", "[::1]:5000" -> "::1". */
export function registryHost(registry: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(registry);
  if (bracketed) return bracketed[1] as string;
  return registry.replace(/:[0-9]+$/, "").toLowerCase();
}

/** True for localhost, 127.0.0.0/8 and [::1] (Docker's default insecure registries): spoken to over plain http. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registryHost(registry);
  return host === "localhost" || host === "::1" || /^127(?:\.[0-9]{1,3}){3}$/.test(host);
}
