import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";

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

export const MAX_ATTEMPTS = 8;
const USER_AGENT: [string, string] = ["deploy", "1"];

const cache = new Map<string, AwsClients>();

export function awsClients(region: string): AwsClients {
  let clients = cache.get(region);
  if (!clients) {
    const config = { region, maxAttempts: MAX_ATTEMPTS, customUserAgent: [USER_AGENT] };
    clients = {
      region,
      ec2: new EC2Client(config),
      autoScaling: new AutoScalingClient(config),
      ssm: new SSMClient(config),
    };
    cache.set(region, clients);
  }
  return clients;
}

/** Forgets the clients made so far (tests that point the endpoint somewhere new). */
export function resetAwsClients(): void {
  for (const clients of cache.values()) {
    clients.ec2.destroy();
    clients.autoScaling.destroy();
    clients.ssm.destroy();
  }
  cache.clear();
}
