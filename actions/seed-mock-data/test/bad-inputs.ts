// Inputs shared by the unit tests of inputs.ts and the end-to-end tests of the bundle.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BadInput } from "@deploy/core/testing";

/** A password with characters that a URL must encode, so that it is masked as written and decoded. */
export const PASSWORD = "s3cr:t@pa/ss";
export const ENCODED_PASSWORD = encodeURIComponent(PASSWORD);
export const DATABASE_URL = `postgres://app:${ENCODED_PASSWORD}@127.0.0.1:5432/shop_stage`;
export const BASE = { "seed-file": "seed/small.yaml", environment: "stage", "database-url": DATABASE_URL };
export const FILES = { "seed-file": "seed/small.yaml", environment: "stage", "output-directory": "out" };

/** A small, valid seed file: users and their orders. */
export const SMALL_SEED = `version: 1
seed: 42
generator: 1
locales: [en]
reference-date: 2026-01-01T00:00:00Z
tables:
  users:
    count: 20
    columns:
      id: { sequence: { start: 1 } }
      email: { faker: internet.email, unique: true }
      plan: { one-of: { free: 70, pro: 30 } }
  orders:
    count: { per: users, min: 0, max: 3 }
    columns:
      id: { uuid: {} }
      user_id: { parent: id }
      total: { number: { min: 1, max: 500, decimals: 2 } }
`;

/**
 * The files the inputs below refer to: seed/small.yaml (valid), seed/unknown-faker.yaml (a
 * faker method that does not exist), seed/bad-ref.yaml (a ref to a table that is not there),
 * seed/broken.yaml (not YAML), a folder seed/dir.yaml, and a file where a folder is wanted.
 */
export function writeWorkspace(dir: string): void {
  mkdirSync(path.join(dir, "seed", "dir.yaml"), { recursive: true });
  writeFileSync(path.join(dir, "seed", "small.yaml"), SMALL_SEED);
  writeFileSync(
    path.join(dir, "seed", "unknown-faker.yaml"),
    SMALL_SEED.replace("internet.email", "internet.nonsenseMethod"),
  );
  writeFileSync(
    path.join(dir, "seed", "bad-ref.yaml"),
    SMALL_SEED.replace("plan: { one-of: { free: 70, pro: 30 } }", "plan_id: { ref: plans.id }"),
  );
  writeFileSync(path.join(dir, "seed", "broken.yaml"), "version: 1\ntables: [unclosed\n");
  writeFileSync(path.join(dir, "not-a-folder"), "a file\n");
}

// Each bad input fails before the database is connected to or a file is written, naming
// the input and the value, and saying how to fix it. The e2e tests run a subset of this
// table through the bundle.
export const BAD_INPUTS: BadInput[] = [
  { name: "missing seed-file", values: { environment: "stage", "database-url": DATABASE_URL }, input: "seed-file" },
  {
    name: "seed-file not there",
    values: { ...BASE, "seed-file": "seed/missing.yaml" },
    input: "seed-file",
    got: "seed/missing.yaml",
  },
  {
    name: "seed-file a folder",
    values: { ...BASE, "seed-file": "seed/dir.yaml" },
    input: "seed-file",
    got: "dir.yaml",
  },
  { name: "seed-file not YAML", values: { ...BASE, "seed-file": "seed/broken.yaml" }, input: "seed-file" },
  {
    name: "seed-file with an unknown faker method",
    values: { ...BASE, "seed-file": "seed/unknown-faker.yaml" },
    input: "seed-file",
    got: "internet.nonsenseMethod",
  },
  {
    name: "seed-file with a ref to an unknown table",
    values: { ...BASE, "seed-file": "seed/bad-ref.yaml" },
    input: "seed-file",
    got: "plans",
  },
  { name: "missing environment", values: { ...BASE, environment: "" }, input: "environment" },
  {
    name: "environment with a slash",
    values: { ...BASE, environment: "stage/eu" },
    input: "environment",
    got: "stage/eu",
  },
  {
    name: "neither database-url nor output-directory",
    values: { "seed-file": "seed/small.yaml", environment: "stage" },
    input: "database-url",
  },
  {
    name: "both database-url and output-directory",
    values: { ...BASE, "output-directory": "out" },
    input: "output-directory",
  },
  { name: "database-url not a URL", values: { ...BASE, "database-url": "shop_stage" }, input: "database-url" },
  {
    name: "database-url of another database",
    values: { ...BASE, "database-url": `mysql://app:${ENCODED_PASSWORD}@127.0.0.1:3306/shop_stage` },
    input: "database-url",
    got: "mysql://app:***@127.0.0.1:3306/shop_stage",
  },
  {
    name: "database-url without a database",
    values: { ...BASE, "database-url": `postgres://app:${ENCODED_PASSWORD}@127.0.0.1:5432/` },
    input: "database-url",
    got: "postgres://app:***@127.0.0.1:5432/",
  },
  {
    name: "output-directory a file",
    values: { ...FILES, "output-directory": "not-a-folder" },
    input: "output-directory",
    got: "not-a-folder",
  },
  { name: "output-format xml", values: { ...FILES, "output-format": "xml" }, input: "output-format", got: "xml" },
  {
    name: "output-format with database-url",
    values: { ...BASE, "output-format": "csv" },
    input: "output-format",
    got: "csv",
  },
  { name: "reset drop", values: { ...BASE, reset: "drop" }, input: "reset", got: "drop" },
  { name: "reset with output-directory", values: { ...FILES, reset: "truncate" }, input: "reset", got: "truncate" },
  { name: "create-marker maybe", values: { ...BASE, "create-marker": "maybe" }, input: "create-marker", got: "maybe" },
  {
    name: "create-marker with output-directory",
    values: { ...FILES, "create-marker": "true" },
    input: "create-marker",
    got: "true",
  },
  {
    name: "allowed-environments with a bad name",
    values: { ...BASE, "allowed-environments": "stage, qa/eu" },
    input: "allowed-environments",
    got: "qa/eu",
  },
  {
    name: "allowed-environments empty",
    values: { ...BASE, "allowed-environments": "," },
    input: "allowed-environments",
  },
  {
    name: "denied-hosts with a slash",
    values: { ...BASE, "denied-hosts": "*.prod.example.com, db/prod" },
    input: "denied-hosts",
    got: "db/prod",
  },
  { name: "workers zero", values: { ...BASE, workers: "0" }, input: "workers", got: "0" },
  { name: "workers many", values: { ...BASE, workers: "many" }, input: "workers", got: "many" },
];
