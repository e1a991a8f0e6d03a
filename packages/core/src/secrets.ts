import * as core from "@actions/core";

// Every value masked in this process, longest first so that a secret containing another
// is replaced whole. The runner keeps its own list; this one lets the suite redact what it
// writes where the runner does not look (summaries) and refuse secrets in outputs.
const secrets: string[] = [];

/**
 * Masks `value` in the log from now on. A multi-line value is masked line by line too,
 * because the runner matches masks against single log lines.
 */
export function setSecret(value: string): void {
  const parts = [value, ...value.split(/\r?\n/)].map((part) => part.trim()).filter((part) => part !== "");
  for (const part of new Set(parts)) {
    if (secrets.includes(part)) continue;
    core.setSecret(part);
    secrets.push(part);
  }
  secrets.sort((a, b) => b.length - a.length);
}

/** Masks every value that is set; call it before logging anything derived from them. */
export function maskSecrets(values: Iterable<string | undefined>): void {
  for (const value of values) if (value) setSecret(value);
}

/** `text` with every masked value replaced by `***`, as the runner shows it. */
export function redact(text: string): string {
  return secrets.reduce((result, secret) => result.replaceAll(secret, "***"), text);
}

const SECRET_WORDS = new Set(["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY"]);

/**
 * A variable name with a word like PASSWORD, SECRET, TOKEN or KEY in it (`DB_PASSWORD`,
 * `apiKey`, `client-secret`), for refusing secrets where values are not kept secret: user
 * data, an AMI's recipe environment.
 */
export function looksLikeSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}
