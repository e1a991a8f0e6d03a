// What the runner shows of a step's output: workflow commands rendered as `##[...]`
// lines, `::add-mask::` lines removed, and every registered secret replaced by `***`
// from the moment it was registered on.
import { escapeData, escapeProperty, type LogLine } from "./commands.ts";

/** Forms of a secret the runner also masks (its value encoders), besides the value itself. */
function maskForms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

export class SecretMasker {
  #forms: string[] = [];
  readonly values: string[] = [];

  add(secret: string): void {
    if (secret.trim() === "" || this.values.includes(secret)) return;
    this.values.push(secret);
    this.#forms = [...new Set([...this.#forms, ...maskForms(secret)])].sort((a, b) => b.length - a.length);
  }

  mask(line: string): string {
    let masked = line;
    for (const form of this.#forms) masked = masked.replaceAll(form, "***");
    return masked;
  }
}

interface RenderableStep {
  step: string;
  log: LogLine[];
}

/**
 * Renders steps' logs as the runner displays them. `debug` shows `::debug::` lines
 * (step debug logging); `initialSecrets` are masked from the start, as the runner
 * does for the job's secrets and `github.token`; masks added by a step apply to the
 * steps after it. `only` renders one step (masks of the earlier steps still apply).
 */
export function renderLog(steps: RenderableStep[], initialSecrets: string[], debug: boolean, only?: string): string {
  const masker = new SecretMasker();
  for (const secret of initialSecrets) masker.add(secret);
  const out: string[] = [];
  let shown = true;
  const emit = (text: string) => {
    if (!shown) return;
    for (const line of text.split("\n")) out.push(masker.mask(line));
  };
  for (const step of steps) {
    shown = only === undefined || step.step === only;
    for (const line of step.log) {
      const command = line.command;
      if (!command) {
        emit(line.text);
        continue;
      }
      switch (command.name) {
        case "add-mask":
          masker.add(command.message);
          if (debug) emit("::add-mask::***");
          break;
        case "group":
          emit(`##[group]${command.message}`);
          break;
        case "endgroup":
          emit("##[endgroup]");
          break;
        case "error":
        case "warning":
        case "notice":
          emit(`##[${command.name}]${command.message}`);
          break;
        case "debug":
          if (debug) emit(`##[debug]${command.message}`);
          break;
        case "stop-commands":
          emit(line.text);
          break;
        default:
          // Other processed commands are echoed only with step debug logging on.
          if (debug) emit(line.text);
      }
    }
  }
  return out.join("\n");
}

export interface LeakCheckable {
  main: StepLike;
  post: StepLike | undefined;
}

interface StepLike {
  step: string;
  log: LogLine[];
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Throws when `secret` can be seen: in a line of a step's stdout or stderr as the runner
 * shows it (so before the step registered it with `::add-mask::`, or if it never did),
 * or anywhere in an output or a step summary, in clear or in the escaped forms
 * `@actions/core` writes. Unless `requireMask` is false, also throws when no step
 * registered the secret itself with `::add-mask::` (setSecret), as the suite's contract
 * requires. Values passed as `secrets` to runAction do not count as masked here.
 */
export function assertSecretNotLeaked(
  run: LeakCheckable,
  secret: string,
  { requireMask = true }: { requireMask?: boolean } = {},
): void {
  if (secret === "") throw new Error("assertSecretNotLeaked: the secret is empty");
  const forms = [...new Set([...maskForms(secret), escapeData(secret), escapeProperty(secret)])];
  const contains = (text: string) => forms.some((form) => text.includes(form));
  const leaks: string[] = [];
  const masker = new SecretMasker();
  for (const step of [run.main, run.post]) {
    if (!step) continue;
    for (const line of step.log) {
      if (line.command?.name === "add-mask") {
        masker.add(line.command.message);
        continue;
      }
      if (contains(masker.mask(line.text))) leaks.push(`${step.step} ${line.stream}: ${JSON.stringify(line.text)}`);
    }
    for (const [name, value] of Object.entries(step.outputs)) {
      if (contains(value)) leaks.push(`${step.step} output '${name}'`);
    }
    if (contains(step.summary)) leaks.push(`${step.step} step summary`);
  }
  if (requireMask && !masker.values.includes(secret)) {
    leaks.push("no ::add-mask:: for it (setSecret was not called)");
  }
  if (leaks.length > 0) {
    throw new Error(`secret leaked (${secret.length} chars):\n  ${leaks.join("\n  ")}`);
  }
}
