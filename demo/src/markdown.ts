// A job summary (GITHUB_STEP_SUMMARY's Markdown and the HTML the summary builder writes)
// as plain text for a terminal: headings underlined, tables aligned in columns, links as
// "text (url)", code spans and emphasis unwrapped, HTML tags dropped, entities decoded.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** Inline Markdown and HTML as plain text. */
export function plainInline(text: string): string {
  return (
    text
      // HTML links first: <a href="url">text</a>
      .replace(/<a\s+[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, url: string, label: string) =>
        linkText(plainInline(label), url),
      )
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/<[^>]+>/g, "")
      .replace(/!?\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, (_, label: string, url: string) => linkText(label, url))
      .replace(/`([^`]*)`/g, "$1")
      .replace(/\*\*([^*]+)\*\*/g, "$1")
      .replace(/__([^_]+)__/g, "$1")
      .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, "$1$2")
      .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1")
      .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "")
  );
}

function linkText(label: string, url: string): string {
  if (!url || label === url) return label || url;
  return `${label} (${url})`;
}

function cells(row: string): string[] {
  let line = row.trim();
  if (line.startsWith("|")) line = line.slice(1);
  if (line.endsWith("|") && !line.endsWith("\\|")) line = line.slice(0, -1);
  // Split on pipes that are not escaped.
  return line.split(/(?<!\\)\|/).map((cell) => plainInline(cell.trim().replaceAll("\\|", "|")));
}

const isTableRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const isSeparator = (line: string) => /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);

/** Display width, counting each code point once (the summaries hold no wide characters). */
const width = (text: string) => [...text].length;

function table(rows: string[][], indent: string): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => width(r[c] ?? ""))));
  const line = (row: string[]) =>
    `${indent}${widths
      .map((w, c) => {
        const cell = row[c] ?? "";
        return c === columns - 1 ? cell : cell + " ".repeat(w - width(cell));
      })
      .join("  ")}`.trimEnd();
  const [header, ...body] = rows;
  if (!header) return [];
  // A table of names and values often has an empty header row: leave it out.
  if (header.every((cell) => cell === "")) return body.map(line);
  return [line(header), `${indent}${widths.map((w) => "-".repeat(w)).join("  ")}`, ...body.map(line)];
}

/** HTML tables (the summary builder's addTable) as rows of cells. */
function htmlTables(markdown: string): string {
  return markdown.replace(/<table>([\s\S]*?)<\/table>/gi, (_, body: string) => {
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/gi)].map((row) =>
      [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/gi)].map((cell) =>
        (cell[1] ?? "").replaceAll("|", "\\|").replace(/\s+/g, " ").trim(),
      ),
    );
    if (rows.length === 0) return "";
    const [head, ...rest] = rows;
    const md = (row: string[]) => `| ${row.join(" | ")} |`;
    return `\n${[md(head ?? []), md((head ?? []).map(() => "---")), ...rest.map(md)].join("\n")}\n`;
  });
}

/** A whole summary as terminal text, each line prefixed with `indent`. */
export function renderMarkdown(markdown: string, indent = ""): string {
  const source = htmlTables(markdown)
    .replace(/<\/?(details|p|div|ul|ol)[^>]*>/gi, "\n")
    .replace(/<summary>([\s\S]*?)<\/summary>/gi, "\n$1\n")
    .replace(
      /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi,
      (_, level: string, text: string) => `\n${"#".repeat(Number(level))} ${text}\n`,
    )
    .replace(/<li>([\s\S]*?)<\/li>/gi, "\n- $1\n")
    .replace(/<hr\s*\/?>/gi, "\n---\n");
  const lines = source.split(/\r?\n/);
  const out: string[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const fence = /^\s*```\s*(\w*)/.exec(raw);
    if (fence && !fenced && fence[1] === "mermaid") {
      // A chart GitHub draws; here its title stands in for it.
      let end = i + 1;
      while (end < lines.length && !/^\s*```/.test(lines[end] ?? "")) end++;
      const title = lines.slice(i + 1, end).find((l) => /^\s*title\s/.test(l));
      out.push(`${indent}[chart${title ? `: ${title.trim().replace(/^title\s+/, "")}` : ""}, drawn on GitHub]`);
      i = end;
      continue;
    }
    if (fence) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.push(`${indent}    ${raw}`);
      continue;
    }
    if (isTableRow(raw) && isSeparator(lines[i + 1] ?? "")) {
      const rows = [cells(raw)];
      i += 2;
      while (i < lines.length && isTableRow(lines[i] ?? "")) rows.push(cells(lines[i++] ?? ""));
      i--;
      out.push(...table(rows, indent));
      continue;
    }
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const text = plainInline(heading[2] ?? "");
      if (out.length > 0 && out[out.length - 1]?.trim() !== "") out.push("");
      out.push(`${indent}${text}`, `${indent}${(heading[1] === "#" ? "=" : "-").repeat(width(text))}`);
      continue;
    }
    if (/^\s*(-{3,}|\*{3,})\s*$/.test(raw)) {
      out.push("");
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(raw);
    const text = plainInline(quote ? `| ${quote[1]}` : raw)
      .replace(/^(\s*)[*+] /, "$1- ")
      .trimEnd();
    if (text.trim() === "" && (out.length === 0 || out[out.length - 1]?.trim() === "")) continue;
    out.push(text.trim() === "" ? "" : `${indent}${text.trimEnd()}`);
  }
  while (out.length > 0 && out[out.length - 1]?.trim() === "") out.pop();
  return out.map((line) => (line.trim() === "" ? indent.trimEnd() : line)).join("\n");
}
