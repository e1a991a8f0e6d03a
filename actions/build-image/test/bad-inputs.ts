// Inputs shared by the unit tests of inputs.ts and the end-to-end tests of the bundle.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BadInput } from "@deploy/core/testing";

export const IMAGE = "127.0.0.1:5000/acme/shop";
export const BASE = { image: IMAGE, context: "app" };

/**
 * The folders the inputs below refer to: app (a Containerfile), legacy (a Dockerfile only),
 * empty (neither).
 */
export function writeWorkspace(dir: string): void {
  for (const folder of ["app", "legacy", "empty"]) mkdirSync(path.join(dir, folder), { recursive: true });
  writeFileSync(path.join(dir, "app", "Containerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
  writeFileSync(path.join(dir, "app", "hello.txt"), "hello\n");
  writeFileSync(path.join(dir, "legacy", "Dockerfile"), "FROM scratch\n");
}

// Each bad input fails before anything is built or pushed, naming the input and the value,
// and saying how to fix it. The e2e tests run a subset of this table through the bundle.
export const BAD_INPUTS: BadInput[] = [
  { name: "missing image", values: { context: "app" }, input: "image" },
  { name: "image with a tag", values: { ...BASE, image: `${IMAGE}:v1` }, input: "image", got: `${IMAGE}:v1` },
  {
    name: "image with a digest",
    values: { ...BASE, image: `${IMAGE}@sha256:${"ab".repeat(32)}` },
    input: "image",
    got: `${IMAGE}@sha256:`,
  },
  {
    name: "image in capitals",
    values: { ...BASE, image: "ghcr.io/Acme/Shop" },
    input: "image",
    got: "ghcr.io/Acme/Shop",
  },
  {
    name: "image as a URL",
    values: { ...BASE, image: "https://ghcr.io/acme/shop" },
    input: "image",
    got: "https://ghcr.io/acme/shop",
  },
  { name: "context missing", values: { ...BASE, context: "nowhere" }, input: "context", got: "nowhere" },
  {
    name: "context is a file",
    values: { ...BASE, context: "app/Containerfile" },
    input: "context",
    got: "app/Containerfile",
  },
  { name: "file missing", values: { ...BASE, file: "app/Missingfile" }, input: "file", got: "app/Missingfile" },
  { name: "no Containerfile in the context", values: { ...BASE, context: "empty" }, input: "file", got: "empty" },
  {
    name: "build-args line without =",
    values: { ...BASE, "build-args": "GREETING=hi\nVERBOSE" },
    input: "build-args",
    got: "VERBOSE",
  },
  {
    name: "a secret in build-args",
    values: { ...BASE, "build-args": "NPM_TOKEN=abc123" },
    input: "build-args",
    got: "NPM_TOKEN",
  },
  {
    name: "a label key in capitals",
    values: { ...BASE, labels: "Com.Example.Team=shop" },
    input: "labels",
    got: "Com.Example.Team=shop",
  },
  {
    name: "a label that sets the revision",
    values: { ...BASE, labels: "org.opencontainers.image.revision=v1" },
    input: "labels",
    got: "org.opencontainers.image.revision=v1",
  },
  {
    name: "a label set twice",
    values: { ...BASE, labels: "com.example.team=shop\ncom.example.team=web" },
    input: "labels",
    got: "com.example.team=web",
  },
  {
    name: "platform without an os",
    values: { ...BASE, platforms: "linux/amd64,arm64" },
    input: "platforms",
    got: "arm64",
  },
  { name: "an unknown builder", values: { ...BASE, builder: "podman" }, input: "builder", got: "podman" },
  { name: "push that is not a boolean", values: { ...BASE, push: "maybe" }, input: "push", got: "maybe" },
  {
    name: "skip-if-exists that is not a boolean",
    values: { ...BASE, "skip-if-exists": "sometimes" },
    input: "skip-if-exists",
    got: "sometimes",
  },
  { name: "cache with buildah", values: { ...BASE, builder: "buildah", cache: "true" }, input: "cache", got: "true" },
];
