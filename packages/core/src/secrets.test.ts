import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { looksLikeSecretName, maskSecrets, redact, setSecret } from "./secrets.ts";

let stdout: MockInstance<typeof process.stdout.write>;
const written = () => stdout.mock.calls.map(([chunk]) => String(chunk)).join("");

beforeEach(() => {
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("setSecret", () => {
  it("asks the runner to mask the value", () => {
    setSecret("alpha-secret-1");
    expect(written()).toContain("::add-mask::alpha-secret-1\n");
  });

  it("masks a multi-line value whole and line by line, as the runner masks single lines", () => {
    setSecret("-----BEGIN KEY-----\nbody-line\n-----END KEY-----\n");
    const out = written();
    expect(out).toContain("::add-mask::-----BEGIN KEY-----%0Abody-line%0A-----END KEY-----\n");
    expect(out).toContain("::add-mask::body-line\n");
    expect(out).toContain("::add-mask::-----END KEY-----\n");
  });

  it("masks a value once however often it is set", () => {
    setSecret("beta-secret-2");
    setSecret(" beta-secret-2 ");
    expect(written().match(/beta-secret-2/g)).toHaveLength(1);
  });
});

describe("maskSecrets", () => {
  it("masks every value that is set and skips empty ones", () => {
    maskSecrets(["gamma-3", undefined, "", "delta-4"]);
    expect(written()).toBe("::add-mask::gamma-3\n::add-mask::delta-4\n");
  });
});

describe("redact", () => {
  it("replaces masked values with ***", () => {
    setSecret("epsilon-5");
    expect(redact("url=https://x/epsilon-5/y and epsilon-5")).toBe("url=https://x/***/y and ***");
  });

  it("replaces a secret that contains another one whole", () => {
    setSecret("zeta");
    setSecret("zeta-and-more");
    expect(redact("zeta-and-more, zeta")).toBe("***, ***");
  });

  it("leaves text without secrets alone", () => {
    expect(redact("nothing to hide")).toBe("nothing to hide");
  });
});

describe("looksLikeSecretName", () => {
  it("finds a secret's word in any case and any separator, as a whole word", () => {
    for (const name of ["DB_PASSWORD", "apiKey", "GITHUB_TOKEN", "client-secret", "KEY", "Passwd"]) {
      expect(looksLikeSecretName(name), name).toBe(true);
    }
    for (const name of ["LOG_LEVEL", "KEYBOARD_LAYOUT", "MONKEY", "TOKENIZER", "APP_PORT"]) {
      expect(looksLikeSecretName(name), name).toBe(false);
    }
  });
});
