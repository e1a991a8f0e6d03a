import { AwsError } from "../../protocol/errors.ts";
import type { QueryParams } from "../../protocol/query.ts";

/**
 * Launch template data is stored as the API takes it (`{ ImageId, SecurityGroupIds, ... }`,
 * the SDK's member names) and travels three ways: read from Query parameters
 * (`LaunchTemplateData.SecurityGroupId.1`), answered as XML (`<securityGroupIdSet>`), and
 * written by hand in world files. The names differ irregularly between the three, so this
 * table, taken from the SDK's RequestLaunchTemplateData and ResponseLaunchTemplateData
 * schemas, says each member's Query name (`query`, default: the member name) and XML name
 * (`xml`, default: the member name with a lowercase first letter).
 *
 * Members not in the table are refused rather than silently dropped, so a test never
 * passes against data the simulator did not keep.
 */
type Shape = "string" | "integer" | "boolean" | { struct: Field[] } | { list: "string" | { struct: Field[] } };

interface Field {
  name: string;
  shape: Shape;
  query?: string;
  xml?: string;
}

export type LaunchTemplateData = Record<string, unknown>;

const str = (name: string): Field => ({ name, shape: "string" });
const int = (name: string): Field => ({ name, shape: "integer" });
const bool = (name: string): Field => ({ name, shape: "boolean" });
const struct = (name: string, fields: Field[]): Field => ({ name, shape: { struct: fields } });
const strings = (name: string, query: string, xml: string): Field => ({ name, query, xml, shape: { list: "string" } });
const structs = (name: string, query: string, xml: string, fields: Field[]): Field => ({
  name,
  query,
  xml,
  shape: { list: { struct: fields } },
});

const FIELDS: Field[] = [
  str("ImageId"),
  str("InstanceType"),
  str("KeyName"),
  str("KernelId"),
  str("RamDiskId"),
  str("UserData"),
  str("InstanceInitiatedShutdownBehavior"),
  bool("EbsOptimized"),
  bool("DisableApiTermination"),
  bool("DisableApiStop"),
  struct("IamInstanceProfile", [str("Arn"), str("Name")]),
  strings("SecurityGroupIds", "SecurityGroupId", "securityGroupIdSet"),
  strings("SecurityGroups", "SecurityGroup", "securityGroupSet"),
  structs("TagSpecifications", "TagSpecification", "tagSpecificationSet", [
    str("ResourceType"),
    structs("Tags", "Tag", "tagSet", [str("Key"), str("Value")]),
  ]),
  structs("BlockDeviceMappings", "BlockDeviceMapping", "blockDeviceMappingSet", [
    str("DeviceName"),
    str("VirtualName"),
    str("NoDevice"),
    struct("Ebs", [
      bool("Encrypted"),
      bool("DeleteOnTermination"),
      int("Iops"),
      str("KmsKeyId"),
      str("SnapshotId"),
      int("VolumeSize"),
      str("VolumeType"),
      int("Throughput"),
    ]),
  ]),
  structs("NetworkInterfaces", "NetworkInterface", "networkInterfaceSet", [
    bool("AssociatePublicIpAddress"),
    bool("DeleteOnTermination"),
    str("Description"),
    int("DeviceIndex"),
    strings("Groups", "SecurityGroupId", "groupSet"),
    str("InterfaceType"),
    str("NetworkInterfaceId"),
    str("PrivateIpAddress"),
    str("SubnetId"),
  ]),
  struct("MetadataOptions", [
    str("HttpTokens"),
    int("HttpPutResponseHopLimit"),
    str("HttpEndpoint"),
    str("HttpProtocolIpv6"),
    str("InstanceMetadataTags"),
  ]),
  struct("Monitoring", [bool("Enabled")]),
  struct("Placement", [str("AvailabilityZone"), str("GroupName"), str("Tenancy")]),
  struct("CreditSpecification", [str("CpuCredits")]),
  struct("CpuOptions", [int("CoreCount"), int("ThreadsPerCore")]),
  struct("HibernationOptions", [bool("Configured")]),
  struct("EnclaveOptions", [bool("Enabled")]),
  struct("MaintenanceOptions", [str("AutoRecovery")]),
  struct("PrivateDnsNameOptions", [
    str("HostnameType"),
    bool("EnableResourceNameDnsARecord"),
    bool("EnableResourceNameDnsAAAARecord"),
  ]),
  struct("CapacityReservationSpecification", [str("CapacityReservationPreference")]),
  struct("InstanceMarketOptions", [
    str("MarketType"),
    struct("SpotOptions", [
      str("MaxPrice"),
      str("SpotInstanceType"),
      int("BlockDurationMinutes"),
      str("InstanceInterruptionBehavior"),
    ]),
  ]),
  structs("LicenseSpecifications", "LicenseSpecification", "licenseSet", [str("LicenseConfigurationArn")]),
];

const queryName = (f: Field) => f.query ?? f.name;
const xmlName = (f: Field) => f.xml ?? f.name.charAt(0).toLowerCase() + f.name.slice(1);

/**
 * Launch template data from Query parameters. `strict` refuses members the table does not
 * know; RunInstances reads its launch parameters (a superset) with `strict: false`.
 */
export function readLaunchTemplateData(params: QueryParams, options: { strict: boolean }): LaunchTemplateData {
  return readFields(params, FIELDS, options.strict, "LaunchTemplateData");
}

function readFields(params: QueryParams, fields: Field[], strict: boolean, path: string): Record<string, unknown> {
  if (strict) {
    const known = new Set(fields.map(queryName));
    for (const [key] of params.entries()) {
      const member = key.split(".")[0] as string;
      if (!known.has(member)) {
        throw new AwsError(
          "UnknownParameter",
          `The simulator does not model ${path}.${member}; add it to launch-template-data.ts.`,
        );
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = readShape(params, queryName(field), field.shape, strict, `${path}.${field.name}`);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

function readShape(params: QueryParams, key: string, shape: Shape, strict: boolean, path: string): unknown {
  if (shape === "string") return params.str(key);
  if (shape === "integer") return params.int(key);
  if (shape === "boolean") return params.bool(key);
  if ("struct" in shape) {
    const sub = params.struct(key);
    return sub && readFields(sub, shape.struct, strict, path);
  }
  const item = shape.list;
  const values =
    item === "string"
      ? params.strings(key)
      : params.structs(key).map((sub) => readFields(sub, item.struct, strict, path));
  return values.length > 0 ? values : undefined;
}

/** The data as `ResponseLaunchTemplateData` XML elements. */
export function launchTemplateDataXml(data: LaunchTemplateData): Record<string, unknown> {
  return writeFields(data, FIELDS);
}

function writeFields(data: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = data[field.name];
    if (value !== undefined) out[xmlName(field)] = writeShape(value, field.shape);
  }
  return out;
}

function writeShape(value: unknown, shape: Shape): unknown {
  if (typeof shape === "string") return value;
  if ("struct" in shape) return writeFields(value as Record<string, unknown>, shape.struct);
  const item = shape.list;
  return (value as unknown[]).map((v) =>
    item === "string" ? v : writeFields(v as Record<string, unknown>, item.struct),
  );
}

/**
 * Checks hand-written data (a world file) against the table: known members, right types.
 * Throws an Error naming the path of the first problem.
 */
export function checkLaunchTemplateData(data: unknown, path: string): LaunchTemplateData {
  checkFields(data, FIELDS, path);
  return data as LaunchTemplateData;
}

function checkFields(value: unknown, fields: Field[], path: string): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${path} must be an object`);
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [key, member] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) {
      throw new Error(
        `${path}.${key} is not a launch template data member the simulator models (${[...byName.keys()].join(", ")})`,
      );
    }
    checkShape(member, field.shape, `${path}.${key}`);
  }
}

function checkShape(value: unknown, shape: Shape, path: string): void {
  if (shape === "string" || shape === "boolean") {
    const type = shape === "string" ? "string" : "boolean";
    if (typeof value !== type) throw new Error(`${path} must be a ${type}`);
    return;
  }
  if (shape === "integer") {
    if (!Number.isInteger(value)) throw new Error(`${path} must be an integer`);
    return;
  }
  if ("struct" in shape) {
    checkFields(value, shape.struct, path);
    return;
  }
  if (!Array.isArray(value)) throw new Error(`${path} must be a list`);
  const item = shape.list;
  value.forEach((v, i) => {
    checkShape(v, item === "string" ? "string" : item, `${path}[${i}]`);
  });
}
