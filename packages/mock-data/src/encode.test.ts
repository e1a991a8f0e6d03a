import { describe, expect, it } from "vitest";
import { csvHeader, encoders } from "./encode.ts";
import type { Cell, ColumnValues } from "./values.ts";

const tricky: Cell[] = [
  "plain",
  "back\\slash",
  "tab\there",
  "new\nline",
  "carriage\rreturn",
  'quo"te, comma',
  "",
  null,
  12.5,
  true,
];

function columnOf(name: string, cells: Cell[], json = false): ColumnValues {
  return { name, json, value: (row) => cells[row] as Cell };
}

/** COPY text's reading of a line, as PostgreSQL does it, for the round trip. */
function readCopy(line: string): (string | null)[] {
  return line
    .split("\t")
    .map((field) =>
      field === "\\N" ? null : field.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r" })[c] ?? c),
    );
}

/** RFC 4180 reading of a CSV text, empty unquoted field as NULL (PostgreSQL's COPY ... CSV). */
function readCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      let value = "";
      i++;
      while (!(text[i] === '"' && text[i + 1] !== '"')) {
        value += text[i];
        i += text[i] === '"' ? 2 : 1;
      }
      i++;
      field = value;
    } else {
      const end = text.slice(i).search(/[,\n]/);
      field = text.slice(i, i + end) || null;
      i += end;
    }
    row.push(field);
    if (text[i] === "\n") {
      rows.push(row);
      row = [];
    }
    i++;
  }
  return rows;
}

const asText = (cell: Cell) => (cell === null ? null : String(cell));

describe("encoders", () => {
  it("round-trips COPY text's special characters, NULL as \\N", () => {
    const text = encoders.copy([columnOf("a", tricky)], 0, tricky.length);
    expect(text).toContain("back\\\\slash\ntab\\there\nnew\\nline\ncarriage\\rreturn\n");
    expect(
      text
        .split("\n")
        .slice(0, -1)
        .map((line) => readCopy(line)[0]),
    ).toEqual(tricky.map(asText));
  });

  it("round-trips CSV (RFC 4180): NULL empty and unquoted, empty string quoted", () => {
    const text = encoders.csv([columnOf("a", tricky), columnOf("b", [...tricky].reverse())], 0, tricky.length);
    expect(text).toContain('"quo""te, comma"');
    expect(readCsv(text)).toEqual(
      tricky.map((cell, i) => [asText(cell), asText(tricky[tricky.length - 1 - i] as Cell)]),
    );
    expect(csvHeader(["id", "a,b"])).toBe('id,"a,b"\n');
  });

  it("writes NDJSON objects in column order, json columns as objects", () => {
    const columns = [
      columnOf("text", tricky),
      columnOf(
        "settings",
        tricky.map(() => '{"theme":"dark"}'),
        true,
      ),
    ];
    const lines = encoders.ndjson(columns, 0, tricky.length).split("\n").slice(0, -1);
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      tricky.map((cell) => ({ text: cell, settings: { theme: "dark" } })),
    );
    expect(Object.keys(JSON.parse(lines[0] as string))).toEqual(["text", "settings"]);
  });
});
