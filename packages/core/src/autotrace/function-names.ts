import type { Node } from 'acorn';
import { simple } from 'acorn-walk';

/** ESTree nodes as plain records: the transform reads a few fields of many node types. */
export type AnyNode = Node & Record<string, any>;

/** Where a function sits, which decides its name and whether it is instrumented. */
export type FunctionKind = 'declaration' | 'expression' | 'arrow' | 'method' | 'constructor' | 'getter' | 'setter';

function keyName(key: AnyNode | undefined, computed: boolean, code: string): string {
  if (!key) return '<anonymous>';
  if (key.type === 'Identifier' && !computed) return key.name as string;
  if (key.type === 'PrivateIdentifier') return `#${key.name as string}`;
  if (key.type === 'Literal' && !computed) return String(key.value);
  return `[${code.slice(key.start, key.end).slice(0, 40)}]`;
}

function className(cls: AnyNode, parent: AnyNode | undefined, renamed: ReadonlyMap<string, string> | undefined): string {
  if (cls.id) return renamed?.get(cls.id.name as string) ?? (cls.id.name as string);
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name as string;
  if (parent?.type === 'ExportDefaultDeclaration') return 'default';
  return '<class>';
}

function targetName(node: AnyNode, code: string): string | undefined {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'MemberExpression') {
    const text = code.slice(node.start, node.end);
    return text.length <= 60 && !/\s/.test(text) ? text : keyName(node.property, node.computed, code);
  }
  return undefined;
}

/**
 * esbuild's `keepNames` (on in tsx) wraps a function whose name JavaScript infers from where it
 * stands in `__name(fn, "name")`, so that renaming keeps `fn.name`. Returns the given name when
 * `call` is such a wrapper of `fn` (`__name2` and so on when the app has a `__name` of its own).
 */
function keptName(call: AnyNode | undefined, fn: AnyNode): string | undefined {
  if (call?.type !== 'CallExpression' || call.callee.type !== 'Identifier' || !KEEP_NAMES.test(call.callee.name as string)) return undefined;
  const args = call.arguments as AnyNode[];
  const given = args[1];
  return args.length === 2 && args[0] === fn && given?.type === 'Literal' && typeof given.value === 'string' ? given.value : undefined;
}

const KEEP_NAMES = /^__name\d*$/;

/**
 * The classes a compiler renamed and gave their names back with `__name(_Cart, "Cart")` (esbuild
 * does so for a decorated class), so its methods are `Cart.add` as in the source.
 */
export function renamedClasses(ast: AnyNode, code: string): ReadonlyMap<string, string> | undefined {
  if (!code.includes('__name')) return undefined;
  const out = new Map<string, string>();
  simple(ast, {
    CallExpression(node) {
      const call = node as AnyNode;
      const [target, given] = call.arguments as AnyNode[];
      if (call.callee.type === 'Identifier' && KEEP_NAMES.test(call.callee.name as string) && call.arguments.length === 2 && target?.type === 'Identifier' && given?.type === 'Literal' && typeof given.value === 'string' && target.name !== given.value) {
        out.set(target.name as string, given.value);
      }
    },
  });
  return out.size > 0 ? out : undefined;
}

/**
 * The function's kind and its qualified name as spans show it: `name`, `Class.method`,
 * `Class.constructor`, `object.method`, `exports.handler`, or `<anonymous>` for an unnamed
 * callback (its line tells it apart). `ancestors` ends with the function itself. A function
 * wrapped in esbuild's `__name(fn, "name")` is named as if it stood where the call stands,
 * else by the name the call gives it; `renamed` (from {@link renamedClasses}) names classes.
 */
export function describeFunction(ancestors: readonly AnyNode[], code: string, renamed?: ReadonlyMap<string, string>): { name: string; kind: FunctionKind } {
  const fn = ancestors[ancestors.length - 1] as AnyNode;
  const kept = keptName(ancestors[ancestors.length - 2], fn);
  if (kept === undefined) return describeAt(ancestors, ancestors.length - 1, fn, code, renamed);
  // Seen through the wrapper: the call takes the function's place among its ancestors.
  const seen = describeAt(ancestors, ancestors.length - 2, fn, code, renamed);
  return seen.name === '<anonymous>' || seen.name.endsWith(' callback') ? { name: kept, kind: seen.kind } : seen;
}

/** Names `fn`, which stands at `ancestors[at]` (itself, or the `__name` call around it). */
function describeAt(ancestors: readonly AnyNode[], at: number, fn: AnyNode, code: string, renamed: ReadonlyMap<string, string> | undefined): { name: string; kind: FunctionKind } {
  const self = ancestors[at] as AnyNode;
  const parent = ancestors[at - 1];
  const grand = ancestors[at - 2];
  if (parent?.type === 'MethodDefinition' && parent.value === self) {
    const cls = ancestors[at - 3] as AnyNode;
    const owner = cls ? className(cls, ancestors[at - 4], renamed) : '<class>';
    const kind: FunctionKind = parent.kind === 'constructor' ? 'constructor' : parent.kind === 'get' ? 'getter' : parent.kind === 'set' ? 'setter' : 'method';
    return { name: `${owner}.${keyName(parent.key, parent.computed, code)}`, kind };
  }
  if (parent?.type === 'PropertyDefinition' && parent.value === self) {
    const cls = ancestors[at - 3] as AnyNode;
    const owner = cls ? className(cls, ancestors[at - 4], renamed) : '<class>';
    return { name: `${owner}.${keyName(parent.key, parent.computed, code)}`, kind: fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'method' };
  }
  if (parent?.type === 'Property' && parent.value === self) {
    const kind: FunctionKind = parent.kind === 'get' ? 'getter' : parent.kind === 'set' ? 'setter' : parent.method ? 'method' : fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'expression';
    const key = keyName(parent.key, parent.computed, code);
    // `const api = { list() {} }` is `api.list`.
    const holder = ancestors[at - 3];
    const owner = grand?.type === 'ObjectExpression' && holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? `${holder.id.name as string}.` : '';
    return { name: `${owner}${key}`, kind };
  }
  const kind: FunctionKind = fn.type === 'FunctionDeclaration' ? 'declaration' : fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'expression';
  if (fn.id) return { name: fn.id.name as string, kind };
  if (parent?.type === 'VariableDeclarator' && parent.init === self) return { name: targetName(parent.id, code) ?? '<anonymous>', kind };
  if (parent?.type === 'AssignmentExpression' && parent.right === self) return { name: targetName(parent.left, code) ?? '<anonymous>', kind };
  if (parent?.type === 'AssignmentPattern' && parent.right === self) return { name: targetName(parent.left, code) ?? '<anonymous>', kind };
  if (parent?.type === 'ExportDefaultDeclaration') return { name: 'default', kind };
  // A callback is named after what it is passed to: `app.get callback`, `then callback`.
  if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.callee !== self) {
    const callee = parent.callee as AnyNode;
    const target = callee.type === 'MemberExpression' ? targetName(callee, code) : callee.type === 'Identifier' ? (callee.name as string) : undefined;
    if (target) return { name: `${target.length > 40 ? keyName(callee.property, callee.computed, code) : target} callback`, kind };
  }
  return { name: '<anonymous>', kind };
}
