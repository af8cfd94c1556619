import { Parser } from 'acorn';
import { fullAncestor } from 'acorn-walk';
import { pathToFileURL } from 'node:url';
import MagicString from 'magic-string';
import { describeFunction, renamedClasses, type AnyNode, type FunctionKind } from './function-names.js';
import type { SourceMapInput } from '@jridgewell/trace-mapping';
import { composeMaps, OriginalPositions, readInputMap } from './source-map.js';

/** The marker at the top of every instrumented file, so nothing is instrumented twice. */
export const INSTRUMENTED_MARKER = '/*tracekit:instrumented*/';
/** The global the instrumented code calls (installed by `@tracekit/core/auto` before any module loads). */
export const RECORDER_GLOBAL = '__tkrec';

/** One instrumented function, as recorded calls name it. */
export interface FunctionMeta {
  /** `name`, `Class.method`, `object.method`, `<anonymous>`. */
  name: string;
  kind: FunctionKind;
  /** The original source file (through the file's own source map when it has one). */
  file: string;
  /** 1-based line and column of the function in the original source. */
  line: number;
  column: number;
}

/** Input of {@link transformSource}. */
export interface TransformInput {
  code: string;
  /** Absolute path of the file being loaded. */
  file: string;
  /** `module` for ES modules, `commonjs` for CommonJS (a script with `return` allowed at the top). */
  format: 'module' | 'commonjs';
  /** Decides per function (qualified name) whether to instrument it. Default: every function. */
  select?: (name: string) => boolean;
  /** Instrument getters and setters too. Default false. */
  accessors?: boolean;
}

/** The instrumented code (with an inline source map composed with the file's own), or why the file was left alone. */
export type TransformResult =
  | { ok: true; code: string; map: ReturnType<typeof composeMaps>; functions: FunctionMeta[]; skipped: number }
  | { ok: false; reason: string };

interface Insert {
  pos: number;
  text: string;
  depth: number;
  close: boolean;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * Calls that send a function's source elsewhere (`fn.toString()` run in a browser page or a
 * worker): Puppeteer's and Playwright's `evaluate` family, WebdriverIO's `execute`. A function
 * passed straight to one of them is left alone, since its instrumented source would name
 * TraceKit's globals where they do not exist.
 */
const SERIALIZING_CALLS = new Set(['evaluate', 'evaluateHandle', '$eval', '$$eval', 'evaluateOnNewDocument', 'addInitScript', 'waitForFunction', 'exposeFunction', 'execute', 'executeAsync', 'executeScript']);

function serializedArgument(fn: AnyNode, parent: AnyNode | undefined): boolean {
  if (parent?.type !== 'CallExpression' || parent.callee === fn) return false;
  const callee = parent.callee as AnyNode;
  const name = callee.type === 'MemberExpression' && !callee.computed ? (callee.property.name as string | undefined) : callee.type === 'Identifier' ? (callee.name as string) : undefined;
  return name !== undefined && SERIALIZING_CALLS.has(name);
}

function paramNames(params: AnyNode[]): string {
  return params
    .map((p) => {
      if (p.type === 'Identifier') return p.name as string;
      if (p.type === 'AssignmentPattern' && p.left.type === 'Identifier') return p.left.name as string;
      if (p.type === 'RestElement' && p.argument.type === 'Identifier') return p.argument.name as string;
      return '"[destructured]"';
    })
    .join(',');
}

/** Names declared with `var` in a body (not in nested functions) and its top-level function declarations. */
function varFunctionClash(body: AnyNode): boolean {
  const fnNames = new Set<string>();
  for (const s of body.body as AnyNode[]) if (s.type === 'FunctionDeclaration' && s.id) fnNames.add(s.id.name as string);
  if (fnNames.size === 0) return false;
  let clash = false;
  const visit = (node: AnyNode | null | undefined): void => {
    if (!node || clash || typeof node.type !== 'string') return;
    if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassExpression' || node.type === 'ClassDeclaration') return;
    if (node.type === 'VariableDeclaration' && node.kind === 'var') {
      for (const d of node.declarations as AnyNode[]) if (d.id.type === 'Identifier' && fnNames.has(d.id.name as string)) clash = true;
    }
    for (const key of Object.keys(node)) {
      const v = (node as Record<string, unknown>)[key];
      if (Array.isArray(v)) for (const c of v) visit(c as AnyNode);
      else if (v && typeof v === 'object' && 'type' in v) visit(v as AnyNode);
    }
  };
  for (const s of body.body as AnyNode[]) visit(s);
  return clash;
}

/**
 * Whether a function is the file's own code rather than one its compiler wrote, judged by the
 * file's source map (true without one). A compiler's helpers (esbuild's, so tsx's, `__name`,
 * `__publicField`, `__export`, `__copyProps`...) have no mapping anywhere in them; a wrapper
 * around the file's code (tsx's `(()=>{ ... })()` around a CommonJS module) has mappings inside
 * but none on its own line up to its body. With a map that only marks where lines start, a
 * function's own range has no mapping when it starts mid-line: only its line is looked at then.
 */
function ownSource(fn: AnyNode, positions: OriginalPositions): boolean {
  const start = fn.loc!.start;
  const end = fn.loc!.end;
  const body = (fn.body as AnyNode).loc!.start;
  if (!positions.mapsRange(start.line, 0, body.line, body.column + 1)) return false;
  return !positions.fineGrained || positions.mapsRange(start.line, start.column, end.line, end.column);
}

/**
 * Turns a module's source into instrumented source. Each function body is wrapped, not the
 * function object: the function keeps its identity, `this`, `arguments`, `length`, `name`,
 * `new.target`, `super`, hoisting and its module's live bindings. The body becomes
 *
 *     let __tk$ = __tkrec.e(id); try { BODY } catch (e) { __tkrec.t(__tk$, e); throw e } finally { __tkrec.x(id, __tk$) }
 *
 * after any directive prologue, `return x` becomes `return __tkrec.r(__tk$, (x))` (the value for
 * previews; a previewed call's `__tk$` becomes a preview slot, see `recorder.ts`), and expression-bodied arrows get a block. No line breaks are added, so lines stay
 * where they were even without source maps. Function IDs come from a hoisted per-file function,
 * so a function called during a circular import, before its module has run, still records.
 * Getters and setters are left alone unless `accessors` is set, as are bodies where a
 * `var` and a function declaration share a name (moving them into a block would be a syntax error),
 * and, in a file with a source map, functions with no mapping back to its source: the helpers
 * a compiler adds (esbuild's and so tsx's `__name`, `__publicField`, `__export`...).
 */
export function transformSource(input: TransformInput): TransformResult {
  const { code, file } = input;
  if (code.includes(INSTRUMENTED_MARKER)) return { ok: false, reason: 'already instrumented' };
  let ast: AnyNode;
  try {
    ast = Parser.parse(code, {
      ecmaVersion: 'latest',
      sourceType: input.format === 'module' ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: input.format === 'commonjs',
      allowAwaitOutsideFunction: input.format === 'module',
      locations: true,
    }) as AnyNode;
  } catch (err) {
    return { ok: false, reason: `does not parse (${(err as Error).message})` };
  }
  const inputMap = readInputMap(code, file);
  const positions = new OriginalPositions(file, inputMap);
  const inserts: Insert[] = [];
  const functions: FunctionMeta[] = [];
  const ids = new Map<AnyNode, number>();
  const returns: Array<{ node: AnyNode; fn: AnyNode; depth: number }> = [];
  let skipped = 0;
  const rec = RECORDER_GLOBAL;
  const renamed = renamedClasses(ast, code);

  fullAncestor(ast, (node: AnyNode, _state: unknown, ancestors: AnyNode[]) => {
    if (node.type === 'ReturnStatement' && node.argument) {
      for (let i = ancestors.length - 2; i >= 0; i--) {
        const a = ancestors[i] as AnyNode;
        if (FUNCTION_TYPES.has(a.type)) {
          returns.push({ node, fn: a, depth: ancestors.length });
          break;
        }
      }
      return;
    }
    if (!FUNCTION_TYPES.has(node.type)) return;
    const { name, kind } = describeFunction(ancestors, code, renamed);
    if ((kind === 'getter' || kind === 'setter') && !input.accessors) return;
    if (input.select && !input.select(name)) return;
    if (serializedArgument(node, ancestors[ancestors.length - 2])) return;
    if (!ownSource(node, positions)) return;
    const body = node.body as AnyNode;
    if (body.type === 'BlockStatement' && varFunctionClash(body)) {
      skipped++;
      return;
    }
    const id = functions.length;
    const orig = positions.at(node.loc!.start.line, node.loc!.start.column);
    functions.push({ name, kind, file: orig.file, line: orig.line, column: orig.column + 1 });
    ids.set(node, id);
    const depth = ancestors.length;
    const idExpr = `(__tk$f.b??__tk$f())+${id}`;
    const head = `let __tk$=${rec}.e(${idExpr});if(${rec}.p)__tk$=${rec}.a(__tk$,[${paramNames(node.params as AnyNode[])}]);try{`;
    const tail = `}catch(__tke$){${rec}.t(__tk$,__tke$);throw __tke$}finally{${rec}.x(${idExpr},__tk$)}`;
    if (body.type === 'BlockStatement') {
      let open = body.start + 1;
      for (const s of body.body as AnyNode[]) {
        if (s.type === 'ExpressionStatement' && typeof s.directive === 'string') open = s.end;
        else break;
      }
      // An empty body is one insert: apart, its opening and closing would meet at one position.
      if (open === body.end - 1) inserts.push({ pos: open, text: head + tail, depth, close: false });
      else {
        inserts.push({ pos: open, text: head, depth, close: false });
        inserts.push({ pos: body.end - 1, text: tail, depth, close: true });
      }
    } else {
      // `(x) => expr`: the block starts after `=>` and ends where the arrow ends (any parentheses included).
      const arrow = code.lastIndexOf('=>', body.start);
      inserts.push({ pos: arrow + 2, text: `{${head}return ${rec}.r(__tk$,(`, depth, close: false });
      inserts.push({ pos: node.end, text: `))${tail}}`, depth, close: true });
    }
  });

  for (const r of returns) {
    if (!ids.has(r.fn)) continue;
    const arg = r.node.argument as AnyNode;
    // A leading space: minifiers and tsx write `return(x)` and return`tpl`.
    inserts.push({ pos: arg.start, text: ` ${rec}.r(__tk$,(`, depth: r.depth, close: false });
    inserts.push({ pos: arg.end, text: `))`, depth: r.depth, close: true });
  }
  if (functions.length === 0) return { ok: false, reason: skipped > 0 ? `${skipped} function(s) skipped, none instrumented` : 'no functions' };

  // At one position: closings first (innermost first), then openings (outermost first).
  inserts.sort((a, b) => a.pos - b.pos || (a.close === b.close ? (a.close ? b.depth - a.depth : a.depth - b.depth) : a.close ? -1 : 1));
  const s = new MagicString(code);
  for (let i = 0; i < inserts.length; ) {
    const pos = inserts[i]!.pos;
    let text = '';
    for (; i < inserts.length && inserts[i]!.pos === pos; i++) text += inserts[i]!.text;
    s.appendLeft(pos, text);
  }
  if (inputMap) s.remove(inputMap.commentStart, inputMap.commentEnd);
  const files = [...new Set(functions.map((f) => f.file))];
  const meta = JSON.stringify([files, functions.map((f) => [f.name, files.indexOf(f.file), f.line, f.column])]);
  // The marker goes first, or right after a shebang line (which must stay the file's first bytes).
  if (code.startsWith('#!')) {
    const eol = code.indexOf('\n');
    if (eol === -1) s.append(`\n${INSTRUMENTED_MARKER}`);
    else s.appendLeft(eol + 1, INSTRUMENTED_MARKER);
  } else s.prepend(INSTRUMENTED_MARKER);
  s.append(`\n;function __tk$f(){return __tk$f.b===undefined?(__tk$f.b=${rec}.f(${meta})):__tk$f.b}`);
  // ES modules are named by URL in stack traces, CommonJS ones by path: the map keeps that.
  const generated = s.generateMap({ source: input.format === 'module' ? pathToFileURL(file).href : file, includeContent: true, hires: 'boundary' });
  if (inputMap && input.format === 'module') inputMap.map.sources = inputMap.map.sources.map((src) => (src && src.startsWith('/') ? pathToFileURL(src).href : src));
  const map = composeMaps(generated as unknown as SourceMapInput, inputMap);
  const out = `${s.toString()}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  return { ok: true, code: out, map, functions, skipped };
}
