import { appendFile } from "node:fs/promises";
import { formatDuration } from "./duration.ts";
import { redact } from "./secrets.ts";
import type { Phase } from "./timer.ts";

/** A markdown link, for table cells and list items. */
export function link(text: string, href: string): string {
  const label = text.replace(/[[\]]/g, "\\$&");
  // Spaces and parentheses would end the link target early.
  const target = href.replace(/[ ()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${label}](${target})`;
}

function tableCell(value: string | number): string {
  return String(value).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Builds a job summary in GitHub-flavoured markdown. Text arguments are markdown, so
 * `link()` and `**bold**` work inside them.
 */
export class SummaryBuilder {
  readonly #blocks: string[] = [];

  #add(block: string): this {
    this.#blocks.push(block);
    return this;
  }

  heading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 2): this {
    return this.#add(`${"#".repeat(level)} ${text}`);
  }

  paragraph(text: string): this {
    return this.#add(text);
  }

  table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): this {
    const line = (cells: readonly (string | number)[]) => `| ${cells.map(tableCell).join(" | ")} |`;
    return this.#add([line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n"));
  }

  list(items: readonly string[], ordered = false): this {
    return this.#add(items.map((item, i) => `${ordered ? `${i + 1}.` : "-"} ${item}`).join("\n"));
  }

  /** A collapsed section. The blank lines let GitHub render the body as markdown. */
  details(title: string, body: string | SummaryBuilder): this {
    return this.#add(`<details><summary>${escapeHtml(title)}</summary>\n\n${String(body).trimEnd()}\n\n</details>`);
  }

  code(text: string, language = ""): this {
    // A fence longer than any run of backticks inside cannot be closed by the content.
    const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(Math.max(3, longestRun + 1));
    return this.#add(`${fence}${language}\n${text.replace(/\n$/, "")}\n${fence}`);
  }

  mermaid(diagram: string): this {
    return this.code(diagram, "mermaid");
  }

  /** How long each phase took, from a PhaseTimer. */
  phases(phases: readonly Phase[]): this {
    return this.table(
      ["Phase", "Duration", "Outcome"],
      phases.map((phase) => [phase.name, formatDuration(phase.ms), phase.outcome]),
    );
  }

  toString(): string {
    return `${this.#blocks.join("\n\n")}\n`;
  }

  /**
   * Appends to the job summary with masked values redacted here, so that a summary never
   * relies on the runner's masking. Without GITHUB_STEP_SUMMARY (a local run) it does nothing.
   */
  async write(path = process.env.GITHUB_STEP_SUMMARY): Promise<void> {
    if (path) await appendFile(path, `${redact(this.toString())}\n`);
  }
}

export function summary(): SummaryBuilder {
  return new SummaryBuilder();
}
