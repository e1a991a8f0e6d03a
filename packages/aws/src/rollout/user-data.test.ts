// biome-ignore-all lint/suspicious/noTemplateCurlyInString: user data is shell, and ${...} in it is the shell's (or a GitHub expression)
import { DeployError } from "@deploy/core";
import { describe, expect, it } from "vitest";
import { renderUserData, USER_DATA_MAX_BYTES } from "./user-data.ts";

function refusal(template: string, vars: Record<string, string>): DeployError {
  try {
    renderUserData(template, vars);
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error("expected renderUserData to refuse");
}

describe("renderUserData", () => {
  it("replaces every {{NAME}}, with or without spaces, and leaves the rest alone", () => {
    const template = "#!/bin/sh\nexport ENV={{ENV}} URL={{ URL }}\necho ${HOME} {{ENV}}\n";
    expect(renderUserData(template, { ENV: "stage", URL: "https://stage.example", UNUSED: "x" })).toBe(
      "#!/bin/sh\nexport ENV=stage URL=https://stage.example\necho ${HOME} stage\n",
    );
  });

  it("renders in one pass: a value that looks like a placeholder stays as it is", () => {
    expect(renderUserData("{{A}}", { A: "{{B}}", B: "b" })).toBe("{{B}}");
  });

  it("refuses a placeholder vars does not set, naming it and what vars sets", () => {
    const error = refusal("echo {{REGION}} {{ENV}}", { ENV: "stage" });
    expect(error.what).toBe("The user-data template uses {{REGION}}, which vars does not set.");
    expect(error.why).toBe("vars sets ENV.");
    expect(error.fix).toBe("Add a line REGION=<value> to vars, or remove {{REGION}} from the template.");
    expect(error.input).toBe("vars");
    expect(refusal("{{constructor}}", {}).what).toContain("{{constructor}}");
  });

  it("refuses variables named like secrets, saying where secrets go instead", () => {
    for (const name of ["DB_PASSWORD", "apiKey", "GITHUB_TOKEN", "client-secret", "KEY", "Passwd"]) {
      const error = refusal("x", { [name]: "v" });
      expect(error.what).toBe(`The user-data variable ${name} looks like a secret.`);
      expect(error.fix).toMatch(/SSM Parameter Store as a SecureString/);
    }
    expect(
      renderUserData("{{MONKEY}} {{KEYBOARD}} {{TOKENIZER}}", { MONKEY: "a", KEYBOARD: "b", TOKENIZER: "c" }),
    ).toBe("a b c");
  });

  it("refuses GitHub expressions, which nothing evaluates in a file", () => {
    const error = refusal("echo ${{ vars.ENV }}\n", {});
    expect(error.why).toBe('Found "${{ vars.ENV }}"; GitHub does not evaluate expressions in files.');
    expect(error.input).toBe("user-data");
  });

  it("refuses rendered user data over AWS's 16 KB", () => {
    expect(renderUserData("{{A}}", { A: "x".repeat(USER_DATA_MAX_BYTES) })).toHaveLength(USER_DATA_MAX_BYTES);
    const error = refusal("{{A}}é", { A: "x".repeat(USER_DATA_MAX_BYTES - 1) });
    expect(error.why).toBe(`It is ${USER_DATA_MAX_BYTES + 1} bytes; AWS accepts at most ${USER_DATA_MAX_BYTES}.`);
  });
});
