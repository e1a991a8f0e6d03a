import { DeployError } from "./errors.ts";

/** Why a step stopped early; the reason of the signal from `cancellationSignal()`. */
export class CancelledError extends DeployError {
  constructor(signal: string) {
    super({
      what: "The step was cancelled.",
      why: `The runner sent ${signal}.`,
      fix: "Nothing to fix if the run was cancelled on purpose; the post step cleans up what this step started. Otherwise, check the job's timeout-minutes.",
      code: "Cancelled",
    });
    this.name = "CancelledError";
  }
}

/** True for a cancellation, ours or an `AbortError` from code that was handed our signal. */
export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === "AbortError");
}

/** The part of `process` that delivers signals; tests pass an EventEmitter. */
export interface SignalSource {
  on(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  off(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
const installed = new WeakMap<SignalSource, AbortSignal>();

/**
 * A signal that aborts with a CancelledError when the runner cancels the step: it sends
 * SIGINT, then SIGTERM 7.5 s later, then kills. One signal per process, however often
 * this is called. Signal listeners do not keep Node alive. After the first signal the
 * listeners are removed, so the next one ends the process as it normally would instead
 * of being swallowed by a step that did not stop in time.
 */
export function cancellationSignal(source: SignalSource = process): AbortSignal {
  const existing = installed.get(source);
  if (existing) return existing;
  const controller = new AbortController();
  const listeners = SIGNALS.map((signal) => {
    const listener = () => {
      for (const [name, fn] of listeners) source.off(name, fn);
      controller.abort(new CancelledError(signal));
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  installed.set(source, controller.signal);
  return controller.signal;
}
