import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import { DeployError } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { bake } from "../src/bake/bake.ts";
import { createImage, type NewImage } from "../src/bake/image.ts";
import { resourceTags, runTagValue, TAG } from "../src/tags.ts";
import { BASE_AMI, bakeContext, bakeRequest, bakeWith, bakeWorld, holdings, RECIPE, recipeFile } from "./bake-sim.ts";
import { REGION, RUN, useRolloutSim } from "./rollout-sim.ts";

describe("a fresh bake", () => {
  const t = useRolloutSim(bakeWorld);

  it("runs the recipe on a locked-down builder, images it with tags, and terminates it", async () => {
    const { result, ctx } = await bakeWith(t, bakeRequest());

    expect(result.reused).toBe(false);
    expect(result.bakeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.base.imageId).toBe(BASE_AMI);
    expect(Object.keys(result.amis)).toEqual([REGION]);
    expect(result.phases.map((p) => p.phase)).toEqual(["resolving", "launching", "configuring", "imaging"]);
    expect(ctx.phases).toEqual(["resolving", "launching", "configuring", "imaging"]);
    expect(result.recipe?.files?.map((f) => [f.path, f.status, f.exitCode])).toEqual([
      ["recipe/10-install.sh", "Success", 0],
      ["recipe/20-check.sh", "Success", 0],
    ]);
    // The second file read what the first wrote, with the recipe env (quotes and all).
    expect(result.recipe?.outputTail).toBe("marker says: it's baked");

    const { instances, images, snapshots } = holdings(t);
    const [builder] = instances;
    expect(instances).toHaveLength(1);
    expect(builder?.metadataHttpTokens).toBe("required");
    expect(builder?.shutdownBehavior).toBe("terminate");
    expect(Buffer.from(builder?.userData ?? "", "base64").toString()).toMatch(/^shutdown -h \+75 /m);
    expect(builder?.iamInstanceProfile).toBe("arn:aws:iam::123456789012:instance-profile/bake-builder");
    expect(builder?.tagMap).toMatchObject({
      [TAG.run]: runTagValue(RUN),
      [TAG.role]: "builder",
      [TAG.bakeKey]: result.bakeKey,
      team: "web",
    });
    expect(["shutting-down", "terminated"]).toContain(builder?.state);

    const [image] = images;
    expect(images).toHaveLength(1);
    expect(image?.id).toBe(result.amis[REGION]);
    expect(image?.state).toBe("available");
    expect(image?.name).toBe(`shop-${RUN.commit.slice(0, 7)}-${result.bakeKey.slice(7, 19)}`);
    const expectedTags = {
      [TAG.managedBy]: "deploy",
      [TAG.release]: RUN.commit,
      [TAG.run]: runTagValue(RUN),
      [TAG.role]: "image",
      [TAG.bakeKey]: result.bakeKey,
      team: "web",
    };
    expect(image?.tagMap).toEqual(expectedTags);
    const imageSnapshots = snapshots.filter((s) => image?.snapshotIds.includes(s.id));
    expect(imageSnapshots).toHaveLength(1);
    expect(imageSnapshots[0]?.tagMap).toEqual(expectedTags);

    expect(ctx.created).toEqual([
      { kind: "instance", region: REGION, instanceId: builder?.id },
      { kind: "image", region: REGION, imageId: image?.id },
    ]);
    // Each file's output is in a group of its own.
    const lines = ctx.logger.lines;
    const group = lines.indexOf("group: Recipe 2/2: recipe/20-check.sh");
    expect(group).toBeGreaterThan(lines.indexOf("group: Recipe 1/2: recipe/10-install.sh"));
    expect(lines.slice(group, lines.indexOf("endgroup", group))).toContain("marker says: it's baked");
  });

  it("reuses the AMI of the same bake key without launching anything or changing anything", async () => {
    const first = await bakeWith(t, bakeRequest());
    t.sim.world.calls.reset();

    const again = await bakeWith(t, bakeRequest());

    expect(again.result.reused).toBe(true);
    expect(again.result.bakeKey).toBe(first.result.bakeKey);
    expect(again.result.amis).toEqual(first.result.amis);
    expect(again.result.recipe).toBeUndefined();
    expect(again.result.phases.map((p) => p.phase)).toEqual(["resolving"]);
    expect(t.sim.world.calls.mutating()).toEqual([]);
    expect(again.ctx.created).toEqual([]);
  });

  it("bakes a new AMI when a recipe file changes", async () => {
    const first = await bakeWith(t, bakeRequest());
    const changed = [RECIPE[0], recipeFile("recipe/20-check.sh", 'echo "checked: $(cat "$HOME/marker")"\n')];

    const second = await bakeWith(t, bakeRequest({ recipe: changed.filter((f) => f !== undefined) }));

    expect(second.result.reused).toBe(false);
    expect(second.result.bakeKey).not.toBe(first.result.bakeKey);
    expect(second.result.amis[REGION]).not.toBe(first.result.amis[REGION]);
    expect(t.sim.world.calls.count("ec2:RunInstances")).toBe(2);
  });

  it("bakes again under force-rebake, and refuses a name that the old AMI already has", async () => {
    await bakeWith(t, bakeRequest());

    const forced = bake(bakeContext(t), bakeRequest({ forceRebake: true }));

    await expect(forced).rejects.toMatchObject({ code: "AmiNameTaken", input: "ami-name" });
    expect(t.sim.world.calls.count("ec2:RunInstances")).toBe(2);
    expect(holdings(t).liveBuilders).toEqual([]);
    const rebaked = await bakeWith(
      t,
      bakeRequest({ forceRebake: true, amiNameTemplate: "shop-{{date}}-{{bake-key}}" }),
    );
    expect(rebaked.result.reused).toBe(false);
    expect(holdings(t).images.filter((i) => i.state === "available")).toHaveLength(2);
  });

  it("fails a recipe file with its output's tail, runs no file after it, and leaves nothing behind", async () => {
    const failing = recipeFile("recipe/20-fail.sh", 'for i in $(seq 1 40); do echo "line $i"; done\nexit 3\n');
    const never = recipeFile("recipe/30-never.sh", "touch $HOME/never\n");

    const error = await bake(
      bakeContext(t),
      bakeRequest({ recipe: [RECIPE[0], failing, never].flatMap((f) => f ?? []) }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DeployError);
    const failure = error as DeployError;
    expect(failure.code).toBe("RecipeFailed");
    expect(failure.what).toContain("recipe/20-fail.sh failed with exit code 3");
    expect(failure.what).toContain("recipe/30-never.sh did not run");
    expect(failure.why).toContain("line 11\n");
    expect(failure.why).toMatch(/line 40$/);
    expect(failure.why).not.toContain("line 10\n");
    expect(t.sim.world.calls.count("ssm:SendCommand")).toBe(2);
    expect(holdings(t).liveBuilders).toEqual([]);
    expect(holdings(t).images).toEqual([]);
    expect(t.sim.world.calls.count("ec2:CreateImage")).toBe(0);
  });
});

describe("a bake with a root volume smaller than the base AMI's snapshot", () => {
  const t = useRolloutSim(bakeWorld);

  it("is refused before a builder is launched, naming root-volume-size and the snapshot's size", async () => {
    const error = await bake(bakeContext(t), bakeRequest({ rootVolumeSizeGiB: 4 })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      what: `root-volume-size 4 GiB is smaller than the base AMI ${BASE_AMI}'s root snapshot (8 GiB).`,
      input: "root-volume-size",
      code: "RootVolumeTooSmall",
    });
    expect(t.sim.world.calls.count("ec2:RunInstances")).toBe(0);
    expect(holdings(t).instances).toEqual([]);
  });

  it("takes a size equal to the snapshot's", async () => {
    const { result } = await bakeWith(t, bakeRequest({ rootVolumeSizeGiB: 8 }));
    expect(result.reused).toBe(false);
  });
});

describe("a bake from a base AMI the builder's instance type cannot run", () => {
  const ARM_BASE = "ami-0000000000000a4e6";
  const t = useRolloutSim(() =>
    bakeWorld({
      regions: {
        [REGION]: {
          images: [{ id: ARM_BASE, name: "al2023-base-arm64", ownerId: "amazon", public: true, architecture: "arm64" }],
        },
      },
    }),
  );

  it("is refused before a builder is launched, naming instance-type", async () => {
    const error = await bake(bakeContext(t), bakeRequest({ base: { kind: "id", imageId: ARM_BASE } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({
      what: `AMI ${ARM_BASE} is arm64, and t3.small (the builder's instance type) runs x86_64.`,
      input: "instance-type",
      code: "ArchitectureMismatch",
    });
    expect(t.sim.world.calls.count("ec2:RunInstances")).toBe(0);
    expect(holdings(t).instances).toEqual([]);
  });
});

describe("a bake with copies and shares", () => {
  const t = useRolloutSim(bakeWorld);
  const copies = { copyToRegions: ["us-east-1", "eu-central-1"], shareWithAccounts: ["111111111111"] };

  it("distributes the AMI it baked, and the same bake again changes nothing anywhere", async () => {
    const { result } = await bakeWith(t, bakeRequest(copies));

    expect(Object.keys(result.amis)).toEqual([REGION, "us-east-1", "eu-central-1"]);
    expect(result.sharedWith).toEqual(["111111111111"]);
    expect(result.phases.map((p) => p.phase)).toEqual([
      "resolving",
      "launching",
      "configuring",
      "imaging",
      "copying",
      "sharing",
    ]);
    for (const region of copies.copyToRegions) {
      const [copy] = holdings(t, region).images;
      expect([copy?.id, copy?.state, copy?.tagMap[TAG.bakeKey]]).toEqual([
        result.amis[region],
        "available",
        result.bakeKey,
      ]);
    }
    t.sim.world.calls.reset();

    const again = await bakeWith(t, bakeRequest(copies));

    expect(again.result).toMatchObject({ reused: true, amis: result.amis, sharedWith: ["111111111111"] });
    expect(t.sim.world.calls.mutating()).toEqual([]);
  });
});

describe("createImage when the name is taken", () => {
  const t = useRolloutSim(bakeWorld);
  const KEY = `sha256:${"a".repeat(64)}`;

  async function imageable(): Promise<NewImage> {
    const answer = await t
      .clients(REGION)
      .ec2.send(new RunInstancesCommand({ ImageId: BASE_AMI, InstanceType: "t3.small", MinCount: 1, MaxCount: 1 }));
    await t.sim.world.clock.sleep(60_000);
    const instanceId = answer.Instances?.[0]?.InstanceId as string;
    const tags = resourceTags(RUN, { role: "image", bakeKey: KEY });
    return { instanceId, name: "shop-taken", description: "test", bakeKey: KEY, tags, adoptSameKey: true };
  }

  it("takes the image of the same bake key that has the name: an earlier attempt's", async () => {
    const image = await imageable();
    const first = await createImage(t.clients(REGION), image);

    expect(await createImage(t.clients(REGION), image)).toEqual({ imageId: first.imageId, adopted: true });
    expect(holdings(t).images).toHaveLength(1);
  });

  it("refuses it under force-rebake, or when the image there has other content", async () => {
    const image = await imageable();
    await createImage(t.clients(REGION), image);

    const forced = createImage(t.clients(REGION), { ...image, adoptSameKey: false });
    await expect(forced).rejects.toMatchObject({ code: "AmiNameTaken", input: "ami-name" });
    await expect(forced).rejects.toThrow(/same inputs, but force-rebake asks for a new AMI/);
    const other = createImage(t.clients(REGION), { ...image, bakeKey: `sha256:${"b".repeat(64)}` });
    await expect(other).rejects.toThrow(`baked from other inputs (bake key ${KEY})`);
    expect(holdings(t).images).toHaveLength(1);
  });
});
