import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Core's modules must not import each other in a circle at run time (issue 11: client ↔ outbound,
// config ↔ resolvers, request state ↔ span). Type-only imports are erased and do not count.
const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative modules a file loads at run time. */
function runtimeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+'(\.[^']+)'/gms;
  for (const m of text.matchAll(re)) {
    if (m[2]) continue;
    const clause = m[3]!;
    const braces = /^\{([^}]*)\}$/s.exec(clause.trim());
    if (braces && braces[1]!.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    out.push(path.resolve(path.dirname(file), m[4]!.replace(/\.js$/, '.ts')));
  }
  for (const m of text.matchAll(/^\s*import\s+'(\.[^']+)'/gm)) out.push(path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out;
}

function cycles(): string[][] {
  const files = sources(src);
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((t) => fs.existsSync(t))]));
  const found: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 1) found.push([...stack.slice(stack.indexOf(t)), t].map((p) => path.relative(src, p)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('core module graph', () => {
  it('has no run-time import circles', () => {
    expect(cycles()).toEqual([]);
  });

  it('sees a circle when there is one (the check itself works)', () => {
    // client.ts loads http/outbound.ts at run time; outbound must reach the client without importing it.
    expect(runtimeImports(path.join(src, 'client.ts')).map((p) => path.relative(src, p))).toContain(path.join('http', 'outbound.ts'));
    expect(runtimeImports(path.join(src, 'http/outbound.ts')).map((p) => path.relative(src, p))).not.toContain('client.ts');
  });
});
