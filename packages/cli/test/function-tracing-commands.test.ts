import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeProject } from '../src/commands/analyze.js';
import { diagnose, entryFacts } from '../src/commands/doctor.js';
import { planRun } from '../src/commands/run.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// tsx by absolute URL: the commands run in temporary folders where `--import tsx` would not resolve.
const TSX = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the tracekit command from source (through tsx) in `cwd`; `onStdout` may act on the output as it comes. */
function tracekit(cwd: string, args: string[], onStdout?: (text: string, child: import('node:child_process').ChildProcess) => void, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], { cwd, env: { ...process.env, TRACEKIT_TRACE_CACHE: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tracekit-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

describe('tracekit analyze', () => {
  it('--json reports functions by kind, traced ones, frameworks and problems, exactly', async () => {
    const result = await tracekit(path.join(FIXTURES, 'analyze-project'), ['analyze', '.', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      root: '.',
      files: 3,
      functions: {
        total: 9,
        byKind: { declaration: 1, expression: 2, arrow: 2, method: 1, constructor: 1, getter: 1, setter: 1 },
        async: 2,
        generators: 1,
      },
      instrumentable: 7,
      alreadyTraced: 2,
      frameworks: ['express'],
      moduleSystem: 'mixed',
      problems: [
        { file: 'src/legacy.js', message: 'CommonJS syntax in a file Node loads as an ES module (package.json "type" / file extension)' },
        { file: 'src/service.ts', message: 'decorators are used but tsconfig.json does not set "experimentalDecorators": true, so TypeScript compiles them as standard decorators (NestJS needs the legacy ones)' },
        { file: 'package.json', message: 'express is used but @tracekit/express is not a dependency (npm install @tracekit/express)' },
      ],
    });
  });

  it('prints a table by default', () => {
    const report = analyzeProject('.', path.join(FIXTURES, 'analyze-project'));
    expect(report.functions.total).toBe(9);
  });
});

describe('tracekit instrument', () => {
  it('adds trace() and @Trace() keeping the formatting, and a second run changes 0 bytes', async () => {
    const dir = copyFixture('instrument-project');
    const first = await tracekit(dir, ['instrument', 'handlers.js', 'service.ts', 'legacy.cjs']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'instrumented handlers.js: trace(getOrder), trace(helper)\ninstrumented legacy.cjs: trace(join)\ninstrumented service.ts: trace(total), @Trace() OrderService.find\n',
    );
    expect(fs.readFileSync(path.join(dir, 'handlers.js'), 'utf8')).toBe(`#!/usr/bin/env node
'use strict';
import express from 'express'; // the framework
import { db } from './db.js';
import { trace } from '@tracekit/express';

/** Loads one order. */
export const getOrder = trace(async (req, res) => {
  res.json(await db.find(req.params.id)); // keep this comment
}, { name: 'getOrder' });

const   helper = trace(function (x) {
    return x * 2;   // odd spacing stays
}, { name: 'helper' })

function declared() { return helper(1); }
export default declared;
`);
    expect(fs.readFileSync(path.join(dir, 'service.ts'), 'utf8')).toBe(`import { Injectable } from '@nestjs/common';
import { trace, Trace } from '@tracekit/express';

@Injectable()
export class OrderService {
  constructor(private readonly repo: { find(id: string): Promise<unknown> }) {}

  /** Finds an order. */
  @Trace()
  async find(id: string): Promise<unknown> {
    return this.repo.find(id);
  }

  get ready(): boolean { return true; }
  static of() { return 1; }
}

export const total = trace((items: number[]): number => items.reduce((a, b) => a + b, 0), { name: 'total' });
`);
    expect(fs.readFileSync(path.join(dir, 'legacy.cjs'), 'utf8')).toBe(`'use strict';
const path = require('node:path');
const { trace } = require('@tracekit/express');

const join = trace((a, b) => path.join(a, b), { name: 'join' });
module.exports = { join };
`);
    const before = ['handlers.js', 'service.ts', 'legacy.cjs'].map((f) => fs.readFileSync(path.join(dir, f)));
    const second = await tracekit(dir, ['instrument', '*.js', '*.ts', '*.cjs']);
    expect(second.stdout).toBe('nothing to change in 3 files\n1 function declaration is left alone to keep its hoisting (declared): wrap it with trace() yourself, or use `tracekit run` for whole-app tracing\n');
    expect(['handlers.js', 'service.ts', 'legacy.cjs'].map((f) => fs.readFileSync(path.join(dir, f)))).toEqual(before);
    const check = await tracekit(dir, ['instrument', '.', '--check']);
    expect(check.code).toBe(0);
  });

  it('--only limits the edit to the functions named', async () => {
    const dir = copyFixture('instrument-project');
    const result = await tracekit(dir, ['instrument', 'handlers.js', 'service.ts', '--only', 'helper,OrderService.find']);
    expect(result.stdout).toBe('instrumented handlers.js: trace(helper)\ninstrumented service.ts: @Trace() OrderService.find\n');
    expect(fs.readFileSync(path.join(dir, 'service.ts'), 'utf8')).toContain("import { Trace } from '@tracekit/express';");
  });

  it('--dry-run prints a unified diff and writes nothing; --check exits 1 when something would change', async () => {
    const dir = copyFixture('instrument-project');
    const before = fs.readFileSync(path.join(dir, 'legacy.cjs'), 'utf8');
    const dry = await tracekit(dir, ['instrument', 'legacy.cjs', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('--- a/legacy.cjs\n+++ b/legacy.cjs\n');
    expect(dry.stdout).toContain("+const join = trace((a, b) => path.join(a, b), { name: 'join' });\n");
    expect(fs.readFileSync(path.join(dir, 'legacy.cjs'), 'utf8')).toBe(before);
    const check = await tracekit(dir, ['instrument', 'legacy.cjs', '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('would change legacy.cjs: trace(join)\n');
  });
});

describe('tracekit run', () => {
  it('plans node with source maps, a larger stack, tsx first for TypeScript, then the auto hooks', () => {
    const dir = path.join(FIXTURES, 'run-app');
    expect(planRun(['--', 'app.js', 'a', '--b'], dir, {}).args).toEqual(['--enable-source-maps', '--stack-size=2048', '--import', '@tracekit/core/auto', 'app.js', 'a', '--b']);
    expect(planRun(['--events', '--include', 'src/**', 'app.ts'], dir, {})).toMatchObject({
      args: ['--enable-source-maps', '--stack-size=2048', '--import', 'tsx', '--import', '@tracekit/core/auto', 'app.ts'],
      env: { TRACEKIT_FILE_FORMAT: 'events', TRACEKIT_TRACE_INCLUDE: 'src/**' },
    });
    expect(() => planRun(['--nope', 'app.js'], dir, {})).toThrow(/unknown option --nope/);
  });

  it('passes arguments and the exit code through, and the app recurses 10,000 deep', async () => {
    const dir = path.join(FIXTURES, 'run-app');
    const result = await tracekit(dir, ['run', '--', 'app.js', 'exit', 'x']);
    expect(result.stdout).toBe('args exit x depth 10000\n');
    expect(result.code).toBe(7);
  });

  it('runs TypeScript through tsx, recording the app\'s functions and none of esbuild\'s helpers (__name)', async () => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-run-ts-'));
    const file = path.join(store, 'events.jsonl');
    const result = await tracekit(path.join(FIXTURES, 'run-app'), ['run', '--events', 'app-ts.ts', 'Ada'], undefined, { TRACEKIT_FILE: file });
    expect(result.stdout).toBe('hello, Ada\n');
    expect(result.code).toBe(0);
    const enters = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === 'ENTER');
    expect(enters.map((r) => `${r.function as string} ${r.module as string}:${r.line as number}`)).toEqual(['Greeter.constructor app-ts.ts:3', 'Greeter.greet app-ts.ts:4']);
  });

  it('passes signals to the app', async () => {
    const dir = path.join(FIXTURES, 'run-app');
    let sent = false;
    const result = await tracekit(dir, ['run', 'app.js', 'wait'], (text, child) => {
      if (!sent && text.includes('waiting')) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(result.stdout).toBe('args wait depth 10000\nwaiting\ngot SIGTERM\n');
    expect(result.code).toBe(143);
  });
});

describe('tracekit doctor', () => {
  it('finds TraceKit registered after the routes, and an invalid configuration', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-doctor-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'd', type: 'module', main: 'server.js', dependencies: { express: '^5', '@tracekit/express': '^0.1.0' } }));
    fs.writeFileSync(
      path.join(dir, 'server.js'),
      "import express from 'express';\nimport * as tracekit from '@tracekit/express';\ntracekit.init({ sampleRate: 3 });\nconst app = express();\napp.get('/early', (req, res) => res.end());\napp.use(tracekit.express());\n",
    );
    const checks = await diagnose(dir, {}, '24.1.0');
    expect(checks.map((c) => [c.status, c.title])).toEqual([
      ['ok', 'Node 24.1.0'],
      ['error', '@tracekit/express is listed but not installed'],
      ['error', "server.js:6: TraceKit is registered after the first route (app.get('/early') at line 5); requests to earlier routes get no span"],
      ['error', 'configuration invalid: [TK_CONFIG_NUMBER_RANGE] options.sampleRate=3 is invalid: expected a number from 0 to 1'],
    ]);
  });

  it('warns about compiled TypeScript without source maps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-doctor-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'd', dependencies: { '@tracekit/core': '0.1.0' } }));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "outDir": "dist" } }');
    fs.mkdirSync(path.join(dir, 'dist'));
    const checks = await diagnose(dir, {}, '22.12.0');
    expect(checks.find((c) => c.title.startsWith('compiled code'))).toEqual({
      status: 'warn',
      title: 'compiled code in dist without source maps: stack traces and code.lineno point at the JavaScript',
      fix: 'set "sourceMap": true in tsconfig.json and run with --enable-source-maps (tracekit run does)',
    });
  });

  it('reads registration, routes and literal init() options from an entry file', () => {
    const facts = entryFacts("const tk = require('@tracekit/express');\ntk.init({ serviceName: 'x', samplingRules: [{ path: '/h', rate: 0 }] });\napp.use(tk.express());\napp.post('/a', h);\n", 'server.js');
    expect(facts).toEqual({
      init: { options: { serviceName: 'x', samplingRules: [{ path: '/h', rate: 0 }] }, line: 2 },
      registration: { at: expect.any(Number), line: 3 },
      firstRoute: { at: expect.any(Number), line: 4, text: "app.post('/a')" },
    });
  });
});
