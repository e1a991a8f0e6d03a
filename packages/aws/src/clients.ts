import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "@deploy/core";

/**
 * The one place AWS clients are made. Credentials and endpoint come from the SDK's usual
 * chain (the runner's `aws-actions/configure-aws-credentials`, or `AWS_ENDPOINT_URL` for
 * the simulator), so the suite never handles keys itself.
 *
 * Retries: the SDK's standard mode retries throttling and 5xx answers with backoff and
 * jitter; waits on top of that use the poller. Eight attempts ride out a sustained 20 %
 * throttling rate (0.2^8 ≈ 3 in a million calls fail) without hiding a real outage.
 */
export interface AwsClients {
  region: string;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  ssm: SSMClient;
}

/** The suite's Context with AWS: `aws(region)` gives that region's clients. */
export interface AwsContext extends Context {
  aws(region: string): AwsClients;
}

export const MAX_ATTEMPTS = 8;
const USER_AGENT: [string, string] = ["deploy", "1"];

function makeClients(region: string): AwsClients {
  const config = { region, maxAttempts: MAX_ATTEMPTS, customUserAgent: [USER_AGENT] };
  return {
    region,
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
    ssm: new SSMClient(config),
  };
}

/**
 * `ctx` with AWS: each region's clients are made on first use and kept with this context
 * (not in the module), so that a test or the demo pointing the endpoint elsewhere simply
 * makes a new context.
 */
export function withAws(ctx: Context): AwsContext {
  const byRegion = new Map<string, AwsClients>();
  return {
    ...ctx,
    aws(region) {
      let clients = byRegion.get(region);
      if (!clients) {
        clients = makeClients(region);
        byRegion.set(region, clients);
      }
      return clients;
    },
  };
}

/** `ctx` for what is made for the release of `commit`: its tags and names carry that commit. */
export function forCommit<C extends Context>(ctx: C, commit: string): C {
  return { ...ctx, run: { ...ctx.run, commit } };
}
