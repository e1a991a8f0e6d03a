// End-to-end: bad inputs fail the bundled seed-mock-data step before anything is written,
// naming the input (the unit tests run the whole table against the parser); and the
// database's password, as written in the URL and decoded, never shows in the log, the
// outputs or the summary, whether the step succeeds or fails.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertSecretNotLeaked } from "@deploy/test/harness";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BAD_INPUTS, DATABASE_URL, writeWorkspace } from "../../actions/seed-mock-data/test/bad-inputs.ts";
import { snapshot, type TestDatabase } from "./postgres.ts";
import { describeWithPostgres, errors, seedMockData, shopDatabase } from "./seed-mock-data-support.ts";

const NAMES = [
  "missing seed-file",
  "seed-file not there",
  "seed-file with an unknown faker method",
  "seed-file with a ref to an unknown table",
  "missing environment",
  "neither database-url nor output-directory",
  "both database-url and output-directory",
  "database-url of another database",
  "output-directory a file",
  "output-format with database-url",
  "reset drop",
  "create-marker with output-directory",
  "denied-hosts with a slash",
  "workers many",
];

describeWithPostgres("seed-mock-data with bad inputs", () => {
  let db: TestDatabase;
  let workspace: string;
  const cases = BAD_INPUTS.filter((c) => NAMES.includes(c.name));

  beforeAll(async () => {
    db = await shopDatabase();
    workspace = mkdtempSync(path.join(os.tmpdir(), "seed-mock-data-bad-inputs-"));
    writeWorkspace(workspace);
  });
  afterAll(async () => {
    await db?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("runs every case named", () => {
    expect(cases.map((c) => c.name)).toEqual(NAMES);
  });

  it.for(cases)("$name: fails naming $input before anything is written", async ({ values, input, got }) => {
    // The table's database URL stands for this test database, which must not change.
    const inputs = Object.fromEntries(
      Object.entries(values).map(([name, value]) => [name, value === DATABASE_URL ? db.url : value]),
    );
    const before = await snapshot(db.url);
    const run = await seedMockData({ "seed-file": "", environment: "", ...inputs }, { workspace });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain(`"${input}"`);
    if (got !== undefined) expect(message).toContain(got);
    expect(run.outputs).toEqual({});
    expect(await snapshot(db.url)).toEqual(before);
    expect(existsSync(path.join(workspace, "out"))).toBe(false);
  });
});

describeWithPostgres("seed-mock-data and the database password", () => {
  // Characters a URL must encode, so the password differs as written and decoded.
  const password = `p@ss:w/rd%${Math.random().toString(36).slice(2, 8)}`;
  const role = `seed_e2e_${Math.random().toString(36).slice(2, 10)}`;
  let db: TestDatabase;
  let url: string;

  beforeAll(async () => {
    db = await shopDatabase();
    const server = new pg.Client({ connectionString: process.env.DEPLOY_TEST_DATABASE_URL });
    await server.connect();
    try {
      await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password.replaceAll("'", "''")}'`);
    } finally {
      await server.end();
    }
    await db.admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
    await db.admin.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`);
    const at = new URL(db.url);
    url = `postgres://${role}:${encodeURIComponent(password)}@${at.host}${at.pathname}`;
  });
  afterAll(async () => {
    await db?.close();
    const server = new pg.Client({ connectionString: process.env.DEPLOY_TEST_DATABASE_URL });
    await server.connect();
    await server.query(`DROP ROLE IF EXISTS ${role}`).finally(() => server.end());
  });

  function assertNotLeaked(run: Parameters<typeof assertSecretNotLeaked>[0]): void {
    assertSecretNotLeaked(run, password);
    assertSecretNotLeaked(run, encodeURIComponent(password));
    assertSecretNotLeaked(run, url);
  }

  it("seeds with a password that needs encoding, and shows it nowhere", async () => {
    const run = await seedMockData({ "database-url": url }, { debug: true });
    expect(run.main.outcome, errors(run)).toBe("success");
    assertNotLeaked(run);
    expect(run.summary).toContain(`postgres://${new URL(db.url).host}${new URL(db.url).pathname}`);
  });

  it("shows it nowhere when the load fails, nor when the login is refused", async () => {
    const failed = await seedMockData({ "database-url": url, reset: "none" }, { debug: true });
    expect(failed.main.outcome).toBe("failure");
    assertNotLeaked(failed);

    const wrong = url.replace(encodeURIComponent(password), encodeURIComponent(`${password}-wrong`));
    const refused = await seedMockData({ "database-url": wrong }, { debug: true });
    expect(refused.main.outcome).toBe("failure");
    assertSecretNotLeaked(refused, `${password}-wrong`);
    assertSecretNotLeaked(refused, encodeURIComponent(`${password}-wrong`));
  });
});
