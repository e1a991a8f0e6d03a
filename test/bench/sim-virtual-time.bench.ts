/**
 * How fast the simulator's virtual time runs an instance refresh in-process: the refresh
 * of 100 instances with 5-minute warmups (about an hour of AWS time) should take well
 * under a second of real time, so end-to-end scenarios stay cheap. Prints the real time of
 * the 100-instance refresh beside a 10-instance baseline run in the same process, and the
 * virtual-to-real speed-up; exits non-zero when the 100-instance refresh takes 1 s or more.
 *
 * Run: node scripts/node24.mjs test/bench/sim-virtual-time.bench.ts
 */
import {
  AutoScalingClient,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { startSimulator } from "@deploy/sim";

const REGION = "eu-west-1";

async function refresh(instances: number): Promise<{ realMs: number; virtualMs: number; status: string }> {
  const sim = await startSimulator({
    world: {
      regions: {
        [REGION]: {
          images: [{ name: "app-v1" }, { name: "app-v2" }],
          launchTemplates: [
            {
              name: "web",
              versions: [
                { ImageId: "name:app-v1", InstanceType: "t3.small" },
                { ImageId: "name:app-v2", InstanceType: "t3.small" },
              ],
              defaultVersion: 1,
            },
          ],
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
  const client = new AutoScalingClient({
    endpoint: sim.url,
    region: REGION,
    credentials: { accessKeyId: "AKIDSIM", secretAccessKey: "sim" },
  });
  try {
    const { clock } = sim.world;
    const realStart = performance.now();
    const virtualStart = clock.now();
    const { InstanceRefreshId } = await client.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "web",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateName: "web", Version: "2" } },
        Preferences: { InstanceWarmup: 300, MinHealthyPercentage: 90 },
      }),
    );
    let status = "Pending";
    while (!["Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"].includes(status)) {
      await clock.sleep(60_000);
      const { InstanceRefreshes } = await client.send(
        new DescribeInstanceRefreshesCommand({
          AutoScalingGroupName: "web",
          InstanceRefreshIds: [InstanceRefreshId as string],
        }),
      );
      status = InstanceRefreshes?.[0]?.Status ?? "missing";
    }
    return { realMs: performance.now() - realStart, virtualMs: clock.now() - virtualStart, status };
  } finally {
    client.destroy();
    await sim.close();
  }
}

const baseline = await refresh(10);
const target = await refresh(100);
const row = (name: string, r: typeof baseline) =>
  `${name.padEnd(14)} ${r.status.padEnd(11)} virtual ${(r.virtualMs / 60_000).toFixed(0).padStart(4)} min   real ${r.realMs.toFixed(0).padStart(5)} ms   speed-up ${(r.virtualMs / r.realMs).toFixed(0).padStart(7)}x`;
console.log(row("10 instances", baseline));
console.log(row("100 instances", target));
console.log(`real time 100/10: ${(target.realMs / baseline.realMs).toFixed(2)}`);
const ok = target.status === "Successful" && target.realMs < 1_000;
console.log(
  ok
    ? "ok: 100-instance refresh under 1 s of real time"
    : "FAILED: 100-instance refresh took 1 s or more, or did not succeed",
);
process.exit(ok ? 0 : 1);
