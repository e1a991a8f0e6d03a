// Evaluates an action's `post-if` the way the runner evaluates conditions, for the
// subset of the expression language a post-if needs: the status functions, `!`, `&&`,
// `||`, parentheses, `==`/`!=`, string/number/boolean literals and context values
// such as `runner.os` or `github.event_name`. A condition without a status function is
// implicitly `success() && (...)`, as in the runner.

export type JobStatus = "success" | "failure" | "cancelled";

type Value = string | number | boolean | null;

const STATUS_FUNCTIONS = new Set(["success", "failure", "cancelled", "always"]);

interface Token {
  kind: "str" | "num" | "ident" | "op" | "(" | ")" | ",";
  text: string;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const str = /^'((?:[^']|'')*)'/.exec(rest);
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    const ident = /^[A-Za-z_][\w-]*(\.[\w-]+)*/.exec(rest);
    const op = /^(==|!=|&&|\|\||!)/.exec(rest);
    if (str) tokens.push({ kind: "str", text: (str[1] ?? "").replaceAll("''", "'") });
    else if (num) tokens.push({ kind: "num", text: num[0] });
    else if (ident) tokens.push({ kind: "ident", text: ident[0] });
    else if (op) tokens.push({ kind: "op", text: op[0] });
    else if (rest[0] === "(" || rest[0] === ")" || rest[0] === ",") tokens.push({ kind: rest[0], text: rest[0] });
    else throw new Error(`post-if: cannot parse '${source}' at '${rest}'`);
    const token = tokens[tokens.length - 1] as Token;
    i += str ? (str[0]?.length ?? 0) : token.text.length;
  }
  return tokens;
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && v !== "";
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b) return a === b;
  // Mixed types compare as numbers, as in the runner.
  const num = (v: Value) => (v === null ? 0 : typeof v === "boolean" ? Number(v) : Number(v === "" ? 0 : v));
  return num(a) === num(b);
}

export interface ConditionContext {
  status: JobStatus;
  /** Flat context values by dotted path: `runner.os`, `github.event_name`, ... */
  values: Record<string, string>;
}

export function evaluateCondition(expression: string, context: ConditionContext): boolean {
  let source = expression.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(source);
  if (wrapped) source = (wrapped[1] ?? "").trim();
  const tokens = tokenize(source);
  let usesStatus = false;
  let pos = 0;

  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw new Error(`post-if: unexpected end of '${expression}'`);
    return token;
  };

  function primary(): Value {
    const token = next();
    if (token.kind === "str") return token.text;
    if (token.kind === "num") return Number(token.text);
    if (token.kind === "(") {
      const value = or();
      if (next().kind !== ")") throw new Error(`post-if: missing ')' in '${expression}'`);
      return value;
    }
    if (token.kind === "op" && token.text === "!") return !truthy(primary());
    if (token.kind !== "ident") throw new Error(`post-if: unexpected '${token.text}' in '${expression}'`);
    if (peek()?.kind === "(") {
      const name = token.text.toLowerCase();
      if (!STATUS_FUNCTIONS.has(name)) throw new Error(`post-if: function ${token.text}() is not supported`);
      next();
      if (next().kind !== ")") throw new Error(`post-if: ${token.text}() takes no arguments`);
      usesStatus = true;
      if (name === "always") return true;
      return context.status === name;
    }
    const word = token.text.toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    return context.values[token.text] ?? null;
  }

  function comparison(): Value {
    const left = primary();
    const op = peek();
    if (op?.kind === "op" && (op.text === "==" || op.text === "!=")) {
      next();
      const right = primary();
      return op.text === "==" ? equal(left, right) : !equal(left, right);
    }
    return left;
  }

  function and(): Value {
    let value = comparison();
    while (peek()?.text === "&&") {
      next();
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  }

  function or(): Value {
    let value = and();
    while (peek()?.text === "||") {
      next();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  }

  const result = or();
  if (pos !== tokens.length) throw new Error(`post-if: unexpected '${tokens[pos]?.text}' in '${expression}'`);
  return usesStatus ? truthy(result) : context.status === "success" && truthy(result);
}
