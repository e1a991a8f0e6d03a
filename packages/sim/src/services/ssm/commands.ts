import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import type { RegionState, World } from "../../world.ts";
import { ssmOnline } from "../ec2/instances.ts";
import type { Instance } from "../ec2/state.ts";
import type { RequestContext } from "../types.ts";
import {
  asInput,
  epochSeconds,
  type Input,
  listLength,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalString,
  optionalStrings,
  requiredString,
  validationError,
} from "./input.ts";
import { cancel, deliver } from "./invocations.ts";
import { type Command, type Invocation, TERMINAL } from "./state.ts";

/**
 * Run Command: SendCommand with the AWS-RunShellScript document, the invocation per
 * instance, and the read operations a poller uses. GetCommandInvocation is eventually
 * consistent: right after SendCommand it answers InvocationDoesNotExist for a moment.
 */

const DOCUMENT = "AWS-RunShellScript";
const PLUGIN = "aws:runShellScript";
const DOCUMENT_PARAMETERS = ["commands", "workingDirectory", "executionTimeout"];
const DEFAULT_EXECUTION_TIMEOUT = 3600;
/** What AWS keeps of a script's output: GetCommandInvocation's contents, and a plugin's Output in lists. */
const STDOUT_CHARS = 24_000;
const STDERR_CHARS = 8_000;
const PLUGIN_OUTPUT_CHARS = 2_500;

export function sendCommand(body: unknown, { world, region, now }: RequestContext): unknown {
  const input = asInput(body);
  const documentName = requiredString(input, "DocumentName");
  if (documentName !== DOCUMENT) {
    throw new AwsError("InvalidDocument", `Document with name ${documentName} does not exist.`);
  }
  const parameters = documentParameters(input);
  const instances = targetInstances(world, region, input, now);
  const targets = (optionalList(input, "Targets") ?? []).map((t) => ({
    Key: requiredString(t, "Key"),
    Values: optionalStrings(t, "Values") ?? [],
  }));
  const comment = optionalString(input, "Comment") ?? "";
  if (comment.length > 100) throw validationError("Comment must be at most 100 characters long.");
  const command: Command = {
    id: commandId(world),
    documentName,
    parameters,
    instanceIds: optionalStrings(input, "InstanceIds") ?? [],
    targets,
    comment,
    timeoutSeconds: optionalInteger(input, "TimeoutSeconds", { min: 30, max: 2_592_000 }) ?? 3600,
    executionTimeoutSeconds: Number(parameters.executionTimeout?.[0] ?? DEFAULT_EXECUTION_TIMEOUT),
    requestedAt: now,
    outputS3BucketName: optionalString(input, "OutputS3BucketName") ?? "",
    outputS3KeyPrefix: optionalString(input, "OutputS3KeyPrefix") ?? "",
    invocations: new Map(),
  };
  for (const instance of instances) {
    command.invocations.set(instance.id, {
      commandId: command.id,
      instanceId: instance.id,
      status: "Pending",
      statusDetails: "Pending",
      responseCode: -1,
      stdout: "",
      stderr: "",
    });
  }
  region.ssm.commands.set(command.id, command);
  world.created(command.id, now);
  // The answer describes the command as sent, before any agent has picked it up.
  const sent = describeCommand(region, command);
  for (const instance of instances) {
    deliver(world, region, command, command.invocations.get(instance.id) as Invocation, instance, now);
  }
  return { Command: sent };
}

function documentParameters(input: Input): Record<string, string[]> {
  const raw = input.Parameters ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new AwsError("SerializationException", "Parameters must be a map of lists of strings");
  }
  const parameters: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(raw)) {
    if (!DOCUMENT_PARAMETERS.includes(name)) {
      throw new AwsError("InvalidParameters", `Parameter "${name}" is not defined in the document ${DOCUMENT}.`);
    }
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) {
      throw new AwsError("SerializationException", `Parameters.${name} must be a list of strings`);
    }
    parameters[name] = values;
  }
  if (!parameters.commands?.length) {
    throw new AwsError("InvalidParameters", `Parameter "commands" is required by the document ${DOCUMENT}.`);
  }
  const timeout = parameters.executionTimeout?.[0];
  if (timeout !== undefined && !(/^\d+$/.test(timeout) && Number(timeout) >= 1 && Number(timeout) <= 172_800)) {
    throw new AwsError(
      "InvalidParameters",
      `Parameter "executionTimeout" must be a whole number of seconds between 1 and 172800, got "${timeout}".`,
    );
  }
  return parameters;
}

/** The instances a command goes to: named ones must exist and have their agent online; tags choose among online ones. */
function targetInstances(world: World, region: RegionState, input: Input, now: number): Instance[] {
  const instanceIds = optionalStrings(input, "InstanceIds");
  const targets = optionalList(input, "Targets");
  if ((instanceIds?.length ? 1 : 0) + (targets?.length ? 1 : 0) !== 1) {
    throw validationError("Specify the instances to run the command on with either InstanceIds or Targets.");
  }
  if (instanceIds)
    return namedInstances(world, region, listLength(instanceIds, "InstanceIds", { min: 1, max: 50 }), now);
  const chosen = new Map<string, Instance>();
  for (const target of listLength(targets ?? [], "Targets", { min: 1, max: 5 })) {
    const key = requiredString(target, "Key");
    const values = optionalStrings(target, "Values") ?? [];
    if (key !== "InstanceIds" && !key.startsWith("tag:") && key !== "tag-key") {
      throw new AwsError("InvalidTarget", `Target key ${key} is not supported; use InstanceIds, tag:<key> or tag-key.`);
    }
    const matching =
      key === "InstanceIds"
        ? namedInstances(world, region, values, now)
        : [...region.ec2.instances.values()].filter((i) => ssmOnline(i, now) && tagMatches(i, key, values));
    for (const instance of matching) chosen.set(instance.id, instance);
  }
  return [...chosen.values()];
}

function namedInstances(world: World, region: RegionState, ids: string[], now: number): Instance[] {
  const found = ids.map((id) => region.ec2.instances.get(id));
  const invalid = ids.filter((_, i) => {
    const instance = found[i];
    return !instance || !world.visible(instance.id, now) || !ssmOnline(instance, now);
  });
  if (invalid.length > 0) {
    throw new AwsError(
      "InvalidInstanceId",
      `Instances [[${invalid.join(", ")}]] not in a valid state for account ${world.accountId}`,
    );
  }
  return [...new Set(found as Instance[])];
}

function tagMatches(instance: Instance, key: string, values: string[]): boolean {
  if (key === "tag-key") return instance.tags.some((t) => values.includes(t.Key));
  const name = key.slice("tag:".length);
  return instance.tags.some((t) => t.Key === name && values.includes(t.Value));
}

/** A version 4 UUID from the world's seeded generator, so runs repeat. */
function commandId(world: World): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(world.randomFraction() * 16).toString(16)).join("");
  const variant = "89ab"[Math.floor(world.randomFraction() * 4)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function findCommand(region: RegionState, id: string): Command {
  const command = region.ssm.commands.get(id);
  if (!command) throw new AwsError("InvalidCommandId", `Command ${id} does not exist.`);
  return command;
}

/** A command's status sums up its invocations': final only once every invocation is. */
function commandStatus(command: Command): { status: string; details: string } {
  const statuses = [...command.invocations.values()].map((i) => i.status);
  if (statuses.length === 0 || statuses.every((s) => s === "Success")) return { status: "Success", details: "Success" };
  if (statuses.every((s) => s === "Pending")) return { status: "Pending", details: "Pending" };
  if (statuses.some((s) => !TERMINAL.has(s))) return { status: "InProgress", details: "InProgress" };
  if (statuses.includes("Cancelled")) return { status: "Cancelled", details: "Cancelled" };
  if (statuses.includes("Failed")) return { status: "Failed", details: "Failed" };
  return { status: "TimedOut", details: "ExecutionTimedOut" };
}

const NO_NOTIFICATIONS = { NotificationArn: "", NotificationEvents: [], NotificationType: "" };
const NO_CLOUDWATCH = { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false };

function describeCommand(region: RegionState, command: Command): Record<string, unknown> {
  const invocations = [...command.invocations.values()];
  const { status, details } = commandStatus(command);
  return {
    CommandId: command.id,
    DocumentName: command.documentName,
    DocumentVersion: "$DEFAULT",
    Comment: command.comment,
    ExpiresAfter: epochSeconds(command.requestedAt + (command.timeoutSeconds + command.executionTimeoutSeconds) * 1000),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: status,
    StatusDetails: details,
    OutputS3Region: region.name,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
    MaxConcurrency: "50",
    MaxErrors: "0",
    TargetCount: invocations.length,
    CompletedCount: invocations.filter((i) => TERMINAL.has(i.status)).length,
    ErrorCount: invocations.filter((i) => i.status === "Failed" || i.status === "TimedOut").length,
    DeliveryTimedOutCount: 0,
    ServiceRole: "",
    NotificationConfig: NO_NOTIFICATIONS,
    CloudWatchOutputConfig: NO_CLOUDWATCH,
    TimeoutSeconds: command.timeoutSeconds,
  };
}

export function getCommandInvocation(body: unknown, { world, region, now }: RequestContext): unknown {
  const input = asInput(body);
  const commandId = requiredString(input, "CommandId");
  const instanceId = requiredString(input, "InstanceId");
  const pluginName = optionalString(input, "PluginName");
  const command = region.ssm.commands.get(commandId);
  const invocation = command?.invocations.get(instanceId);
  if (!command || !invocation || !world.visible(command.id, now)) {
    throw new AwsError("InvocationDoesNotExist", `No invocation of command ${commandId} on ${instanceId} exists.`);
  }
  if (pluginName !== undefined && pluginName !== PLUGIN) {
    throw new AwsError("InvalidPluginName", `The plugin name ${pluginName} is not valid.`);
  }
  const elapsedMs = invocation.startedAt === undefined ? undefined : (invocation.endedAt ?? now) - invocation.startedAt;
  return {
    CommandId: command.id,
    InstanceId: instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: "$DEFAULT",
    PluginName: PLUGIN,
    ResponseCode: invocation.responseCode,
    ExecutionStartDateTime: isoOrEmpty(invocation.startedAt),
    ExecutionElapsedTime: elapsedMs === undefined ? "" : `PT${(elapsedMs / 1000).toFixed(3)}S`,
    ExecutionEndDateTime: isoOrEmpty(invocation.endedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StandardOutputContent: invocation.stdout.slice(0, STDOUT_CHARS),
    StandardOutputUrl: "",
    StandardErrorContent: invocation.stderr.slice(0, STDERR_CHARS),
    StandardErrorUrl: "",
    CloudWatchOutputConfig: NO_CLOUDWATCH,
  };
}

function isoOrEmpty(ms: number | undefined): string {
  return ms === undefined ? "" : new Date(ms).toISOString();
}

/** ListCommands and ListCommandInvocations filters: `{key, value}` on status, document and time. */
function commandFilter(input: Input): (command: Command, status: string) => boolean {
  const filters = listLength(optionalList(input, "Filters") ?? [], "Filters", { min: 0, max: 5 }).map((f) => ({
    key: requiredString(f, "key"),
    value: requiredString(f, "value"),
  }));
  return (command, status) =>
    filters.every(({ key, value }) => {
      switch (key) {
        case "Status":
          return status === value;
        case "DocumentName":
          return command.documentName === value;
        case "InvokedAfter":
          return command.requestedAt >= Date.parse(value);
        case "InvokedBefore":
          return command.requestedAt <= Date.parse(value);
        default:
          throw new AwsError("InvalidFilterKey", `The filter key ${key} is not valid.`);
      }
    });
}

/** Newest first, as the list operations answer. */
function newestFirst(region: RegionState, commandId: string | undefined): Command[] {
  return commandId ? [findCommand(region, commandId)] : [...region.ssm.commands.values()].reverse();
}

export function listCommands(body: unknown, { region }: RequestContext): unknown {
  const input = asInput(body);
  const instanceId = optionalString(input, "InstanceId");
  const keep = commandFilter(input);
  const commands = newestFirst(region, optionalString(input, "CommandId")).filter(
    (c) => (instanceId === undefined || c.invocations.has(instanceId)) && keep(c, commandStatus(c).status),
  );
  const { page, nextToken } = paginate(commands, {
    nextToken: optionalString(input, "NextToken"),
    maxResults: optionalInteger(input, "MaxResults", { min: 1, max: 50 }),
    defaultMax: 50,
  });
  return { Commands: page.map((c) => describeCommand(region, c)), NextToken: nextToken };
}

export function listCommandInvocations(body: unknown, { region }: RequestContext): unknown {
  const input = asInput(body);
  const instanceId = optionalString(input, "InstanceId");
  const details = optionalBoolean(input, "Details") ?? false;
  const keep = commandFilter(input);
  const rows = newestFirst(region, optionalString(input, "CommandId")).flatMap((command) =>
    [...command.invocations.values()]
      .filter((i) => (instanceId === undefined || i.instanceId === instanceId) && keep(command, i.status))
      .map((invocation) => ({ command, invocation })),
  );
  const { page, nextToken } = paginate(rows, {
    nextToken: optionalString(input, "NextToken"),
    maxResults: optionalInteger(input, "MaxResults", { min: 1, max: 50 }),
    defaultMax: 50,
  });
  return {
    CommandInvocations: page.map(({ command, invocation }) => ({
      CommandId: command.id,
      InstanceId: invocation.instanceId,
      InstanceName: "",
      Comment: command.comment,
      DocumentName: command.documentName,
      DocumentVersion: "$DEFAULT",
      RequestedDateTime: epochSeconds(command.requestedAt),
      Status: invocation.status,
      StatusDetails: invocation.statusDetails,
      TraceOutput: "",
      StandardOutputUrl: "",
      StandardErrorUrl: "",
      CommandPlugins: details ? [plugin(region, command, invocation)] : [],
      ServiceRole: "",
      NotificationConfig: NO_NOTIFICATIONS,
      CloudWatchOutputConfig: NO_CLOUDWATCH,
    })),
    NextToken: nextToken,
  };
}

function plugin(region: RegionState, command: Command, invocation: Invocation): Record<string, unknown> {
  const stdout = invocation.stdout.slice(0, STDOUT_CHARS);
  const stderr = invocation.stderr.slice(0, STDERR_CHARS);
  const output = stderr ? `${stdout}\n----------ERROR-------\n${stderr}` : stdout;
  return {
    Name: PLUGIN,
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    ResponseCode: invocation.responseCode,
    ...(invocation.startedAt !== undefined && { ResponseStartDateTime: epochSeconds(invocation.startedAt) }),
    ...(invocation.endedAt !== undefined && { ResponseFinishDateTime: epochSeconds(invocation.endedAt) }),
    Output: output.slice(0, PLUGIN_OUTPUT_CHARS),
    StandardOutputUrl: "",
    StandardErrorUrl: "",
    OutputS3Region: region.name,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
  };
}

export function cancelCommand(body: unknown, { region, now }: RequestContext): unknown {
  const input = asInput(body);
  const command = findCommand(region, requiredString(input, "CommandId"));
  const instanceIds = optionalStrings(input, "InstanceIds");
  for (const invocation of command.invocations.values()) {
    if (!instanceIds || instanceIds.includes(invocation.instanceId)) cancel(invocation, now);
  }
  return {};
}
