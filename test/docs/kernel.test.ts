// The rules of the action kernel that no compiler checks: time is read only through the
// clock module, no test or rehearsal patches the global clock or timers (they pass a clock,
// DEPLOY_CLOCK_* to a child process), and no action hands state to its post step by a
// string key outside its declared slots.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLOCK_MODULE = "packages/core/src/clock.ts";

/** Reading the wall clock: `new Date()` without an argument, or `Date.now()`. */
const READS_TIME = /new Date\(\s*\)|\bDate\.now\(\)/;
/** Replacing the global clock or timers. */
const PATCHES_TIME =
  /(?:globalThis|global|window)\.(?:Date|setTimeout|setInterval|performance)\s*=|\bDate\.now\s*=|useFakeTimers\(\s*\)/;
/** The old string-keyed hand-over of @actions/core. */
const STATE_BY_STRING = /\b(?:saveState|getState)\("/;

function files(dir: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(path.join(ROOT, at), { withFileTypes: true })) {
      const rel = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") walk(rel);
      } else if (keep(rel)) found.push(rel);
    }
  };
  walk(dir);
  return found;
}

const isProductSource = (file: string) =>
  /^(packages\/[^/]+|actions\/[^/]+)\/src\/.+\.ts$/.test(file) && !file.endsWith(".test.ts");
const isTs = (file: string) => file.endsWith(".ts") || file.endsWith(".mjs");

function offenders(list: string[], pattern: RegExp): string[] {
  return list.flatMap((file) =>
    readFileSync(path.join(ROOT, file), "utf8")
      .split("\n")
      .flatMap((line, i) =>
        pattern.test(line) && !line.trim().startsWith("//") ? [`${file}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe("the action kernel's rules", () => {
  const product = [...files("packages", isProductSource), ...files("actions", isProductSource)];

  it("finds the product sources it checks, the clock module among them", () => {
    expect(product).toContain(CLOCK_MODULE);
    expect(product).toContain("actions/rolling-replace/src/main.ts");
    expect(product.some((f) => f.startsWith("packages/sim/src/"))).toBe(true);
  });

  it("reads the wall clock only in the clock module", () => {
    expect(offenders(product, READS_TIME)).toEqual([
      `${CLOCK_MODULE}:${clockLine()}: const wallClock = (): number => Date.now();`,
    ]);
  });

  it("patches no global clock or timers in tests, the demo or the harness", () => {
    const checked = [
      ...files("test", isTs),
      ...files("demo", isTs),
      ...files("packages", isTs),
      ...files("actions", isTs),
    ].filter((file) => file !== "test/docs/kernel.test.ts");
    expect(checked.length).toBeGreaterThan(100);
    expect(offenders(checked, PATCHES_TIME)).toEqual([]);
  });

  it("hands no state from main to post by a string key in an action", () => {
    expect(offenders(files("actions", isTs), STATE_BY_STRING)).toEqual([]);
  });

  it("would see each kind of offence", () => {
    expect(READS_TIME.test("const at = new Date();")).toBe(true);
    expect(READS_TIME.test("const at = Date.now();")).toBe(true);
    expect(READS_TIME.test("new Date(ctx.clock.now())")).toBe(false);
    expect(PATCHES_TIME.test("globalThis.Date = ScaledDate;")).toBe(true);
    expect(PATCHES_TIME.test("globalThis.setTimeout = ((cb, ms) => real(cb, ms / speed));")).toBe(true);
    expect(PATCHES_TIME.test("Date.now = () => start;")).toBe(true);
    expect(STATE_BY_STRING.test('saveState("finished", true);')).toBe(true);
    expect(STATE_BY_STRING.test('step.save("rollout", saved);')).toBe(false);
  });
});

function clockLine(): number {
  const lines = readFileSync(path.join(ROOT, CLOCK_MODULE), "utf8").split("\n");
  return lines.findIndex((line) => READS_TIME.test(line)) + 1;
}
