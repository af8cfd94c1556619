import { parse, type ParserPlugin } from '@babel/parser';
import path from 'node:path';

/** A Babel AST node, read generically. */
export type BabelNode = { type: string; start?: number | null; end?: number | null; loc?: { start: { line: number; column: number } } | null } & Record<string, any>;

/**
 * Parses JavaScript or TypeScript (by extension) with Babel's parser, keeping going past
 * recoverable errors. Decorators are accepted in either syntax, so a file is read as written.
 */
export function parseSource(code: string, file: string): { program: BabelNode; errors: string[] } {
  const ext = path.extname(file);
  const ts = /\.[cm]?tsx?$/.test(ext);
  const plugins: ParserPlugin[] = [ts ? 'typescript' : 'jsx', ts ? 'decorators-legacy' : ['decorators', { decoratorsBeforeExport: true }]];
  if (ext === '.tsx') plugins.push('jsx');
  const ast = parse(code, {
    sourceType: 'unambiguous',
    plugins,
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: false,
    sourceFilename: file,
  });
  const errors = (ast.errors ?? []).map((e) => (e as unknown as Error).message);
  return { program: ast.program as unknown as BabelNode, errors };
}

/** Calls `visit` for every node with its ancestors (the node itself last). */
export function walk(node: BabelNode, visit: (node: BabelNode, ancestors: BabelNode[]) => void, ancestors: BabelNode[] = []): void {
  ancestors.push(node);
  visit(node, ancestors);
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'extra') continue;
    const v = node[key] as unknown;
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c === 'object' && typeof (c as BabelNode).type === 'string') walk(c as BabelNode, visit, ancestors);
    } else if (v && typeof v === 'object' && typeof (v as BabelNode).type === 'string') walk(v as BabelNode, visit, ancestors);
  }
  ancestors.pop();
}
