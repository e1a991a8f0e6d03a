// End-to-end: the guard of the bundled seed-mock-data step refuses, fail-closed, and every
// refusal leaves the database exactly as it was (row counts and content hashes of every
// table, the marker's included, by SQL before and after). create-marker marks a database
// that has no marker, and only such a one.
import { afterEach, expect, it } from "vitest";
import { queryRows, snapshot, type TestDatabase } from "./postgres.ts";
import { describeWithPostgres, errors, seedMockData, shopDatabase } from "./seed-mock-data-support.ts";

describeWithPostgres("seed-mock-data's guard", () => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });
  async function database(marker: string | null): Promise<TestDatabase> {
    const db = await shopDatabase(marker);
    open.push(db);
    return db;
  }
  /** A stage database holding a first seed, or (without a marker) rows a team put there. */
  async function withData(marker: string | null): Promise<TestDatabase> {
    const db = await database(marker);
    if (marker === "stage") {
      const run = await seedMockData({ "database-url": db.url });
      expect(run.main.outcome).toBe("success");
    } else {
      await db.admin.query(
        `INSERT INTO users (id, email, full_name, plan, status, signed_up_at, score, external_id, settings)
         VALUES (1, 'real@example.com', 'A Real Person', 'pro', 'active', now(), 1, gen_random_uuid(), '{}')`,
      );
    }
    return db;
  }

  interface Refusal {
    name: string;
    marker: string | null;
    inputs: Record<string, string>;
    check: string;
    fix: string;
  }
  const REFUSALS: Refusal[] = [
    {
      name: "a production environment",
      marker: "stage",
      inputs: { environment: "production", "create-marker": "true" },
      check: "denied-environments",
      fix: "Seed a stage or test environment instead",
    },
    {
      name: "prod, in capitals, even when allowed",
      marker: "stage",
      inputs: { environment: "PROD", "allowed-environments": "stage, prod" },
      check: "denied-environments",
      fix: "Seed a stage or test environment instead",
    },
    {
      name: "an environment not allowed",
      marker: "stage",
      inputs: { environment: "sandbox" },
      check: "allowed-environments",
      fix: "add it to allowed-environments",
    },
    {
      name: "a denied host",
      marker: "stage",
      inputs: { "denied-hosts": "db.prod.example.com, 127.0.0.*" },
      check: "denied-hosts",
      fix: "Point database-url at the stage database",
    },
    {
      name: "a denied database name",
      marker: "stage",
      inputs: { "denied-hosts": "*prod*, deploy_seed_*" },
      check: "denied-hosts",
      fix: "Point database-url at the stage database",
    },
    {
      name: "no marker",
      marker: null,
      inputs: {},
      check: "marker",
      fix: "create-marker: true",
    },
    {
      name: "a marker naming another environment",
      marker: "qa",
      inputs: {},
      check: "marker",
      fix: "Point database-url at the database of this environment",
    },
    {
      name: "a marker naming another environment, with create-marker",
      marker: "qa",
      inputs: { "create-marker": "true" },
      check: "marker",
      fix: "create-marker never replaces another environment's marker",
    },
  ];

  it.for(REFUSALS)("refuses $name, naming the check and the fix, and changes nothing", async (refusal) => {
    const db = await withData(refusal.marker);
    const before = await snapshot(db.url);

    const run = await seedMockData({ "database-url": db.url, reset: "truncate", ...refusal.inputs });

    expect(run.main.outcome).toBe("failure");
    const message = errors(run);
    expect(message).toContain(`Seeding refused (check "${refusal.check}")`);
    expect(message).toContain(refusal.fix);
    expect(run.outputs).toEqual({});
    expect(run.summary).toBe("");
    expect(await snapshot(db.url)).toEqual(before);
  });

  it("create-marker marks a database that has none, seeds it, and later runs pass without it", async () => {
    const db = await database(null);
    const first = await seedMockData({ "database-url": db.url, "create-marker": "true" });
    expect(first.main.outcome, errors(first)).toBe("success");
    expect(first.summary).toContain("this run marked it for **stage**");
    const markers = await queryRows<{ environment: string }>(db.url, "SELECT environment FROM deploy_seed_marker");
    expect(markers).toEqual([{ environment: "stage" }]);

    const again = await seedMockData({ "database-url": db.url, reset: "truncate" });
    expect(again.main.outcome, errors(again)).toBe("success");
    expect(again.summary).toContain("The database's marker names **stage**");
  });
});
