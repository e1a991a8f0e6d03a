// Parsing of what a step writes, following actions/runner: workflow commands on
// stdout/stderr (ActionCommand.TryParseV2, ActionCommandManager) and the file commands
// behind GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV and GITHUB_PATH (FileCommandManager).

export interface WorkflowCommand {
  /** Command name, lower-case: `error`, `add-mask`, `group`, ... */
  name: string;
  /** Properties (`file=`, `line=`, `title=`, `name=`), unescaped. */
  properties: Record<string, string>;
  /** The data after the second `::`, unescaped. */
  message: string;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  /** The line exactly as the action wrote it. */
  text: string;
  /** Set when the runner would process this line as a workflow command. */
  command?: WorkflowCommand;
  /** Title of the `::group::` this line is in, if any. */
  group?: string;
  /** Milliseconds since the step started. */
  atMs: number;
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

// Registered in the runner; any other `::name::` line is plain output.
const KNOWN = new Set([
  "add-mask",
  "add-matcher",
  "remove-matcher",
  "debug",
  "warning",
  "error",
  "notice",
  "group",
  "endgroup",
  "echo",
  "save-state",
  "set-output",
  "set-env",
  "add-path",
]);

// Same order as the runner's unescape tables: `%25` is decoded last.
function unescapeData(s: string): string {
  return s.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

function unescapeProperty(s: string): string {
  return s
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");
}

/** How `@actions/core` escapes command data; useful to look for a value in raw output. */
export function escapeData(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** How `@actions/core` escapes command properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** Parses one `::name k=v,k=v::data` line, as the runner does; undefined when it is not one. */
export function parseCommand(line: string, extra: ReadonlySet<string> = new Set()): WorkflowCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith("::")) return undefined;
  const end = message.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(" ");
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!KNOWN.has(name) && name !== "stop-commands" && !extra.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(",")) {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) continue;
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, message: unescapeData(message.slice(end + 2)) };
}

/**
 * Processes a step's output lines in order, tracking what is stateful in the runner:
 * `::stop-commands::<token>` (commands are plain text until `::<token>::`) and groups.
 */
export class CommandProcessor {
  #stopToken: string | undefined;
  #group: string | undefined;

  line(stream: LogLine["stream"], text: string, atMs: number): LogLine {
    const extra = this.#stopToken === undefined ? new Set<string>() : new Set([this.#stopToken.toLowerCase()]);
    const command = parseCommand(text, extra);
    const entry: LogLine = { stream, text, atMs };
    if (this.#stopToken !== undefined) {
      // While stopped, only the resume token is a command.
      if (command && command.name === this.#stopToken.toLowerCase()) this.#stopToken = undefined;
    } else if (command) {
      entry.command = command;
      if (command.name === "stop-commands") this.#stopToken = command.message;
      if (command.name === "group") this.#group = command.message;
    }
    if (this.#group !== undefined) entry.group = this.#group;
    if (entry.command?.name === "endgroup") this.#group = undefined;
    return entry;
  }
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? undefined : n;
}

export function annotationOf(command: WorkflowCommand): Annotation | undefined {
  if (command.name !== "error" && command.name !== "warning" && command.name !== "notice") return undefined;
  const p = Object.fromEntries(Object.entries(command.properties).map(([k, v]) => [k.toLowerCase(), v]));
  const annotation: Annotation = { level: command.name, message: command.message };
  if (p.title !== undefined) annotation.title = p.title;
  if (p.file !== undefined) annotation.file = p.file;
  const numbers = { line: p.line, endLine: p.endline, col: p.col, endColumn: p.endcolumn };
  for (const [key, value] of Object.entries(numbers)) {
    const n = optionalNumber(value);
    if (n !== undefined) annotation[key as "line" | "endLine" | "col" | "endColumn"] = n;
  }
  return annotation;
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `NAME=value` lines and
 * `NAME<<DELIMITER` heredocs. Throws, like the runner, on a malformed file.
 */
export function parseKeyValueFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === "") throw new Error(`invalid line '${line}': the name must not be empty`);
      values[name] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === "" || delimiter === "") {
        throw new Error(`invalid line '${line}': the name and the delimiter must not be empty`);
      }
      const value: string[] = [];
      for (i++; ; i++) {
        if (i >= lines.length || (i === lines.length - 1 && lines[i] === "")) {
          throw new Error(`matching delimiter not found '${delimiter}'`);
        }
        if (lines[i] === delimiter) break;
        value.push(lines[i] ?? "");
      }
      values[name] = value.join("\n");
    } else {
      throw new Error(`invalid line '${line}'`);
    }
  }
  return values;
}

/** Parses a GITHUB_PATH file: one directory a line, the last added first. */
export function parsePathFile(text: string): string[] {
  const added: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const existing = added.indexOf(line);
    if (existing >= 0) added.splice(existing, 1);
    added.push(line);
  }
  return added.reverse();
}
