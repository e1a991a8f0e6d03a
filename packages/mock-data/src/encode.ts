// Row encoders: PostgreSQL COPY text, CSV (RFC 4180) and NDJSON. A chunk of rows is built as one string
// and turned into bytes once (one Buffer per chunk, not per value), which is what keeps them fast.
import type { Cell, ColumnValues } from "./values.ts";

export type RowFormat = "copy" | "csv" | "ndjson";

/** Encodes rows [from, to) of the columns into one string, a line per row. */
export type RowEncoder = (columns: readonly ColumnValues[], from: number, to: number) => string;

export const encoders: Record<RowFormat, RowEncoder> = { copy: encodeCopy, csv: encodeCsv, ndjson: encodeNdjson };

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * COPY text format: tab-separated, NULL as \N, and backslash, tab, newline and carriage return escaped with
 * a backslash (the only characters COPY reads specially; "\." alone on a line cannot occur because a
 * backslash in a value is always doubled).
 */
export function copyText(cell: Cell): string {
  if (cell === null) return "\\N";
  if (typeof cell !== "string") return String(cell);
  return COPY_SPECIAL.test(cell) ? cell.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : cell;
}

function encodeCopy(columns: readonly ColumnValues[], from: number, to: number): string {
  const last = columns.length - 1;
  let text = "";
  for (let row = from; row < to; row++) {
    for (let i = 0; i <= last; i++) {
      text += copyText((columns[i] as ColumnValues).value(row));
      text += i === last ? "\n" : "\t";
    }
  }
  return text;
}

const CSV_SPECIAL = /[",\n\r]/;

/**
 * CSV per RFC 4180 as PostgreSQL's COPY ... CSV reads it: NULL is an empty unquoted field, an empty string is
 * "" (so the two stay apart), and a field with a quote, comma or line break is quoted with quotes doubled.
 */
export function csvText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell !== "string") return String(cell);
  if (cell === "") return '""';
  return CSV_SPECIAL.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The CSV header line: the column names. */
export function csvHeader(names: readonly string[]): string {
  return `${names.map(csvText).join(",")}\n`;
}

function encodeCsv(columns: readonly ColumnValues[], from: number, to: number): string {
  const last = columns.length - 1;
  let text = "";
  for (let row = from; row < to; row++) {
    for (let i = 0; i <= last; i++) {
      text += csvText((columns[i] as ColumnValues).value(row));
      text += i === last ? "\n" : ",";
    }
  }
  return text;
}

/** NDJSON: an object per line, keys in column order; json columns as objects, not as strings of JSON. */
function encodeNdjson(columns: readonly ColumnValues[], from: number, to: number): string {
  const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.name)}:`);
  let text = "";
  for (let row = from; row < to; row++) {
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as ColumnValues;
      const cell = column.value(row);
      text += prefixes[i];
      text += typeof cell === "string" && !column.json ? JSON.stringify(cell) : String(cell);
    }
    text += "}\n";
  }
  return text;
}
