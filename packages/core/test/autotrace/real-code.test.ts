import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { transformSource } from '../../src/autotrace/transform.js';

const require = createRequire(import.meta.url);

/** The CommonJS sources of a few real packages: plenty of shapes no hand-written corpus has. */
function sources(): Array<{ file: string; code: string }> {
  const out: Array<{ file: string; code: string }> = [];
  for (const pkg of ['express', 'router', 'qs', 'body-parser', 'debug', 'acorn-walk']) {
    let root: string;
    try {
      root = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'test') walk(p);
        else if (e.isFile() && /\.c?js$/.test(e.name) && !e.name.endsWith('.min.js')) out.push({ file: p, code: fs.readFileSync(p, 'utf8') });
      }
    };
    walk(root);
  }
  return out;
}

describe('real code', () => {
  it('every instrumented file of Express, its router, qs, body-parser, debug and acorn-walk still compiles', () => {
    const files = sources().filter((f) => !/^\s*(import|export)\s/m.test(f.code));
    expect(files.length).toBeGreaterThan(30);
    let instrumented = 0;
    for (const { file, code } of files) {
      const out = transformSource({ code, file, format: 'commonjs' });
      if (!out.ok) {
        expect(out.reason).toBe('no functions');
        continue;
      }
      instrumented++;
      // The CommonJS wrapper, as Node compiles it: a syntax error would throw here.
      expect(() => new vm.Script(`(function (exports, require, module, __filename, __dirname) {${out.code.replace(/^#!.*/, '')}\n})`, { filename: file }), file).not.toThrow();
    }
    expect(instrumented).toBeGreaterThan(20);
  });
});
