// Evaluates GitHub Actions expressions the way the runner does, for the subset the harness
// and the demo's workflow runner need: the status functions, `contains`, `startsWith`,
// `endsWith`, `format`, `join`, `toJSON`, `fromJSON`, `!`, `&&`, `||`, `==`, `!=`, `<`,
// `<=`, `>`, `>=`, parentheses, property access (`a.b`, `a['b']`, after a call too),
// string/number/boolean/null literals and context values such as `runner.os`,
// `vars.AWS_REGION` or `needs.build.outputs.release`. A condition without a status
// function is implicitly `success() && (...)`, as in the runner.

export type JobStatus = "success" | "failure" | "cancelled";

export type ExpressionValue = string | number | boolean | null | ExpressionValue[] | { [key: string]: ExpressionValue };

/**
 * What the status functions answer. A job whose needed job was skipped is neither a success
 * nor a failure: `success()` is false there, and so is `failure()`.
 */
export interface StatusFlags {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

export interface ExpressionContext {
  /** Context values by dotted path (`github.sha`, `vars.AWS_REGION`, `steps.bake.outputs.release`). */
  values: Readonly<Record<string, ExpressionValue | undefined>>;
  /** For the status functions; without it they are an error. */
  status?: JobStatus | StatusFlags;
}

export interface ConditionContext {
  status: JobStatus | StatusFlags;
  /** Flat context values by dotted path: `runner.os`, `github.event_name`, ... */
  values: Readonly<Record<string, ExpressionValue | undefined>>;
}

const STATUS_FUNCTIONS = new Set(["success", "failure", "cancelled", "always"]);

interface Token {
  kind: "str" | "num" | "ident" | "op" | "(" | ")" | "," | "[" | "]" | ".";
  text: string;
}

function tokenize(source: string, expression: string): Token[] {
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
    const ident = /^[A-Za-z_][\w-]*(\.[A-Za-z_*][\w-]*)*/.exec(rest);
    const op = /^(==|!=|<=|>=|&&|\|\||!|<|>)/.exec(rest);
    const punct = /^[(),[\].]/.exec(rest);
    if (str) tokens.push({ kind: "str", text: (str[1] ?? "").replaceAll("''", "'") });
    else if (num) tokens.push({ kind: "num", text: num[0] });
    else if (ident) tokens.push({ kind: "ident", text: ident[0] });
    else if (op) tokens.push({ kind: "op", text: op[0] });
    else if (punct) tokens.push({ kind: punct[0] as Token["kind"], text: punct[0] });
    else throw new Error(`expression: cannot parse '${expression}' at '${rest}'`);
    const token = tokens[tokens.length - 1] as Token;
    i += str ? (str[0]?.length ?? 0) : token.text.length;
  }
  return tokens;
}

export function truthy(v: ExpressionValue | undefined): boolean {
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== "";
}

function toNumber(v: ExpressionValue): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return Number(v);
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return Number.NaN;
}

function equal(a: ExpressionValue, b: ExpressionValue): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === "object" || typeof b === "object") return a === b;
  if (typeof a === typeof b) return a === b;
  // Mixed types compare as numbers, as in the runner.
  return toNumber(a) === toNumber(b);
}

function compare(a: ExpressionValue, b: ExpressionValue): number {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase().localeCompare(b.toLowerCase());
  return toNumber(a) - toNumber(b);
}

/** A value as the runner writes it into a string: null is empty, objects are JSON. */
export function stringify(v: ExpressionValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v, null, 2);
  return String(v);
}

function property(v: ExpressionValue | undefined, key: string): ExpressionValue {
  if (v === null || v === undefined || typeof v !== "object") return null;
  if (Array.isArray(v)) return v[Number(key)] ?? null;
  const found = Object.entries(v).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return found ? found[1] : null;
}

/** A dotted path looked up in the flat values: the longest known prefix, then properties of its value. */
function lookup(values: ExpressionContext["values"], dotted: string): ExpressionValue {
  const parts = dotted.split(".");
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join(".");
    const found = Object.hasOwn(values, key)
      ? values[key]
      : Object.entries(values).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (found === undefined) continue;
    return parts.slice(n).reduce<ExpressionValue>((value, part) => property(value, part), found);
  }
  return null;
}

function flags(status: JobStatus | StatusFlags): StatusFlags {
  return typeof status === "string"
    ? { success: status === "success", failure: status === "failure", cancelled: status === "cancelled" }
    : status;
}

/** The value of one expression (with or without `${{ }}`), and whether it called a status function. */
export function evaluateExpression(
  expression: string,
  context: ExpressionContext,
): { value: ExpressionValue; usesStatus: boolean } {
  let source = expression.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(source);
  if (wrapped) source = (wrapped[1] ?? "").trim();
  const tokens = tokenize(source, expression);
  let usesStatus = false;
  let pos = 0;

  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw new Error(`expression: unexpected end of '${expression}'`);
    return token;
  };
  const expect = (kind: Token["kind"]) => {
    const token = next();
    if (token.kind !== kind) throw new Error(`expression: expected '${kind}', got '${token.text}' in '${expression}'`);
  };

  function call(name: string): ExpressionValue {
    const args: ExpressionValue[] = [];
    if (peek()?.kind !== ")") {
      args.push(or());
      while (peek()?.kind === ",") {
        next();
        args.push(or());
      }
    }
    expect(")");
    const lower = name.toLowerCase();
    if (STATUS_FUNCTIONS.has(lower)) {
      if (args.length > 0) throw new Error(`expression: ${name}() takes no arguments`);
      if (context.status === undefined) throw new Error(`expression: ${name}() is only allowed in a condition`);
      usesStatus = true;
      if (lower === "always") return true;
      return flags(context.status)[lower as keyof StatusFlags];
    }
    const [a = null, b = null] = args;
    switch (lower) {
      case "contains":
        if (Array.isArray(a)) return a.some((item) => equal(item, b));
        return stringify(a).toLowerCase().includes(stringify(b).toLowerCase());
      case "startswith":
        return stringify(a).toLowerCase().startsWith(stringify(b).toLowerCase());
      case "endswith":
        return stringify(a).toLowerCase().endsWith(stringify(b).toLowerCase());
      case "format":
        return stringify(a).replace(/\{(\d+)\}/g, (_, i: string) => stringify(args[Number(i) + 1]));
      case "join":
        return Array.isArray(a) ? a.map(stringify).join(b === null ? "," : stringify(b)) : stringify(a);
      case "tojson":
        return JSON.stringify(a, null, 2);
      case "fromjson":
        try {
          return JSON.parse(stringify(a)) as ExpressionValue;
        } catch {
          throw new Error(`expression: fromJSON: not JSON: '${stringify(a).slice(0, 80)}' in '${expression}'`);
        }
      default:
        throw new Error(`expression: function ${name}() is not supported`);
    }
  }

  function postfix(value: ExpressionValue): ExpressionValue {
    let result = value;
    for (;;) {
      const token = peek();
      if (token?.kind === "[") {
        next();
        const key = or();
        expect("]");
        result = property(result, stringify(key));
      } else if (token?.kind === ".") {
        next();
        const name = next();
        if (name.kind !== "ident") throw new Error(`expression: expected a property after '.' in '${expression}'`);
        result = name.text.split(".").reduce<ExpressionValue>((v, part) => property(v, part), result);
      } else return result;
    }
  }

  function primary(): ExpressionValue {
    const token = next();
    if (token.kind === "str") return token.text;
    if (token.kind === "num") return Number(token.text);
    if (token.kind === "(") {
      const value = or();
      expect(")");
      return postfix(value);
    }
    if (token.kind === "op" && token.text === "!") return !truthy(primary());
    if (token.kind !== "ident") throw new Error(`expression: unexpected '${token.text}' in '${expression}'`);
    if (peek()?.kind === "(") {
      next();
      return postfix(call(token.text));
    }
    const word = token.text.toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    return postfix(lookup(context.values, token.text));
  }

  function comparison(): ExpressionValue {
    let left = primary();
    for (;;) {
      const op = peek();
      if (op?.kind !== "op" || !["==", "!=", "<", "<=", ">", ">="].includes(op.text)) return left;
      next();
      const right = primary();
      if (op.text === "==") left = equal(left, right);
      else if (op.text === "!=") left = !equal(left, right);
      else {
        const order = compare(left, right);
        left = op.text === "<" ? order < 0 : op.text === "<=" ? order <= 0 : op.text === ">" ? order > 0 : order >= 0;
      }
    }
  }

  function and(): ExpressionValue {
    let value = comparison();
    while (peek()?.text === "&&") {
      next();
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  }

  function or(): ExpressionValue {
    let value = and();
    while (peek()?.text === "||") {
      next();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  }

  const value = or();
  if (pos !== tokens.length) throw new Error(`expression: unexpected '${tokens[pos]?.text}' in '${expression}'`);
  return { value, usesStatus };
}

/**
 * A string with `${{ }}` parts (a `with:` value, an `env:` value): each part evaluated and
 * written in. A value that is one expression and nothing else keeps its type.
 */
export function interpolate(text: string, context: ExpressionContext): ExpressionValue {
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(text);
  if (whole && !whole[1]?.includes("}}")) return evaluateExpression(whole[1] ?? "", context).value;
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    stringify(evaluateExpression(expression, context).value),
  );
}

/** An `if:`: true or false, implicitly `success() && (...)` without a status function. */
export function evaluateCondition(expression: string, context: ConditionContext): boolean {
  const { value, usesStatus } = evaluateExpression(expression, context);
  return usesStatus ? truthy(value) : flags(context.status).success && truthy(value);
}
