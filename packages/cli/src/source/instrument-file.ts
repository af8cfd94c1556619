import MagicString from 'magic-string';
import { hasTraceDecorator } from './functions.js';
import { parseSource, type BabelNode } from './parse.js';

/** What {@link instrumentSource} may add. */
export interface InstrumentOptions {
  /** Add `@Trace()` to class methods (only where the TypeScript configuration enables decorators). */
  decorators: boolean;
  /** The package `trace` / `Trace` are imported from when the file has no TraceKit import yet. */
  importFrom: string;
  /** Only these functions (`name`, `Class.method` or `method`); default every candidate. */
  only?: ReadonlySet<string>;
}

/** The edited source and what changed. */
export interface InstrumentResult {
  code: string;
  wrapped: string[];
  decorated: string[];
  changed: boolean;
  errors: string[];
  /** Top-level function declarations left as they are (to keep their hoisting), among the functions asked for. */
  declarations: string[];
}

interface Binding {
  /** How the file reaches `trace` and `Trace`: `trace` / `tracekit.trace`, or undefined when not imported. */
  trace?: string;
  decorator?: string;
  esm: boolean;
  /** Where a new import or require goes: after the shebang, directives and existing imports/requires. */
  insertAt: number;
}

function isTracekitSource(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('@tracekit/');
}

function requireSource(node: BabelNode | undefined): string | undefined {
  if (node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'StringLiteral') return node.arguments[0].value as string;
  return undefined;
}

function bindings(program: BabelNode, code: string): Binding {
  const body = program.body as BabelNode[];
  const esm = body.some((s) => /^(Import|Export)/.test(s.type)) || program.sourceType === 'module';
  const out: Binding = { esm, insertAt: code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0 };
  const directives = (program.directives ?? []) as BabelNode[];
  if (directives.length > 0) out.insertAt = directives[directives.length - 1]!.end!;
  for (const s of body) {
    if (s.type === 'ImportDeclaration') {
      out.insertAt = s.end!;
      if (!isTracekitSource(s.source.value)) continue;
      for (const spec of s.specifiers as BabelNode[]) {
        if (spec.type === 'ImportNamespaceSpecifier') {
          out.trace ??= `${spec.local.name as string}.trace`;
          out.decorator ??= `${spec.local.name as string}.Trace`;
        } else if (spec.type === 'ImportSpecifier' && spec.imported.name === 'trace') out.trace = spec.local.name as string;
        else if (spec.type === 'ImportSpecifier' && spec.imported.name === 'Trace') out.decorator = spec.local.name as string;
      }
    } else if (s.type === 'VariableDeclaration' && s.declarations.length === 1 && requireSource(s.declarations[0].init)) {
      out.insertAt = s.end!;
      if (!isTracekitSource(requireSource(s.declarations[0].init))) continue;
      const id = s.declarations[0].id as BabelNode;
      if (id.type === 'Identifier') {
        out.trace ??= `${id.name as string}.trace`;
        out.decorator ??= `${id.name as string}.Trace`;
      } else if (id.type === 'ObjectPattern') {
        for (const p of id.properties as BabelNode[]) if (p.key?.name === 'trace' && p.value?.type === 'Identifier') out.trace = p.value.name as string;
      }
    } else if (!(s.type === 'ExpressionStatement' && s.directive)) break;
  }
  // After a trailing comment on the same line (`import x from 'x'; // why`), not inside it.
  const lineEnd = code.indexOf('\n', out.insertAt);
  const rest = code.slice(out.insertAt, lineEnd === -1 ? code.length : lineEnd);
  if (out.insertAt > 0 && code[out.insertAt - 1] !== '\n' && /^[ \t]*(\/\/.*|\/\*.*\*\/[ \t]*)?$/.test(rest)) out.insertAt += rest.length;
  return out;
}

function indentAt(code: string, pos: number): string {
  const lineStart = code.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(code.slice(lineStart, pos))![0];
}

/**
 * Adds tracing to a file's top-level functions, keeping everything else byte for byte (Babel's
 * parser to find them, magic-string to insert text; nothing is reprinted):
 * - `const f = (…) => …` and `const f = function …` (exported or not) become
 *   `const f = trace((…) => …, { name: 'f' })`;
 * - class methods get `@Trace()` when `decorators` is set (constructors, accessors, static and
 *   `#private` methods are left alone);
 * - the import (or `require`) is added after the shebang, directives and existing imports.
 * Function declarations are left as they are: wrapping them would lose hoisting (whole-app
 * tracing, `tracekit run`, covers them). What is already traced is skipped, so a second run
 * changes nothing.
 */
export function instrumentSource(code: string, file: string, options: InstrumentOptions): InstrumentResult {
  const { program, errors } = parseSource(code, file);
  if (errors.length > 0) return { code, wrapped: [], decorated: [], changed: false, errors, declarations: [] };
  const s = new MagicString(code);
  const bind = bindings(program, code);
  const wrapped: string[] = [];
  const decorated: string[] = [];
  const declarations: string[] = [];
  const traceName = bind.trace ?? 'trace';
  const decoratorName = bind.decorator ?? 'Trace';
  const visitDeclaration = (decl: BabelNode) => {
    if (decl.type === 'FunctionDeclaration' && decl.id?.name && (!options.only || options.only.has(decl.id.name as string))) declarations.push(decl.id.name as string);
    if (decl.type === 'VariableDeclaration') {
      for (const d of decl.declarations as BabelNode[]) {
        const init = d.init as BabelNode | null;
        if (d.id.type !== 'Identifier' || !init || (init.type !== 'ArrowFunctionExpression' && init.type !== 'FunctionExpression')) continue;
        const name = d.id.name as string;
        if (options.only && !options.only.has(name)) continue;
        s.appendLeft(init.start!, `${traceName}(`);
        s.appendRight(init.end!, `, { name: '${name}' })`);
        wrapped.push(name);
      }
    } else if ((decl.type === 'ClassDeclaration' || decl.type === 'ClassExpression') && options.decorators) {
      const owner = (decl.id?.name as string | undefined) ?? 'default';
      for (const m of decl.body.body as BabelNode[]) {
        if (m.type !== 'ClassMethod' || m.kind !== 'method' || m.static || m.computed || hasTraceDecorator(m.decorators)) continue;
        if (options.only && !options.only.has(`${owner}.${m.key.name as string}`) && !options.only.has(m.key.name as string)) continue;
        const at = (m.decorators as BabelNode[] | undefined)?.[0]?.start ?? m.start!;
        s.appendLeft(at, `@${decoratorName}()\n${indentAt(code, at)}`);
        decorated.push(`${owner}.${m.key.name as string}`);
      }
    }
  };
  for (const stmt of program.body as BabelNode[]) {
    if (stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') {
      if (stmt.declaration) visitDeclaration(stmt.declaration as BabelNode);
    } else visitDeclaration(stmt);
  }
  // A function already inside `trace(...)` is a call, not a bare function, so it never matches above.
  const needTrace = wrapped.length > 0 && bind.trace === undefined;
  const needDecorator = decorated.length > 0 && bind.decorator === undefined;
  if (needTrace || needDecorator) {
    const names = [needTrace ? 'trace' : '', needDecorator ? 'Trace' : ''].filter(Boolean).join(', ');
    const statement = bind.esm ? `import { ${names} } from '${options.importFrom}';` : `const { ${names} } = require('${options.importFrom}');`;
    if (bind.insertAt === 0) s.prepend(`${statement}\n`);
    else s.appendLeft(bind.insertAt, `${code[bind.insertAt - 1] === '\n' ? '' : '\n'}${statement}${code[bind.insertAt - 1] === '\n' ? '\n' : ''}`);
  }
  const out = s.toString();
  return { code: out, wrapped, decorated, changed: out !== code, errors: [], declarations };
}
