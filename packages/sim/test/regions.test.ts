import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { AWS_REGIONS } from "../src/regions.ts";
import { World } from "../src/world.ts";
import { checkWorldFile } from "../src/world-file.ts";
import { useTestSim } from "./support.ts";

/** botocore's endpoints.json, from the Python install found at runtime; undefined without Python or botocore. */
function botocoreEndpoints(): string | undefined {
  try {
    const dir = execFileSync("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const file = join(dir, "data", "endpoints.json");
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

const endpoints = botocoreEndpoints();
const t = useTestSim();

describe("the simulator's regions", () => {
  it.skipIf(endpoints === undefined)(
    "are the aws partition's regions in botocore's endpoints.json (skipped: no python3 with botocore here)",
    () => {
      const file = JSON.parse(readFileSync(endpoints as string, "utf8")) as {
        partitions: { partition: string; regions: Record<string, unknown> }[];
      };
      const aws = file.partitions.find((p) => p.partition === "aws");
      expect([...AWS_REGIONS]).toEqual(Object.keys(aws?.regions ?? {}).sort());
    },
  );

  it("world.region and the world file refuse a name that is not one", () => {
    const world = new World();
    expect(() => world.region("us-east-9")).toThrow(/^region us-east-9 is not a region of the aws partition \(/);
    expect(() => world.region("cn-north-1")).toThrow(/not a region of the aws partition/);
    expect(world.region("ap-southeast-7").name).toBe("ap-southeast-7");
    expect(() => checkWorldFile({ regions: { "us-east-9": {} } })).toThrow(
      /^world file: regions\.us-east-9 is not a region of the aws partition \(the 34 of botocore's endpoints\.json: af-south-1, /,
    );
  });

  it("does not answer a request signed for a region that does not exist, as AWS has no endpoint for it", async () => {
    const ec2 = new EC2Client({ ...t.clientConfig("us-east-9") });
    try {
      const error = await ec2.send(new DescribeInstancesCommand({})).then(
        () => undefined,
        (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
      );
      expect(error).toBeInstanceOf(Error);
      // A network error, no HTTP answer: no status code, no AWS error code.
      expect(error?.$metadata?.httpStatusCode).toBeUndefined();
      expect(error?.name).not.toMatch(/^Invalid|Unrecognized|AuthFailure/);
      expect(t.world.calls.counts()).toEqual({});
      expect(t.world.regions().map((r) => r.name)).not.toContain("us-east-9");
    } finally {
      ec2.destroy();
    }
  });
});
