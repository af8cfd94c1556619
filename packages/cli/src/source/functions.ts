import type { BabelNode } from './parse.js';

/** Kinds of function `analyze` counts. */
export const FUNCTION_KINDS = ['declaration', 'expression', 'arrow', 'method', 'constructor', 'getter', 'setter'] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'ClassPrivateMethod', 'ObjectMethod']);

/** One function found in a file. */
export interface FoundFunction {
  kind: FunctionKind;
  async: boolean;
  generator: boolean;
  /** Already wrapped in `trace(...)` or decorated with `@Trace()`. */
  traced: boolean;
  node: BabelNode;
}

/** True when a call is `trace(...)` or `<something>.trace(...)`. */
export function isTraceCall(node: BabelNode | undefined): boolean {
  if (node?.type !== 'CallExpression') return false;
  const c = node.callee as BabelNode;
  return (c.type === 'Identifier' && c.name === 'trace') || (c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier' && c.property.name === 'trace');
}

/** True when a decorator list has `@Trace()` (or `@x.Trace()`). */
export function hasTraceDecorator(decorators: BabelNode[] | undefined | null): boolean {
  return (decorators ?? []).some((d) => {
    const e = d.expression as BabelNode;
    const callee = e.type === 'CallExpression' ? (e.callee as BabelNode) : e;
    return (callee.type === 'Identifier' && callee.name === 'Trace') || (callee.type === 'MemberExpression' && callee.property?.name === 'Trace');
  });
}

/** Classifies a function node, or undefined for anything else. */
export function describe(node: BabelNode, parent: BabelNode | undefined): FoundFunction | undefined {
  if (!FUNCTION_TYPES.has(node.type)) return undefined;
  let kind: FunctionKind;
  if (node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod' || node.type === 'ObjectMethod') {
    kind = node.kind === 'constructor' ? 'constructor' : node.kind === 'get' ? 'getter' : node.kind === 'set' ? 'setter' : 'method';
  } else kind = node.type === 'FunctionDeclaration' ? 'declaration' : node.type === 'ArrowFunctionExpression' ? 'arrow' : 'expression';
  const traced = isTraceCall(parent) ? (parent!.arguments as BabelNode[])[0] === node : hasTraceDecorator(node.decorators as BabelNode[]);
  return { kind, async: node.async === true, generator: node.generator === true, traced, node };
}
