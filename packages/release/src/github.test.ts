import { DeployError, memoryLogger } from "@deploy/core";
import { virtualClock } from "@deploy/core/testing";
import { type Simulator, startSimulator } from "@deploy/sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GithubClientOptions, githubClient, nextPage, repositoryPath } from "./github.ts";

const TOKEN = "ghs_S3cr3tT0kenValue0123456789abcdefABCDEF";
const CREATE = "github:POST /repos/{owner}/{repo}/deployments";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.world.faults.clear();
  sim.world.calls.reset();
});

function simClient(options: Partial<GithubClientOptions> = {}) {
  return githubClient({ apiUrl: `${sim.url}/github`, token: TOKEN, clock: sim.world.clock, ...options });
}

/** A fetch that answers from a list, one response per call, and remembers the requests. */
function scripted(...answers: (() => Response)[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const answer = answers[Math.min(requests.length, answers.length) - 1] as () => Response;
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

async function failure(promise: Promise<unknown>): Promise<DeployError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof DeployError) return error;
  throw new Error(`expected a DeployError, got ${String(error)}`);
}

function createDeployment(client: ReturnType<typeof simClient>, environment = "stage") {
  return client.request<{ id: number }>("POST", "/repos/acme/shop/deployments", {
    doing: "create a deployment",
    body: { ref: "main", environment, required_contexts: [] },
  });
}

describe("githubClient", () => {
  it("sends the token as a bearer, GitHub's media type and API version, and JSON", async () => {
    const { fetch, requests } = scripted(json(201, { id: 7 }));
    const client = githubClient({ apiUrl: "https://ghe.example/api/v3/", token: TOKEN, fetch });
    const response = await client.request("POST", "/repos/acme/shop/deployments", {
      doing: "create a deployment",
      query: { page: 2, skip: undefined },
      body: { ref: "main" },
    });

    expect(response).toMatchObject({ status: 201, data: { id: 7 } });
    const [{ url, init }] = requests as [{ url: string; init: RequestInit }];
    expect(url).toBe("https://ghe.example/api/v3/repos/acme/shop/deployments?page=2");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "content-type": "application/json",
    });
    expect(JSON.parse(init.body as string)).toEqual({ ref: "main" });
  });

  it("keeps the token out of the client object", () => {
    expect(JSON.stringify(simClient())).not.toContain(TOKEN);
  });

  it("retries a 5xx and succeeds, making the call once", async () => {
    sim.world.faults.add({ operation: CREATE, kind: "error", status: 502, count: 2 });
    const logger = memoryLogger();
    const { data } = await createDeployment(simClient({ logger }));

    expect(sim.world.calls.count(CREATE)).toBe(3);
    expect(sim.world.github.deployments.filter((d) => d.id === data.id)).toHaveLength(1);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^GitHub answered 502: Server Error\. Trying again to create a deployment in \d+(ms|s) \(attempt 2 of 4\)\.$/,
      ),
      expect.stringMatching(/attempt 3 of 4/),
    ]);
  });

  it("waits out a secondary rate limit, a minute when GitHub does not say how long", async () => {
    sim.world.faults.add({ operation: CREATE, kind: "throttle", count: 1 });
    const before = sim.world.clock.now();
    await createDeployment(simClient());

    expect(sim.world.calls.count(CREATE)).toBe(2);
    expect(sim.world.clock.now() - before).toBeGreaterThanOrEqual(60_000);
  });

  it("waits as long as retry-after says", async () => {
    const clock = virtualClock();
    const { fetch, requests } = scripted(
      json(429, { message: "Too many requests" }, { "retry-after": "7" }),
      json(200, []),
    );
    await githubClient({ apiUrl: "https://api.github.com", token: TOKEN, fetch, clock }).request("GET", "/x", {
      doing: "list",
    });

    expect(requests).toHaveLength(2);
    expect(clock.now()).toBe(7_000);
  });

  it("gives up after its attempts, saying what it tried to do and that GitHub had trouble", async () => {
    sim.world.faults.add({ operation: CREATE, kind: "error", status: 503 });
    const error = await failure(createDeployment(simClient()));

    expect(sim.world.calls.count(CREATE)).toBe(4);
    expect(error.what).toBe("Could not create a deployment: GitHub answered 503.");
    expect(error.why).toBe("GitHub answered 503: Server Error. Tried 4 times.");
    expect(error.fix).toMatch(/githubstatus\.com/);
    expect(error.code).toBe("GithubServerError");
  });

  it("does not wait longer than its budget: a long retry-after fails at once", async () => {
    const { fetch, requests } = scripted(
      json(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "600" }),
    );
    const client = githubClient({ apiUrl: "https://api.github.com", token: TOKEN, fetch, clock: virtualClock() });
    const error = await failure(client.request("GET", "/x", { doing: "list deployments" }));

    expect(requests).toHaveLength(1);
    expect(error.code).toBe("GithubRateLimited");
    expect(error.fix).toMatch(/re-run the job in a few minutes/);
  });

  it("does not retry what another attempt cannot fix", async () => {
    const error = await failure(
      simClient().request("POST", "/repos/acme/shop/deployments", { doing: "create a deployment", body: {} }),
    );

    expect(sim.world.calls.count(CREATE)).toBe(1);
    expect(error.what).toBe("Could not create a deployment: GitHub answered 422.");
    expect(error.why).toMatch(/"ref" wasn't supplied/);
    expect(error.code).toBe("GithubRejected");
  });

  it.each([
    [401, { message: "Bad credentials" }, "GithubUnauthorized", /permissions: deployments: write.*token/],
    [403, { message: "Resource not accessible by integration" }, "GithubForbidden", /permissions: deployments: write/],
    [404, { message: "Not Found" }, "GithubNotFound", /repository or deployment does not exist/],
  ])("answers %i with a fix the user can act on", async (status, body, code, fix) => {
    const { fetch } = scripted(json(status, body));
    const client = githubClient({ apiUrl: "https://api.github.com", token: TOKEN, fetch });
    const error = await failure(client.request("GET", "/repos/acme/shop", { doing: "read acme/shop" }));

    expect(error.what).toBe(`Could not read acme/shop: GitHub answered ${status}.`);
    expect(error.why).toBe(`GitHub answered ${status}: ${body.message}.`);
    expect(error.code).toBe(code);
    expect(error.fix).toMatch(fix);
  });

  it("never puts the token in an error or a log line, even when GitHub echoes it", async () => {
    const echo = () => json(503, { message: `token ${TOKEN} is having a bad day` })();
    const { fetch } = scripted(echo, echo, () => json(401, { message: `Bad credentials: ${TOKEN}` })());
    const logger = memoryLogger();
    const client = githubClient({
      apiUrl: "https://api.github.com",
      token: TOKEN,
      fetch,
      logger,
      clock: virtualClock(),
    });
    const error = await failure(client.request("GET", `/repos/acme/shop`, { doing: "read acme/shop" }));

    expect(error.code).toBe("GithubUnauthorized");
    expect(error.why).toBe("GitHub answered 401: Bad credentials: ***. Tried 3 times.");
    for (const text of [error.message, String(error), error.stack, JSON.stringify(error), ...logger.lines]) {
      expect(text).not.toContain(TOKEN);
    }
    expect(logger.lines).toHaveLength(2);
  });

  it("retries a dropped connection, then names it unreachable", async () => {
    const { fetch, requests } = scripted(() => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    });
    const client = githubClient({ apiUrl: "https://api.github.com", token: TOKEN, fetch, clock: virtualClock() });
    const error = await failure(client.request("GET", "/x", { doing: "list deployments" }));

    expect(requests).toHaveLength(4);
    expect(error.what).toBe("Could not list deployments.");
    expect(error.why).toMatch(/could not be reached .*ECONNREFUSED.*Tried 4 times/);
    expect(error.code).toBe("GithubUnreachable");
  });

  it("stops at once when cancelled while waiting to retry, with the cancellation", async () => {
    const controller = new AbortController();
    const { fetch } = scripted(() => {
      controller.abort(new Error("cancelled by the runner"));
      return json(502, { message: "Server Error" })();
    });
    const client = githubClient({
      apiUrl: "https://api.github.com",
      token: TOKEN,
      fetch,
      signal: controller.signal,
      clock: virtualClock(),
    });

    await expect(client.request("GET", "/x", { doing: "list" })).rejects.toThrow("cancelled by the runner");
  });

  it("follows the Link header page by page, no further than asked", async () => {
    const client = simClient();
    for (let i = 0; i < 5; i++) await createDeployment(client, "paging");
    const pages = async (maxPages: number) => {
      const seen: number[][] = [];
      const list = client.pages<{ id: number }>("/repos/acme/shop/deployments", {
        doing: "list deployments",
        query: { environment: "paging" },
        perPage: 2,
        maxPages,
      });
      for await (const page of list) seen.push(page.map((d) => d.id));
      return seen;
    };

    const all = await pages(10);
    expect(all.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(all.flat()).size).toBe(5);
    sim.world.calls.reset();
    expect(await pages(2)).toEqual(all.slice(0, 2));
    expect(sim.world.calls.count("github:GET /repos/{owner}/{repo}/deployments")).toBe(2);
  });

  it("refuses to follow a Link out of the API, where the token would go along", () => {
    const api = "https://api.github.com";
    expect(nextPage(`<${api}/repos/a/b/deployments?page=2>; rel="next", <${api}/x?page=9>; rel="last"`, api)).toBe(
      `${api}/repos/a/b/deployments?page=2`,
    );
    expect(nextPage(`<${api}/x?page=1>; rel="prev"`, api)).toBeUndefined();
    expect(nextPage(null, api)).toBeUndefined();
    expect(() => nextPage('<https://api.github.com.evil.example/x>; rel="next"', api)).toThrow(
      /points to https:\/\/api\.github\.com\.evil\.example/,
    );
  });

  it("refuses a missing token, a bad API URL and a bad repository name before any call", () => {
    const missing = () => githubClient({ apiUrl: "https://api.github.com", token: "" });
    expect(missing).toThrow(/no GitHub token/);
    expect(() => githubClient({ apiUrl: "api.github.com", token: TOKEN })).toThrow(/not an http\(s\) URL/);
    expect(repositoryPath("acme/shop")).toBe("/repos/acme/shop");
    expect(() => repositoryPath("acme")).toThrow(/"acme" is not a GitHub repository name/);
  });
});
