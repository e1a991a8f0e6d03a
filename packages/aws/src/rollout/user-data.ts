import { DeployError, looksLikeSecretName } from "@deploy/core";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** AWS's limit on user data, before base64. */
export const USER_DATA_MAX_BYTES = 16_384;

/**
 * Renders a user-data template: each `{{NAME}}` becomes the value of NAME, in one pass (a
 * value containing `{{X}}` stays as it is). Every environment uses the same template and
 * differs only in its vars, which are not secrets: user data is readable by anyone who can
 * describe the instance, so instances read their secrets from SSM Parameter Store at boot.
 */
export function renderUserData(template: string, vars: Record<string, string>): string {
  for (const name of Object.keys(vars)) {
    if (looksLikeSecretName(name)) {
      throw new DeployError({
        what: `The user-data variable ${name} looks like a secret.`,
        why: "User data is not secret: anyone who can describe the instance or its launch template can read it.",
        fix: `Store the value in SSM Parameter Store as a SecureString under the environment's path and have the instance read it at boot; pass only its parameter name here (e.g. ${name}_PARAMETER).`,
        input: "vars",
        code: "SecretInUserData",
      });
    }
  }
  const expression = template.indexOf("${{");
  if (expression >= 0) {
    throw new DeployError({
      what: "The user-data template contains a GitHub expression.",
      why: `Found "${template.slice(expression, expression + 40).split("\n")[0]}"; GitHub does not evaluate expressions in files.`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the GitHub expression a workflow writes
      fix: "Write {{NAME}} in the template and pass NAME in vars, e.g. NAME=${{ vars.NAME }}.",
      input: "user-data",
      code: "ExpressionInUserData",
    });
  }
  const rendered = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      throw new DeployError({
        what: `The user-data template uses {{${name}}}, which vars does not set.`,
        why: `vars sets ${Object.keys(vars).join(", ") || "nothing"}.`,
        fix: `Add a line ${name}=<value> to vars, or remove {{${name}}} from the template.`,
        input: "vars",
        code: "UnknownUserDataVariable",
      });
    }
    return value;
  });
  const bytes = Buffer.byteLength(rendered, "utf8");
  if (bytes > USER_DATA_MAX_BYTES) {
    throw new DeployError({
      what: "The rendered user data is too long.",
      why: `It is ${bytes} bytes; AWS accepts at most ${USER_DATA_MAX_BYTES}.`,
      fix: "Keep user data to bootstrapping: put the rest into the AMI (bake-ami's recipes) or fetch it at boot.",
      input: "user-data",
      code: "UserDataTooLong",
    });
  }
  return rendered;
}
