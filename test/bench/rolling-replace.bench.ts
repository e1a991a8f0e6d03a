/**
 * API calls of a rolling-replace wait do not grow with the fleet: the same rollout (10
 * batches, 5-minute warmups, about an hour of AWS time) to a group of 10 instances and
 * to one of 200, in-process against the simulator on its virtual clock. Prints the API
 * calls per simulated minute of waiting for each, and the ratio 200/10; exits non-zero
 * when the ratio is above 1.2.
 *
 * Run: node scripts/node24.mjs test/bench/rolling-replace.bench.ts (or pnpm bench rolling-replace)
 */
import { executeRollout, planRollout, type RolloutRequest, withAws } from "@deploy/aws";
import { memoryLogger } from "@deploy/core";
import { testRunContext } from "@deploy/core/testing";
import { startSimulator } from "@deploy/sim";

const REGION = "eu-west-1";
const TARGET_RATIO = 1.2;

interface Measure {
  instances: number;
  status: string;
  calls: number;
  waitedMinutes: number;
  realMs: number;
}

async function measure(instances: number): Promise<Measure> {
  const sim = await startSimulator({
    world: {
      regions: {
        [REGION]: {
          images: [
            { id: "ami-0a1b2c3d4e5f60001", name: "app-v1", ownerId: "self" },
            { id: "ami-0a1b2c3d4e5f60002", name: "app-v2", ownerId: "self" },
          ],
          launchTemplates: [{ name: "web", data: { ImageId: "ami-0a1b2c3d4e5f60001", InstanceType: "t3.small" } }],
          autoScalingGroups: [
            {
              name: "web",
              launchTemplate: { name: "web", version: "1" },
              minSize: instances,
              maxSize: instances * 2,
              desiredCapacity: instances,
              healthCheckGracePeriod: 300,
            },
          ],
        },
      },
    },
  });
  Object.assign(process.env, sim.env());
  try {
    const ctx = withAws({
      clock: sim.world.clock,
      signal: new AbortController().signal,
      logger: memoryLogger(),
      run: testRunContext({ commit: "a".repeat(40), runId: "1", runAttempt: "1" }),
    });
    // 90 % min healthy: batches of 1 and of 20, ten batches either way.
    const request: RolloutRequest = {
      region: REGION,
      groupName: "web",
      imageId: "ami-0a1b2c3d4e5f60002",
      strategy: "rolling",
      preferences: { minHealthyPercentage: 90, instanceWarmupSeconds: 300, skipMatching: true, autoRollback: true },
      ifRefreshRunning: "fail",
      description: "bench (run 1-1)",
      pollIntervalMs: 15_000,
    };
    const started = performance.now();
    const plan = await planRollout(ctx, request);
    const result = await executeRollout(ctx, request, plan);
    const realMs = performance.now() - started;
    const records = sim.world.calls.records;
    const start = records.find((r) => r.operation === "autoscaling:StartInstanceRefresh");
    if (!start) throw new Error("no StartInstanceRefresh call");
    const waiting = records.filter((r) => r.at >= start.at);
    const waitedMs = (waiting.at(-1)?.at ?? start.at) - start.at;
    return {
      instances,
      status: result.status,
      calls: waiting.length,
      waitedMinutes: waitedMs / 60_000,
      realMs,
    };
  } finally {
    await sim.close();
  }
}

const small = await measure(10);
const large = await measure(200);
const perMinute = (m: Measure) => m.calls / m.waitedMinutes;
console.log("rolling-replace: API calls per simulated minute of waiting for an instance refresh");
console.log("instances  status      waited (simulated)  calls  calls/min  real time");
for (const m of [small, large]) {
  console.log(
    `${String(m.instances).padStart(9)}  ${m.status.padEnd(10)}  ${`${m.waitedMinutes.toFixed(1)} min`.padStart(18)}  ${String(m.calls).padStart(5)}  ${perMinute(m).toFixed(2).padStart(9)}  ${Math.round(m.realMs)} ms`,
  );
}
const ratio = perMinute(large) / perMinute(small);
console.log(`ratio 200/10: ${ratio.toFixed(2)} (target at most ${TARGET_RATIO})`);
if (small.status !== "Successful" || large.status !== "Successful") {
  console.error("bench: a rollout did not succeed, so its calls say nothing");
  process.exit(1);
}
if (ratio > TARGET_RATIO) {
  console.error(`bench: calls per minute grow with the fleet (ratio ${ratio.toFixed(2)} > ${TARGET_RATIO})`);
  process.exit(1);
}
