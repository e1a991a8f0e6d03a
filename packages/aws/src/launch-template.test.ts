import { describe, expect, it } from "vitest";
import { type TemplateVersion, templateChanges } from "./launch-template.ts";

const current: TemplateVersion = {
  templateId: "lt-1",
  templateName: "web",
  versionNumber: "3",
  description: undefined,
  imageId: "ami-0000000000000a001",
  userData: Buffer.from("#!/bin/sh\necho DB_HOST=db.internal\n").toString("base64"),
  instanceType: "t3.micro",
};

describe("templateChanges", () => {
  it("lists the image and a digest of changed user data, never the user data itself", () => {
    const changes = templateChanges(current, { imageId: "ami-0000000000000b002", userData: "#!/bin/sh\necho new\n" });
    expect(changes[0]).toEqual({ field: "ImageId", from: "ami-0000000000000a001", to: "ami-0000000000000b002" });
    expect(changes[1]).toMatchObject({ field: "UserData" });
    expect(changes[1]?.from).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(changes[1]?.from).not.toBe(changes[1]?.to);
    expect(JSON.stringify(changes)).not.toMatch(/echo|DB_HOST/);
  });

  it("lists nothing the new version keeps", () => {
    expect(templateChanges(current, { imageId: "ami-0000000000000a001" })).toEqual([]);
    const same = Buffer.from(current.userData as string, "base64").toString();
    expect(templateChanges(current, { imageId: "ami-0000000000000a001", userData: same })).toEqual([]);
  });

  it("shows user data added to a version that had none", () => {
    const changes = templateChanges(
      { ...current, userData: undefined },
      { imageId: "ami-0000000000000a001", userData: "x" },
    );
    expect(changes).toEqual([{ field: "UserData", from: undefined, to: expect.stringMatching(/^sha256:/) }]);
  });
});
