/**
 * What `packages/aws`, `packages/release` and `packages/mock-data` log through. The
 * actions pass one backed by `@actions/core`; tests and the demo pass their own. Keeping
 * it an interface keeps `@actions/*` out of everything but `packages/core` and actions.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /**
   * Logs text that came from outside the suite (a recipe's output), so that the runner
   * shows it as it is and does not act on lines in it that look like workflow commands.
   */
  verbatim(text: string): void;
  /** Runs `fn` inside a collapsible group of the log. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A logger that remembers lines, for tests and for quiet library use. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    verbatim: (text) => lines.push(text),
    async group(title, fn) {
      lines.push(`group: ${title}`);
      try {
        return await fn();
      } finally {
        lines.push("endgroup");
      }
    },
  };
}
