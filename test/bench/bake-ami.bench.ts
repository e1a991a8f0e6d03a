/**
 * An unchanged re-bake costs a few reads, not a bake: the same bake (Amazon Linux 2023
 * from its SSM parameter, a two-file recipe of a few minutes) run fresh and then again with nothing
 * changed, in-process against the simulator on its virtual clock, as bake-ami's main step
 * calls it; in one region, and with copies to two more regions shared with an account.
 * Prints the API calls and the simulated and real time of each, and the ratios
 * re-bake/fresh; exits non-zero when a re-bake makes any mutating call, or more calls than
 * a tenth of the fresh bake's in one region (a quarter with copies and shares, which a
 * re-bake checks in every region: a few reads each).
 *
 * Run: node scripts/node24.mjs test/bench/bake-ami.bench.ts (or pnpm bench bake-ami)
 */
import { type BakeRequest, type BakeResult, bake, withAws } from "@deploy/aws";
import { memoryLogger } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import { isMutating, startSimulator } from "@deploy/sim";

const REGION = "eu-west-1";

const oneRegion: BakeRequest = {
  region: REGION,
  base: { kind: "ssm", parameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" },
  recipe: [
    { path: "bake/10-packages.sh", content: Buffer.from("#!/bin/bash\ndnf install -y docker\n") },
    { path: "bake/20-app.sh", content: Buffer.from('#!/bin/bash\necho "$IMAGE" > /etc/shop/image\n') },
  ],
  recipeEnv: { APP_PORT: "8080", RELEASE: "a".repeat(40) },
  instanceType: "t3.small",
  securityGroupIds: [],
  iamInstanceProfile: "bake-ami-builder",
  amiNameTemplate: "shop-{{short-commit}}-{{date}}-{{bake-key}}",
  tags: { team: "web" },
  copyToRegions: [],
  shareWithAccounts: [],
  encrypt: false,
  kmsKeyIds: {},
  forceRebake: false,
  timeoutMs: 45 * 60_000,
  pollIntervalMs: 15_000,
};

/** Closer to AWS than the simulator's defaults: a recipe of minutes, an 8 GiB AMI. */
const AWS_TIMINGS = { ssmAgentMs: 60_000, commandMs: 3 * 60_000, createImageMs: 8 * 60_000, copyImageMs: 10 * 60_000 };

interface Measure {
  result: BakeResult;
  calls: number;
  mutating: string[];
  simulatedMs: number;
  realMs: number;
}

interface Scenario {
  name: string;
  request: BakeRequest;
  maxCallRatio: number;
}

const SCENARIOS: Scenario[] = [
  { name: "1 region", request: oneRegion, maxCallRatio: 0.1 },
  {
    name: "3 regions, shared",
    request: { ...oneRegion, copyToRegions: ["us-east-1", "ap-southeast-2"], shareWithAccounts: ["210987654321"] },
    maxCallRatio: 0.25,
  },
];

/** A fresh bake, then the same again, on a simulator of their own. */
async function run(request: BakeRequest): Promise<{ fresh: Measure; again: Measure }> {
  const sim = await startSimulator({ world: { timings: AWS_TIMINGS } });
  Object.assign(process.env, sim.env());
  const measure = async (): Promise<Measure> => {
    sim.world.calls.reset();
    const ctx = withAws({
      clock: sim.world.clock,
      signal: new AbortController().signal,
      logger: memoryLogger(),
      run: testRunContext({ commit: "a".repeat(40), runId: "1", runAttempt: "1" }),
    });
    const simulatedStart = sim.world.clock.now();
    const realStart = performance.now();
    const result = await bake(ctx, request);
    const records = sim.world.calls.records;
    return {
      result,
      calls: records.length,
      mutating: records.filter((r) => isMutating(r.operation)).map((r) => r.operation),
      simulatedMs: sim.world.clock.now() - simulatedStart,
      realMs: performance.now() - realStart,
    };
  };
  try {
    return { fresh: await measure(), again: await measure() };
  } finally {
    await sim.close();
  }
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const failures: string[] = [];
console.log("bake-ami: an unchanged re-bake beside a fresh bake");
console.log("scenario           bake        reused  API calls  mutating  simulated  real time");
for (const { name, request, maxCallRatio } of SCENARIOS) {
  const { fresh, again } = await run(request);
  for (const [label, m] of [
    ["fresh", fresh],
    ["re-bake", again],
  ] as const) {
    console.log(
      `${name.padEnd(17)}  ${label.padEnd(10)}  ${String(m.result.reused).padEnd(6)}  ${String(m.calls).padStart(9)}  ${String(m.mutating.length).padStart(8)}  ${minutes(m.simulatedMs).padStart(9)}  ${Math.round(m.realMs)} ms`,
    );
  }
  const callRatio = again.calls / fresh.calls;
  console.log(
    `${name}: ratio re-bake/fresh: API calls ${callRatio.toFixed(3)} (target at most ${maxCallRatio}), simulated time ${(again.simulatedMs / fresh.simulatedMs).toFixed(3)}, real time ${(again.realMs / fresh.realMs).toFixed(3)}`,
  );
  if (fresh.result.reused || !again.result.reused)
    failures.push(`${name}: the first bake must bake and the second reuse`);
  if (JSON.stringify(again.result.amis) !== JSON.stringify(fresh.result.amis)) {
    failures.push(`${name}: the re-bake's AMIs differ`);
  }
  if (again.mutating.length > 0)
    failures.push(`${name}: the re-bake made mutating calls: ${again.mutating.join(", ")}`);
  if (callRatio > maxCallRatio) {
    failures.push(
      `${name}: the re-bake made ${again.calls} calls, more than ${maxCallRatio} of the fresh bake's ${fresh.calls}`,
    );
  }
}
for (const failure of failures) console.error(`bench: ${failure}`);
if (failures.length > 0) process.exit(1);
