import { randomUUID } from "node:crypto";
import {
  type _InstanceType,
  type BlockDeviceMapping,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type Instance,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { type Clock, DeployError, hasCode, poll } from "@deploy/core";
import { fromAwsError, isTransient } from "../aws-errors.ts";
import type { AwsClients } from "../clients.ts";
import type { Tag } from "../tags.ts";
import type { BakeRequest } from "./types.ts";
import { type BakeWait, bakePoll } from "./wait.ts";

/**
 * The builder: the instance a recipe runs on and an AMI is made from. It needs no key pair
 * and no open port (the recipe goes over SSM), requires IMDSv2, and ends itself: its user
 * data schedules a halt, and a halt the instance starts itself terminates it. So a builder
 * whose runner died (a killed job, a lost machine) lives `timeout + DEAD_MANS_SWITCH_MARGIN_MINUTES`
 * at most, even if no post step ever runs.
 */
export const DEAD_MANS_SWITCH_MARGIN_MINUTES = 15;
/** An SSM agent registers within a few minutes of boot, or never (no route to SSM, no instance profile). */
export const SSM_ONLINE_TIMEOUT_MS = 15 * 60_000;
/**
 * How long TerminateInstances is retried while AWS does not show a new instance yet. After a
 * SIGINT the runner may kill the step sooner; the post step's sweep terminates what it missed.
 */
const TERMINATE_RETRY_MS = 30_000;

export interface BuilderSpec {
  imageId: string;
  request: BakeRequest;
  /** On the instance and its volumes. */
  tags: Tag[];
}

/** The user data: a halt scheduled past the bake's timeout. `/run` is not in the AMI, so neither is the timer. */
export function builderUserData(timeoutMs: number): string {
  const minutes = Math.ceil(timeoutMs / 60_000) + DEAD_MANS_SWITCH_MARGIN_MINUTES;
  return [
    "#!/bin/bash",
    "# deploy bake-ami: if nothing terminates this builder in time, it halts, and its",
    "# InstanceInitiatedShutdownBehavior (terminate) ends it.",
    `shutdown -h +${minutes} "deploy bake-ami: the builder outlived its bake"`,
    "",
  ].join("\n");
}

/** Launches the builder and returns its id. The caller reports it (onCreated) before anything else. */
export async function launchBuilder(clients: AwsClients, spec: BuilderSpec): Promise<string> {
  const { request } = spec;
  const profile = request.iamInstanceProfile;
  const blockDevices = await rootVolume(clients, spec.imageId, request);
  try {
    const answer = await clients.ec2.send(
      new RunInstancesCommand({
        ImageId: spec.imageId,
        InstanceType: request.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ...(request.subnetId && { SubnetId: request.subnetId }),
        ...(request.securityGroupIds.length > 0 && { SecurityGroupIds: request.securityGroupIds }),
        IamInstanceProfile: profile.startsWith("arn:") ? { Arn: profile } : { Name: profile },
        ...(blockDevices && { BlockDeviceMappings: blockDevices }),
        MetadataOptions: { HttpTokens: "required", HttpEndpoint: "enabled" },
        InstanceInitiatedShutdownBehavior: "terminate",
        UserData: Buffer.from(builderUserData(request.timeoutMs)).toString("base64"),
        TagSpecifications: [
          { ResourceType: "instance", Tags: spec.tags },
          { ResourceType: "volume", Tags: spec.tags },
        ],
        // The SDK's own retries of this call reuse it, so a lost answer never launches two builders.
        ClientToken: randomUUID(),
      }),
    );
    return answer.Instances?.[0]?.InstanceId as string;
  } catch (error) {
    throw fromAwsError(error, `launch the builder (${request.instanceType} from ${spec.imageId})`);
  }
}

/**
 * The root volume, when its size or encryption differs from the base AMI's: the mapping must
 * name the AMI's root device, which only the AMI knows.
 */
async function rootVolume(
  clients: AwsClients,
  imageId: string,
  request: BakeRequest,
): Promise<BlockDeviceMapping[] | undefined> {
  if (request.rootVolumeSizeGiB === undefined && !request.encrypt) return undefined;
  let deviceName: string | undefined;
  let snapshotGiB: number | undefined;
  try {
    const answer = await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    const image = answer.Images?.[0];
    deviceName = image?.RootDeviceName;
    snapshotGiB = image?.BlockDeviceMappings?.find((b) => b.DeviceName === deviceName)?.Ebs?.VolumeSize;
  } catch (error) {
    throw fromAwsError(error, `describe the base AMI ${imageId}`);
  }
  if (!deviceName) {
    throw new DeployError({
      what: `The base AMI ${imageId} names no root device.`,
      why: "The root volume's size and encryption are set on the AMI's root device.",
      fix: "Use an EBS-backed base AMI, or leave root-volume-size and encrypt unset.",
      code: "NoRootDevice",
    });
  }
  // A volume made from a snapshot may be as large as the snapshot or larger, never smaller
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html, VolumeSize):
  // refused here, before a builder is launched, rather than by RunInstances.
  const size = request.rootVolumeSizeGiB;
  if (size !== undefined && snapshotGiB !== undefined && size < snapshotGiB) {
    throw new DeployError({
      what: `root-volume-size ${size} GiB is smaller than the base AMI ${imageId}'s root snapshot (${snapshotGiB} GiB).`,
      why: "A root volume is made from the base AMI's snapshot, and a volume cannot be smaller than the snapshot it is made from.",
      fix: `Set root-volume-size to ${snapshotGiB} or more, or leave it unset to get the snapshot's size.`,
      input: "root-volume-size",
      code: "RootVolumeTooSmall",
    });
  }
  const kmsKeyId = request.encrypt ? request.kmsKeyIds[request.region] : undefined;
  return [
    {
      DeviceName: deviceName,
      Ebs: {
        DeleteOnTermination: true,
        ...(request.rootVolumeSizeGiB !== undefined && { VolumeSize: request.rootVolumeSizeGiB, VolumeType: "gp3" }),
        ...(request.encrypt && { Encrypted: true }),
        ...(kmsKeyId && { KmsKeyId: kmsKeyId }),
      },
    },
  ];
}

/** The instance, or undefined while AWS does not show it yet. Transient errors are left to the poller. */
async function describeInstance(clients: AwsClients, instanceId: string): Promise<Instance | undefined> {
  try {
    const answer = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return answer.Reservations?.[0]?.Instances?.[0];
  } catch (error) {
    throw isTransient(error) ? error : fromAwsError(error, `describe the builder ${instanceId}`);
  }
}

async function agentOnline(clients: AwsClients, instanceId: string): Promise<boolean> {
  try {
    const answer = await clients.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [instanceId] }] }),
    );
    return answer.InstanceInformationList?.some((i) => i.PingStatus === "Online") ?? false;
  } catch (error) {
    throw isTransient(error) ? error : fromAwsError(error, `ask SSM about the builder ${instanceId}`);
  }
}

const GONE = new Set(["shutting-down", "terminated", "stopping", "stopped"]);

/**
 * Waits until the builder runs and its SSM agent is online, at most SSM_ONLINE_TIMEOUT_MS:
 * an agent that has not come by then is not coming, and the usual reasons are in the error.
 */
export async function waitUntilReady(clients: AwsClients, instanceId: string, wait: BakeWait): Promise<void> {
  const request = { instanceId, region: clients.region };
  try {
    await bakePoll(
      wait,
      `builder ${instanceId} to run with its SSM agent online`,
      async () => {
        const instance = await describeInstance(clients, instanceId);
        const state = instance?.State?.Name;
        if (!state) return { done: false, progress: "not visible yet" };
        if (GONE.has(state)) throw builderEnded(request, instance);
        if (state !== "running") return { done: false, progress: state };
        if (!(await agentOnline(clients, instanceId)))
          return { done: false, progress: "running, SSM agent not online" };
        return { done: true, value: undefined };
      },
      Math.min(wait.deadline, wait.clock.now() + SSM_ONLINE_TIMEOUT_MS),
    );
  } catch (error) {
    if (hasCode(error, "Timeout")) throw agentMissing(request, error);
    throw error;
  }
}

function builderEnded(builder: { instanceId: string; region: string }, instance: Instance | undefined): DeployError {
  const reason = instance?.StateReason?.Message;
  return new DeployError({
    what: `The builder ${builder.instanceId} in ${builder.region} ${instance?.State?.Name ?? "ended"} before its SSM agent came online.`,
    why: reason ? `AWS says: ${reason}` : "AWS gave no reason.",
    fix: "Check that the base AMI boots on the instance type (architecture), and that nothing else stops or terminates instances tagged deploy:role=builder.",
    code: "BuilderEnded",
  });
}

function agentMissing(builder: { instanceId: string; region: string }, timeout: DeployError): DeployError {
  return new DeployError({
    what: `The SSM agent of the builder ${builder.instanceId} in ${builder.region} did not come online.`,
    why: timeout.why ?? timeout.what,
    fix: "The base AMI must run the SSM agent (Amazon Linux, Ubuntu and Windows AMIs from AWS do); the iam-instance-profile must allow SSM (e.g. the AmazonSSMManagedInstanceCore policy); and the subnet must reach SSM (a NAT gateway, or VPC endpoints for ssm, ssmmessages and ec2messages).",
    input: "iam-instance-profile",
    code: "SsmAgentOffline",
    cause: timeout,
  });
}

/** Stops the builder and waits until it is stopped: an image of a stopped instance has a consistent file system. */
export async function stopBuilder(clients: AwsClients, instanceId: string, wait: BakeWait): Promise<void> {
  try {
    await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  } catch (error) {
    throw fromAwsError(error, `stop the builder ${instanceId}`);
  }
  await bakePoll(wait, `builder ${instanceId} to stop`, async () => {
    const instance = await describeInstance(clients, instanceId);
    const state = instance?.State?.Name;
    if (state === "stopped") return { done: true, value: undefined };
    if (state === "shutting-down" || state === "terminated") {
      throw builderEnded({ instanceId, region: clients.region }, instance);
    }
    return { done: false, progress: state ?? "not visible yet" };
  });
}

/**
 * TerminateInstances, retried while AWS does not show a new instance yet (NotFound, for a
 * while) or throttles. Its own deadline and signal: it runs after whatever happened
 * before, a cancellation included. Rejects with the last AWS error, as a DeployError.
 */
export async function terminateInstances(clients: AwsClients, instanceIds: string[], clock: Clock): Promise<void> {
  const what = `terminate ${instanceIds.join(", ")} in ${clients.region}`;
  try {
    await poll({
      describe: `${instanceIds.join(", ")} to accept termination`,
      timeoutMs: TERMINATE_RETRY_MS,
      intervalMs: 2_000,
      clock,
      isRetryable: isTransient,
      check: async () => {
        await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: instanceIds }));
        return { done: true, value: undefined };
      },
    });
  } catch (error) {
    throw fromAwsError(error, what);
  }
}

/**
 * Terminates the builder and waits until AWS shows it going. Never throws: what it could
 * not do is logged, and the post step's sweep does it.
 */
export async function terminateBuilder(
  clients: AwsClients,
  instanceId: string,
  wait: Pick<BakeWait, "clock" | "logger">,
): Promise<boolean> {
  try {
    await terminateInstances(clients, [instanceId], wait.clock);
    await poll({
      describe: `builder ${instanceId} to terminate`,
      timeoutMs: TERMINATE_RETRY_MS,
      intervalMs: 2_000,
      clock: wait.clock,
      isRetryable: isTransient,
      check: async () => {
        const state = (await describeInstance(clients, instanceId))?.State?.Name;
        return state === "shutting-down" || state === "terminated"
          ? { done: true, value: undefined }
          : { done: false, progress: state ?? "not visible yet" };
      },
    });
    wait.logger.info(`Terminated the builder ${instanceId}.`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    wait.logger.warning(
      `Could not terminate the builder ${instanceId} in ${clients.region} (${message}); the post step terminates it.`,
    );
    return false;
  }
}
