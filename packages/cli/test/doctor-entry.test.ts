import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A project folder with these files (`package.json` given as an object). */
function project(files: Record<string, string | object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-doctor-entry-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** `tracekit doctor ...args` from source in `cwd`, without the test run's TraceKit or OTLP variables. */
function doctor(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRACEKIT_') && !k.startsWith('OTEL_')));
  const r = spawnSync(process.execPath, ['--import', TSX, BIN, 'doctor', ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An Express app registering TraceKit after its first route (line 5), in ES module syntax. */
const LATE_ESM = "import express from 'express';\nimport * as tracekit from '@tracekit/express';\nconst app = express();\napp.get('/x', (req, res) => res.send('x'));\napp.use(tracekit.express());\napp.listen(3000);\n";
const LATE_CJS = "const express = require('express');\nconst tracekit = require('@tracekit/express');\nconst app = express();\napp.get('/x', (req, res) => res.send('x'));\napp.use(tracekit.express());\napp.listen(3000);\n";
const LATE = (rel: string) => `✗ ${rel}:5: TraceKit is registered after the first route (app.get('/x') at line 4); requests to earlier routes get no span`;
// `npm init -y` writes main: index.js, which usually does not exist.
const PKG = { name: 'd', version: '1.0.0', main: 'index.js', type: 'module', dependencies: { express: '^5.0.0', '@tracekit/express': '0.1.0' } };

describe('tracekit doctor: finding the entry file', () => {
  it('checks an ES module app.mjs exactly as it checks app.js', () => {
    const mjs = doctor(project({ 'package.json': PKG, 'app.mjs': LATE_ESM }));
    const js = doctor(project({ 'package.json': PKG, 'app.js': LATE_ESM }));
    expect(mjs.stdout).toContain(`  ${LATE('app.mjs')}\n      fix: register the TraceKit middleware or plugin before any route\n`);
    expect(js.stdout).toContain(`  ${LATE('app.js')}\n`);
    expect(mjs.stdout.replaceAll('app.mjs', 'app.js').split('\n').slice(1)).toEqual(js.stdout.split('\n').slice(1));
    expect(mjs.code).toBe(1);
  });

  it('finds .cjs, .mts and .cts entries by the usual names, in src/ too', () => {
    for (const name of ['server.cjs', 'src/main.mts', 'src/index.cts', 'src/app.mjs']) {
      const r = doctor(project({ 'package.json': { ...PKG, type: 'commonjs' }, [name]: name.endsWith('cjs') || name.endsWith('cts') ? LATE_CJS : LATE_ESM }));
      expect(r.stdout).toContain(LATE(path.normalize(name)));
    }
  });

  it('reads the files named by package.json main, bin and scripts.start', () => {
    const dir = project({
      'package.json': { ...PKG, main: 'lib/boot', bin: { shop: 'bin/shop.cjs' }, scripts: { start: 'node --import tsx --enable-source-maps web.mts' } },
      'lib/boot.mjs': LATE_ESM,
      'bin/shop.cjs': LATE_CJS,
      'web.mts': LATE_ESM,
    });
    const r = doctor(dir);
    expect(r.stdout).toContain(LATE(path.normalize('lib/boot.mjs')));
    expect(r.stdout).toContain(LATE(path.normalize('bin/shop.cjs')));
    expect(r.stdout).toContain(LATE('web.mts'));
    const single = doctor(project({ 'package.json': { ...PKG, bin: 'cli.mjs', scripts: { start: 'tsx watch api.ts' } }, 'cli.mjs': LATE_ESM, 'api.ts': LATE_ESM }));
    expect(single.stdout).toContain(LATE('cli.mjs'));
    expect(single.stdout).toContain(LATE('api.ts'));
  });

  it('says so when it finds no entry file, and checks the file it is given', () => {
    const dir = project({ 'package.json': PKG, 'boot/start-here.mjs': LATE_ESM });
    const none = doctor(dir);
    expect(none.stdout).toContain("  ! could not find the app's entry file: pass it as `tracekit doctor <file>` or set package.json main\n");
    expect(none.stdout).not.toContain('registered after');
    const given = doctor(path.join(dir, 'boot'), 'start-here.mjs');
    expect(given.stdout.split('\n')[0]).toBe(`tracekit doctor ${dir}`);
    expect(given.stdout).toContain(LATE(path.normalize('boot/start-here.mjs')));
    expect(given.stdout).not.toContain('could not find');
    expect(given.code).toBe(1);
    const missing = doctor(dir, 'nope.mjs');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
  });
});
