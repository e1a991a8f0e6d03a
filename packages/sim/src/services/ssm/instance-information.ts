import { paginate } from "../../pagination.ts";
import { AwsError } from "../../protocol/errors.ts";
import { ssmOnline } from "../ec2/instances.ts";
import type { Instance } from "../ec2/state.ts";
import type { RequestContext } from "../types.ts";
import {
  asInput,
  epochSeconds,
  listLength,
  optionalInteger,
  optionalList,
  optionalString,
  optionalStrings,
  requiredString,
} from "./input.ts";

/**
 * The instances whose SSM agent has registered: what a bake waits for before it sends a
 * command. An instance appears, `Online`, once `ssmOnline` says its agent is up; a stopped
 * or terminated instance's agent is gone, and so is the instance from this list.
 */
const AGENT_VERSION = "3.3.1611.0";

type Predicate = (instance: Instance) => boolean;

export function describeInstanceInformation(body: unknown, { region, now }: RequestContext): unknown {
  const input = asInput(body);
  const predicates: Predicate[] = [];
  for (const f of listLength(
    optionalList(input, "InstanceInformationFilterList") ?? [],
    "InstanceInformationFilterList",
    { min: 0, max: 5 },
  )) {
    const key = requiredString(f, "key");
    const values = optionalStrings(f, "valueSet") ?? [];
    // The legacy filter names instances that must exist; the newer Filters just match.
    if (key === "InstanceIds") {
      const unknown = values.filter((id) => !region.ec2.instances.has(id));
      if (unknown.length > 0)
        throw new AwsError("InvalidInstanceId", `Instance ids [${unknown.join(", ")}] are not valid.`);
    }
    predicates.push(filter(key, values));
  }
  for (const f of listLength(optionalList(input, "Filters") ?? [], "Filters", { min: 0, max: 5 })) {
    predicates.push(filter(requiredString(f, "Key"), optionalStrings(f, "Values") ?? []));
  }
  const managed = [...region.ec2.instances.values()].filter((i) => ssmOnline(i, now) && predicates.every((p) => p(i)));
  const { page, nextToken } = paginate(managed, {
    nextToken: optionalString(input, "NextToken"),
    maxResults: optionalInteger(input, "MaxResults", { min: 5, max: 50 }),
    defaultMax: 50,
  });
  return {
    InstanceInformationList: page.map((i) => ({
      InstanceId: i.id,
      PingStatus: "Online",
      LastPingDateTime: epochSeconds(now),
      AgentVersion: AGENT_VERSION,
      IsLatestVersion: true,
      PlatformType: "Linux",
      PlatformName: "Amazon Linux",
      PlatformVersion: "2023",
      ResourceType: "EC2Instance",
      IPAddress: i.privateIpAddress,
      ComputerName: `ip-${i.privateIpAddress.replaceAll(".", "-")}.${region.name}.compute.internal`,
      SourceId: i.id,
      SourceType: "AWS::EC2::Instance",
    })),
    NextToken: nextToken,
  };
}

function filter(key: string, values: string[]): Predicate {
  if (key === "InstanceIds") return (i) => values.includes(i.id);
  if (key === "PingStatus") return () => values.includes("Online");
  if (key === "PlatformTypes") return () => values.includes("Linux");
  if (key === "ResourceType") return () => values.includes("EC2Instance");
  if (key === "AgentVersion") return () => values.includes(AGENT_VERSION);
  if (key === "tag-key") return (i) => i.tags.some((t) => values.includes(t.Key));
  if (key.startsWith("tag:")) return (i) => i.tags.some((t) => t.Key === key.slice(4) && values.includes(t.Value));
  throw new AwsError("InvalidFilterKey", `The filter key ${key} is not supported.`);
}
