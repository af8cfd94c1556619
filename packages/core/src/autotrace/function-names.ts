import type { Node } from 'acorn';

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

function className(cls: AnyNode, parent: AnyNode | undefined): string {
  if (cls.id) return cls.id.name as string;
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
 * The function's kind and its qualified name as spans show it: `name`, `Class.method`,
 * `Class.constructor`, `object.method`, `exports.handler`, or `<anonymous>` for an unnamed
 * callback (its line tells it apart). `ancestors` ends with the function itself.
 */
export function describeFunction(ancestors: readonly AnyNode[], code: string): { name: string; kind: FunctionKind } {
  const fn = ancestors[ancestors.length - 1] as AnyNode;
  const parent = ancestors[ancestors.length - 2];
  const grand = ancestors[ancestors.length - 3];
  if (parent?.type === 'MethodDefinition' && parent.value === fn) {
    const cls = ancestors[ancestors.length - 4] as AnyNode;
    const owner = cls ? className(cls, ancestors[ancestors.length - 5]) : '<class>';
    const kind: FunctionKind = parent.kind === 'constructor' ? 'constructor' : parent.kind === 'get' ? 'getter' : parent.kind === 'set' ? 'setter' : 'method';
    return { name: `${owner}.${keyName(parent.key, parent.computed, code)}`, kind };
  }
  if (parent?.type === 'PropertyDefinition' && parent.value === fn) {
    const cls = ancestors[ancestors.length - 4] as AnyNode;
    const owner = cls ? className(cls, ancestors[ancestors.length - 5]) : '<class>';
    return { name: `${owner}.${keyName(parent.key, parent.computed, code)}`, kind: fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'method' };
  }
  if (parent?.type === 'Property' && parent.value === fn) {
    const kind: FunctionKind = parent.kind === 'get' ? 'getter' : parent.kind === 'set' ? 'setter' : parent.method ? 'method' : fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'expression';
    const key = keyName(parent.key, parent.computed, code);
    // `const api = { list() {} }` is `api.list`.
    const holder = ancestors[ancestors.length - 4];
    const owner = grand?.type === 'ObjectExpression' && holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? `${holder.id.name as string}.` : '';
    return { name: `${owner}${key}`, kind };
  }
  const kind: FunctionKind = fn.type === 'FunctionDeclaration' ? 'declaration' : fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'expression';
  if (fn.id) return { name: fn.id.name as string, kind };
  if (parent?.type === 'VariableDeclarator' && parent.init === fn) return { name: targetName(parent.id, code) ?? '<anonymous>', kind };
  if (parent?.type === 'AssignmentExpression' && parent.right === fn) return { name: targetName(parent.left, code) ?? '<anonymous>', kind };
  if (parent?.type === 'AssignmentPattern' && parent.right === fn) return { name: targetName(parent.left, code) ?? '<anonymous>', kind };
  if (parent?.type === 'ExportDefaultDeclaration') return { name: 'default', kind };
  // A callback is named after what it is passed to: `app.get callback`, `then callback`.
  if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.callee !== fn) {
    const callee = parent.callee as AnyNode;
    const target = callee.type === 'MemberExpression' ? targetName(callee, code) : callee.type === 'Identifier' ? (callee.name as string) : undefined;
    if (target) return { name: `${target.length > 40 ? keyName(callee.property, callee.computed, code) : target} callback`, kind };
  }
  return { name: '<anonymous>', kind };
}
