import type { QueryParams } from "../../protocol/query.ts";
import type { RegionState } from "../../world.ts";
import type { RequestContext } from "../types.ts";
import { defaultSecurityGroupId, defaultSubnetId, defaultVpcId } from "./defaults.ts";
import { applyFilters, readFilters } from "./filters.ts";
import { notFound, wellFormed } from "./ids.ts";
import { pager } from "./paging.ts";
import type { Subnet } from "./state.ts";

/**
 * The network instances launch into. The model keeps subnets and security group ids only;
 * the default security group is named `default`, other groups are named by their id.
 */
const DEFAULT_GROUP_NAME = "default";

export function securityGroupName(region: RegionState, groupId: string): string {
  return groupId === defaultSecurityGroupId(region.name) ? DEFAULT_GROUP_NAME : groupId;
}

/** Security group ids, checked to exist; `names` (the `SecurityGroup.N` form) may only say `default`. */
export function securityGroupIds(region: RegionState, ids: readonly string[], names: readonly string[] = []): string[] {
  for (const id of ids)
    if (!region.ec2.securityGroups.has(wellFormed("securityGroup", id))) throw notFound("securityGroup", id);
  const named = names.map((name) => {
    const id = [...region.ec2.securityGroups].find((g) => securityGroupName(region, g) === name);
    if (!id) throw notFound("securityGroup", name);
    return id;
  });
  return [...new Set([...ids, ...named])];
}

export function findSubnet(region: RegionState, id: string): Subnet {
  const subnet = region.ec2.subnets.get(wellFormed("subnet", id));
  if (!subnet) throw notFound("subnet", id);
  return subnet;
}

function describeSubnets(params: QueryParams, { region, world }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 5, max: 1000, exclusiveWith: "SubnetId" });
  const ids = params.strings("SubnetId");
  const subnets = ids.length > 0 ? ids.map((id) => findSubnet(region, id)) : [...region.ec2.subnets.values()];
  const isDefault = (s: Subnet) => s.id === defaultSubnetId(region.name, s.availabilityZone);
  const filtered = applyFilters(subnets, readFilters(params), {
    "subnet-id": (s) => s.id,
    "vpc-id": (s) => s.vpcId,
    "availability-zone": (s) => s.availabilityZone,
    "cidr-block": (s) => s.cidrBlock,
    "default-for-az": isDefault,
    "owner-id": () => world.accountId,
    state: () => "available",
  });
  const { page: subnetsPage, nextToken } = paging(filtered);
  return {
    subnetSet: subnetsPage.map((s) => ({
      subnetId: s.id,
      subnetArn: `arn:aws:ec2:${region.name}:${world.accountId}:subnet/${s.id}`,
      state: "available",
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock,
      availableIpAddressCount: 4091,
      availabilityZone: s.availabilityZone,
      defaultForAz: isDefault(s),
      mapPublicIpOnLaunch: isDefault(s),
      ownerId: world.accountId,
    })),
    nextToken,
  };
}

function describeSecurityGroups(params: QueryParams, { region, world }: RequestContext): Record<string, unknown> {
  const paging = pager(params, { min: 5, max: 1000, exclusiveWith: "GroupId" });
  const ids = securityGroupIds(region, params.strings("GroupId"), params.strings("GroupName"));
  const groups = (ids.length > 0 ? ids : [...region.ec2.securityGroups]).map((id) => ({
    id,
    name: securityGroupName(region, id),
  }));
  const filtered = applyFilters(groups, readFilters(params), {
    "group-id": (g) => g.id,
    "group-name": (g) => g.name,
    "vpc-id": () => defaultVpcId(region.name),
    "owner-id": () => world.accountId,
  });
  const { page: groupsPage, nextToken } = paging(filtered);
  return {
    securityGroupInfo: groupsPage.map((g) => ({
      groupId: g.id,
      groupName: g.name,
      groupDescription: g.name === DEFAULT_GROUP_NAME ? "default VPC security group" : g.name,
      vpcId: defaultVpcId(region.name),
      ownerId: world.accountId,
      securityGroupArn: `arn:aws:ec2:${region.name}:${world.accountId}:security-group/${g.id}`,
    })),
    nextToken,
  };
}

export const networkOperations = {
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
};
