import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { describeDatabaseUrl, parseDatabaseUrl, passwordsIn, withoutPassword } from "./database-url.ts";

const URL_WITH_PASSWORD = "postgres://seed:s3cr%40t-pw@stage-db.internal:6432/shop?sslmode=require";

describe("parseDatabaseUrl", () => {
  it("reads host, port and database", () => {
    expect(parseDatabaseUrl(URL_WITH_PASSWORD)).toEqual({ host: "stage-db.internal", port: 6432, database: "shop" });
    expect(parseDatabaseUrl("postgresql://u@db/app")).toEqual({ host: "db", port: 5432, database: "app" });
  });

  it("takes a socket directory from ?host=", () => {
    expect(parseDatabaseUrl("postgres:///shop?host=/var/run/postgresql").host).toBe("/var/run/postgresql");
  });

  it.each([
    ["not a URL", "mysql://u:p@db/app", "postgres://"],
    ["no host", "postgres:///app", "no host"],
    ["no database", "postgres://u:p@db:5432", "no database"],
    ["garbage", "u:p@", "postgres://"],
  ])("refuses %s without quoting it", (_, url, message) => {
    const error = deployErrorFrom(() => parseDatabaseUrl(url));
    expect(error.message).toContain(message);
    expect(error.input).toBe("database-url");
    expect(error.message).not.toContain(url);
  });
});

describe("describeDatabaseUrl", () => {
  it("gives scheme, host, port and database, never the user or password", () => {
    expect(describeDatabaseUrl(URL_WITH_PASSWORD)).toBe("postgres://stage-db.internal:6432/shop");
  });

  it("describes an unreadable URL without quoting it", () => {
    expect(describeDatabaseUrl("postgres//seed:hunter2@db")).not.toContain("hunter2");
  });
});

describe("withoutPassword", () => {
  it("removes the password raw and decoded, and the whole URL", () => {
    const text = `failed for ${URL_WITH_PASSWORD}: s3cr%40t-pw or s3cr@t-pw`;
    const clean = withoutPassword(text, URL_WITH_PASSWORD);
    expect(clean).not.toContain("s3cr");
    expect(clean).toBe("failed for ***: *** or ***");
  });
});

describe("passwordsIn", () => {
  it("finds the password raw and decoded, and in ?password=", () => {
    expect(passwordsIn(URL_WITH_PASSWORD)).toEqual(["s3cr%40t-pw", "s3cr@t-pw"]);
    expect(passwordsIn("postgres://u@db/app?sslmode=require&password=a+b%21")).toEqual([
      "a+b%21",
      "a b%21",
      "a+b!",
      "a b!",
    ]);
  });

  it("finds it in a URL that does not parse", () => {
    expect(passwordsIn("postgres://u:pa ss@db:notaport/app")).toEqual(["pa ss"]);
  });

  it("finds nothing in a URL without password", () => {
    expect(passwordsIn("postgres://u@db/app")).toEqual([]);
  });
});
