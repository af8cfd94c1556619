import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const DIST = path.resolve(__dirname, '../../dist');

/** Runs a CommonJS script against the built package and returns its JSON output. */
function cjs(script: string): unknown {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: DIST, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('the CommonJS build (built package)', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(DIST, 'index.cjs'))) throw new Error('build @tracekit/core first: npm run build -w @tracekit/core');
  });

  it('keeps class names: a config error prints as TracekitConfigError, not _class', () => {
    const out = cjs(`
      const t = require('./index.cjs');
      let e; try { t.init({ sampleRate: 2 }); } catch (err) { e = err; }
      console.log(JSON.stringify({ ctor: e.constructor.name, name: e.name, client: t.TracekitClient.name, inspected: require('node:util').inspect(e).split('\\n')[0] }));
    `);
    expect(out).toMatchObject({ ctor: 'TracekitConfigError', name: 'TracekitConfigError', client: 'TracekitClient' });
    expect((out as { inspected: string }).inspected).toMatch(/^TracekitConfigError: /);
  });

  it('shares one copy of each module between the entry points, as the ES module build does', () => {
    const out = cjs(`
      const t = require('./index.cjs');
      const a = require('./adapter.cjs');
      const k = require('./testing.cjs');
      console.log(JSON.stringify({ init: a.init === t.init, client: a.TracekitClient === t.TracekitClient, testing: typeof k.setupTestTracing }));
    `);
    expect(out).toEqual({ init: true, client: true, testing: 'function' });
  });

  it('exports plain values once loaded, in every file, so a call into another file is no getter chain', () => {
    const out = cjs(`
      const fs = require('node:fs');
      const getters = [];
      let checked = 0;
      // The package's entry points and the chunks they share (not the worker or the auto-instrumentation hook).
      for (const f of fs.readdirSync('.').filter((n) => /^(index|adapter|testing|chunk-.*)\.cjs$/.test(n))) {
        const m = require('./' + f);
        for (const key of Object.getOwnPropertyNames(m)) {
          const d = Object.getOwnPropertyDescriptor(m, key);
          checked++;
          if (d.get) getters.push(f + ':' + key);
        }
      }
      const a = require('./adapter.cjs');
      console.log(JSON.stringify({ getters, checked, scope: typeof a.RequestScope, esModule: a.__esModule }));
    `) as { getters: string[]; checked: number; scope: string; esModule: boolean };
    expect(out.getters).toEqual([]);
    expect(out.checked).toBeGreaterThan(100);
    expect(out.scope).toBe('function');
    expect(out.esModule).toBe(true);
  });

  it('is the code as written: no lowered class fields or optional chaining helpers', () => {
    for (const f of fs.readdirSync(DIST).filter((n) => n.endsWith('.cjs'))) {
      const code = fs.readFileSync(path.join(DIST, f), 'utf8');
      expect(code, f).not.toMatch(/\b_optionalChain\(|\(_class\d* = class/);
    }
  });
});
