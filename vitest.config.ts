import { defineConfig } from "vitest/config";

// Two projects: "unit" (unit and component tests next to the code) and "e2e"
// (bundled actions run as child processes by test/harness, and the demo's tests, which
// run the whole rehearsal the same way). Both run on Node 24,
// the runtime the actions declare; see scripts/node24.mjs.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "actions/*/src/**/*.test.ts",
            "actions/*/test/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts", "demo/test/**/*.test.ts"],
          exclude: ["test/bench/**", "**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
