/**
 * The probe expression language: property paths (`user.id`, `order.items[0].sku`,
 * `headers["x-tenant"]`, `this.name`), literals (numbers, 'single' or "double" quoted strings,
 * `true`, `false`, `null`, `undefined`), comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`; `===`
 * and `!==` are accepted as the same), `&&`, `||`, `!` and parentheses. That is all: no calls,
 * no assignments, no arithmetic, so an expression cannot change anything. It is parsed into a
 * tree once, when the probe is set. The probe worker evaluates the tree with reads through the
 * debugger (its first hits); compiled-expression.ts compiles it to guarded reads that run on the
 * app's thread (its later hits). Neither ever runs the user's text as code.
 */

/** A parsed expression. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null | undefined }
  | { kind: 'path'; root: string; steps: Array<string | number>; text: string }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr };

/** A parse error, with the position. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

type Token = { t: 'id' | 'num' | 'str' | 'op' | 'end'; v: string; at: number };

const MAX_LENGTH = 500;
const MAX_DEPTH = 32;
const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 256));
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const num = /^-?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)/i.exec(text.slice(i, i + 64));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1]!.t === 'op')) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new ExpressionError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected ${JSON.stringify(c)} at ${i}`);
    out.push({ t: 'op', v: op === '===' ? '==' : op === '!==' ? '!=' : op, at: i });
    i += op.length;
  }
  out.push({ t: 'end', v: '', at: text.length });
  return out;
}

/** Parses an expression; throws an {@link ExpressionError} that says what is wrong and where. */
export function parseExpression(text: string): Expr {
  if (typeof text !== 'string' || text.trim() === '') throw new ExpressionError('empty expression');
  if (text.length > MAX_LENGTH) throw new ExpressionError(`longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const expect = (v: string) => {
    const tok = next();
    if (tok.t !== 'op' || tok.v !== v) throw new ExpressionError(`expected ${v} at ${tok.at}`);
  };
  const nest = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('nested too deeply');
    try {
      return fn();
    } finally {
      depth--;
    }
  };

  const primary = (): Expr => {
    const tok = next();
    if (tok.t === 'num') return { kind: 'literal', value: Number(tok.v) };
    if (tok.t === 'str') return { kind: 'literal', value: tok.v };
    if (tok.t === 'op' && tok.v === '(') {
      const e = nest(or);
      expect(')');
      return e;
    }
    if (tok.t !== 'id') throw new ExpressionError(`unexpected ${tok.t === 'end' ? 'end' : JSON.stringify(tok.v)} at ${tok.at}`);
    if (tok.v === 'true' || tok.v === 'false') return { kind: 'literal', value: tok.v === 'true' };
    if (tok.v === 'null') return { kind: 'literal', value: null };
    if (tok.v === 'undefined') return { kind: 'literal', value: undefined };
    const steps: Array<string | number> = [];
    let textOut = tok.v;
    for (;;) {
      const p = peek();
      if (p.t === 'op' && p.v === '.') {
        next();
        const name = next();
        if (name.t !== 'id') throw new ExpressionError(`expected a property name at ${name.at}`);
        steps.push(name.v);
        textOut += `.${name.v}`;
      } else if (p.t === 'op' && p.v === '[') {
        next();
        const key = next();
        if (key.t === 'num' && /^\d+$/.test(key.v)) steps.push(Number(key.v));
        else if (key.t === 'str') steps.push(key.v);
        else throw new ExpressionError(`expected an index or a quoted key at ${key.at}`);
        expect(']');
        textOut += `[${key.t === 'str' ? JSON.stringify(key.v) : key.v}]`;
      } else break;
      if (steps.length > 16) throw new ExpressionError('path longer than 16 steps');
    }
    return { kind: 'path', root: tok.v, steps, text: textOut };
  };
  const unary = (): Expr => {
    const p = peek();
    if (p.t === 'op' && p.v === '!') {
      next();
      return { kind: 'not', operand: nest(unary) };
    }
    return primary();
  };
  const compare = (): Expr => {
    const left = unary();
    const p = peek();
    if (p.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(p.v)) {
      next();
      return { kind: 'compare', op: p.v as '==', left, right: unary() };
    }
    return left;
  };
  const and = (): Expr => {
    let left = compare();
    while (peek().t === 'op' && peek().v === '&&') {
      next();
      left = { kind: 'and', left, right: compare() };
    }
    return left;
  };
  function or(): Expr {
    let left = and();
    while (peek().t === 'op' && peek().v === '||') {
      next();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  const e = or();
  if (peek().t !== 'end') throw new ExpressionError(`unexpected ${JSON.stringify(peek().v)} at ${peek().at}`);
  return e;
}

/** What a path reads to: a primitive, or an opaque object (compared by nothing, truthy). */
export type Read =
  /** `unreadable`: the path went through a getter or a Proxy (never run), or a collection too long to read; it reads as undefined. */
  | { primitive: true; value: string | number | boolean | bigint | null | undefined; unreadable?: Unreadable }
  /** `raw`: the object (or symbol) itself, when it was read on the app's thread (compiled-expression.ts); the probe worker has only a remote reference. */
  | { primitive: false; raw?: unknown };

/** Why a path's value was not read: a getter or Proxy (never run), or a collection too long to read. */
export type Unreadable = 'getter' | 'proxy' | 'size';

/** Reads a path's value; the probe worker reads through the debugger, tests from plain objects. */
export type PathReader = (path: Extract<Expr, { kind: 'path' }>) => Promise<Read>;

/** Whether a read value is truthy (an object always is). */
export const truthy = (r: Read): boolean => (r.primitive ? Boolean(r.value) : true);

/**
 * A comparison of two read values: `==` and `!=` are strict on primitives (an object equals
 * nothing), `<` `<=` `>` `>=` are false unless both sides are numbers, strings or BigInts of the
 * same type.
 */
export function compareReads(op: Extract<Expr, { kind: 'compare' }>['op'], l: Read, r: Read): Read {
  if (!l.primitive || !r.primitive) return { primitive: true, value: op === '!=' };
  const a = l.value;
  const b = r.value;
  switch (op) {
    case '==':
      return { primitive: true, value: a === b };
    case '!=':
      return { primitive: true, value: a !== b };
    default: {
      if (a === null || a === undefined || b === null || b === undefined || typeof a !== typeof b) return { primitive: true, value: false };
      const x = a as number;
      const y = b as number;
      return { primitive: true, value: op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y };
    }
  }
}

/** Evaluates a parsed expression with `read` for its paths; `&&` and `||` short-circuit (fewer reads). */
export async function evaluate(e: Expr, read: PathReader): Promise<Read> {
  switch (e.kind) {
    case 'literal':
      return { primitive: true, value: e.value };
    case 'path':
      return read(e);
    case 'not':
      return { primitive: true, value: !truthy(await evaluate(e.operand, read)) };
    case 'and': {
      const l = await evaluate(e.left, read);
      return truthy(l) ? evaluate(e.right, read) : l;
    }
    case 'or': {
      const l = await evaluate(e.left, read);
      return truthy(l) ? l : evaluate(e.right, read);
    }
    case 'compare':
      return compareReads(e.op, await evaluate(e.left, read), await evaluate(e.right, read));
  }
}

/** True when the expression's value is truthy. */
export async function isTrue(e: Expr, read: PathReader): Promise<boolean> {
  return truthy(await evaluate(e, read));
}

/** A read value as a log template shows it: `[getter]` for a value not read, `[object]` for an object. */
export function showRead(r: Read): string {
  return r.primitive ? (r.unreadable ? `[${r.unreadable}]` : r.value === undefined ? 'undefined' : String(r.value)) : '[object]';
}

/** The roots a parsed expression reads (`this` included), each once. */
export function rootsOf(e: Expr, into: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'path':
      into.add(e.root);
      break;
    case 'not':
      rootsOf(e.operand, into);
      break;
    case 'and':
    case 'or':
    case 'compare':
      rootsOf(e.left, into);
      rootsOf(e.right, into);
      break;
  }
  return into;
}

/** A log template: text with `{expression}` parts. */
export type Template = Array<string | Expr>;

/** Parses `"order {order.id} for {user.name}"`; `{{` and `}}` are literal braces. */
export function parseTemplate(text: string): Template {
  if (text.length > MAX_LENGTH) throw new ExpressionError(`longer than ${MAX_LENGTH} characters`);
  const out: Template = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) throw new ExpressionError(`unclosed { at ${i}`);
      if (literal) out.push(literal);
      literal = '';
      out.push(parseExpression(text.slice(i + 1, end)));
      i = end;
    } else literal += c;
  }
  if (literal) out.push(literal);
  return out;
}

/** Reads a path from a plain value (tests, and the documentation's examples); never calls a getter. */
export function plainReader(scope: Record<string, unknown>): PathReader {
  return (p) => {
    let v: unknown = Object.hasOwn(scope, p.root) ? scope[p.root] : undefined;
    for (const step of p.steps) {
      if (v === null || typeof v !== 'object') return Promise.resolve({ primitive: true, value: undefined });
      const d = Object.getOwnPropertyDescriptor(v, String(step));
      v = d && 'value' in d ? d.value : undefined;
    }
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) return Promise.resolve({ primitive: false });
    return Promise.resolve({ primitive: true, value: v as string });
  };
}
