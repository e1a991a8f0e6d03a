import { describe, expect, it } from "vitest";
import { runContext } from "./context.ts";
import { DeployError } from "./errors.ts";

const env = {
  GITHUB_REPOSITORY: "acme/shop",
  GITHUB_SHA: "3f9c2b7e8d1a4c6b9e0f1a2b3c4d5e6f7a8b9c0d",
  GITHUB_RUN_ID: "4242",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_SERVER_URL: "https://github.example",
  GITHUB_API_URL: "http://127.0.0.1:9/github",
};

describe("runContext", () => {
  it("reads the run from the runner's variables and links to it", () => {
    const ctx = runContext(env);
    expect(ctx).toMatchObject({
      repository: "acme/shop",
      commit: env.GITHUB_SHA,
      runId: "4242",
      runAttempt: "2",
      apiUrl: "http://127.0.0.1:9/github",
      runUrl: "https://github.example/acme/shop/actions/runs/4242",
    });
  });

  it("defaults the attempt and the GitHub addresses as the runner would", () => {
    const { GITHUB_RUN_ATTEMPT, GITHUB_SERVER_URL, GITHUB_API_URL, ...rest } = env;
    const ctx = runContext(rest);
    expect(ctx.runAttempt).toBe("1");
    expect(ctx.apiUrl).toBe("https://api.github.com");
    expect(ctx.runUrl).toBe("https://github.com/acme/shop/actions/runs/4242");
  });

  it("names the missing variable and says where it comes from", () => {
    const { GITHUB_SHA, ...rest } = env;
    expect(() => runContext(rest)).toThrow(DeployError);
    expect(() => runContext(rest)).toThrow(/GITHUB_SHA is not set/);
  });
});
