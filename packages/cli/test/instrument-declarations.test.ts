import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-instrument-decl-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const LIB = "export function add(a, b) {\n  return a + b;\n}\n\nexport async function load(id) {\n  return { id };\n}\n\nfunction internal() {}\n";

function instrument(...args: string[]) {
  return spawnSync(process.execPath, ['--import', TSX, BIN, 'instrument', ...args], { cwd: dir, encoding: 'utf8' });
}

describe('tracekit instrument on function declarations', () => {
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"lib","type":"module"}');
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src/lib.js'), LIB);

  it('says why it changes nothing and what to do instead', () => {
    const r = instrument('src/lib.js');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'nothing to change in 1 file\n3 function declarations are left alone to keep their hoisting (add, load, internal): wrap them with trace() yourself, or use `tracekit run` for whole-app tracing\n',
    );
    expect(fs.readFileSync(path.join(dir, 'src/lib.js'), 'utf8')).toBe(LIB);
  });

  it('names only the declarations --only asked for, and says nothing of them when something changed', () => {
    expect(instrument('src/lib.js', '--only', 'load').stdout).toBe(
      'nothing to change in 1 file\n1 function declaration is left alone to keep its hoisting (load): wrap it with trace() yourself, or use `tracekit run` for whole-app tracing\n',
    );
    fs.writeFileSync(path.join(dir, 'src/mixed.js'), 'export function a() {}\nexport const b = () => 1;\n');
    expect(instrument('src/mixed.js').stdout).toBe("instrumented src/mixed.js: trace(b)\n");
  });
});
