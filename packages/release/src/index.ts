export { amiFor, formatRelease, parseRelease, RELEASE_SCHEMA, type Release } from "./release.ts";
