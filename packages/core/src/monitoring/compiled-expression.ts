import { types } from 'node:util';
import { compareReads, truthy, type Expr, type Read, type Unreadable } from './expression.js';

/**
 * The probe expression language compiled to guarded code that runs on the app's thread (the
 * probe's later hits, see probe-context.ts): each node of the parsed tree becomes a closure, built
 * once when the probe is set (no source text is generated, nothing is `eval`ed). A path step reads
 * an own or inherited data property through `Object.getOwnPropertyDescriptor`, after
 * `util.types.isProxy` (which runs no trap): a getter is never called (the step stops, marked
 * `getter`), a Proxy is never touched (marked `proxy`). Comparisons and logic are the same
 * functions the probe worker's reads use (expression.ts), so both give the same answers, except
 * that here a path into a long collection is read (the worker marks it `size` because its read
 * would fetch every element). Nothing it runs can change a value or call app code.
 */

/** The values a compiled expression reads: the frame's variables by name (own properties only), and `this`. */
export interface ProbeScope {
  roots: object;
  self: unknown;
}

/** A compiled expression: reads `scope`, returns a `Read` (objects with the object itself). */
export type Compiled = (scope: ProbeScope) => Read;

/** A path's raw value, or why it was not read. */
export type PathValue = { value: unknown } | { unreadable: Unreadable };

/** A compiled property path. */
export type CompiledPath = (scope: ProbeScope) => PathValue;

const getOwn = Object.getOwnPropertyDescriptor;
const protoOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const isProxy = types.isProxy;

const UNDEFINED: PathValue = { value: undefined };
const GETTER: PathValue = { unreadable: 'getter' };
const PROXY: PathValue = { unreadable: 'proxy' };

/** How far along a prototype chain a step looks (as the worker's reads do). */
const MAX_CHAIN = 8;

/** Property `key` of `v`: own or inherited data property; an accessor or a Proxy on the way stops it. */
function step(v: unknown, key: string | number): PathValue {
  if (v === null || typeof v !== 'object') return UNDEFINED;
  let o: object | null = v;
  for (let i = 0; o !== null && i <= MAX_CHAIN; i++) {
    if (isProxy(o)) return PROXY;
    let d: PropertyDescriptor | undefined;
    try {
      d = getOwn(o, key);
    } catch {
      // A module namespace's binding still in its dead zone throws: read as undefined.
      return UNDEFINED;
    }
    if (d) return 'value' in d ? { value: d.value } : GETTER;
    o = protoOf(o) as object | null;
  }
  return UNDEFINED;
}

/** Compiles a property path: its root from the scope (an own property, never inherited), then its steps. */
export function compilePath(p: Extract<Expr, { kind: 'path' }>): CompiledPath {
  const root = p.root;
  const steps = p.steps.slice();
  const first = (s: ProbeScope): PathValue => (root === 'this' ? { value: s.self } : hasOwn(s.roots, root) ? { value: (s.roots as Record<string, unknown>)[root] } : UNDEFINED);
  if (steps.length === 0) return first;
  return (s) => {
    let cur = first(s);
    for (let i = 0; i < steps.length && 'value' in cur; i++) cur = step(cur.value, steps[i]!);
    return cur;
  };
}

/** A path's value as a `Read`. */
function toRead(v: PathValue): Read {
  if ('unreadable' in v) return { primitive: true, value: undefined, unreadable: v.unreadable };
  const x = v.value;
  if (x !== null && (typeof x === 'object' || typeof x === 'function' || typeof x === 'symbol')) return { primitive: false, raw: x };
  return { primitive: true, value: x as string };
}

/** Compiles a parsed expression to a closure tree; `&&` and `||` short-circuit as JavaScript's do. */
export function compileExpression(e: Expr): Compiled {
  switch (e.kind) {
    case 'literal': {
      const r: Read = { primitive: true, value: e.value };
      return () => r;
    }
    case 'path': {
      const path = compilePath(e);
      return (s) => toRead(path(s));
    }
    case 'not': {
      const operand = compileExpression(e.operand);
      return (s) => ({ primitive: true, value: !truthy(operand(s)) });
    }
    case 'and': {
      const left = compileExpression(e.left);
      const right = compileExpression(e.right);
      return (s) => {
        const l = left(s);
        return truthy(l) ? right(s) : l;
      };
    }
    case 'or': {
      const left = compileExpression(e.left);
      const right = compileExpression(e.right);
      return (s) => {
        const l = left(s);
        return truthy(l) ? l : right(s);
      };
    }
    case 'compare': {
      const left = compileExpression(e.left);
      const right = compileExpression(e.right);
      const op = e.op;
      return (s) => compareReads(op, left(s), right(s));
    }
  }
}
