import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTO_CJS, FIXTURES, readJsonLines, readLogs, readSpans, runNode, tempStore, tracedFlags } from './run-fixture.js';

// Each app of the corpus prints what the language guarantees (this, arguments, length, name,
// new.target, hoisting, live bindings, super, #private, derived constructors, directives,
// generators, async timing, rethrown errors, stack lines, recursion 10,000 deep). Run without
// and with whole-app tracing, the output must be the same, line for line.
const APPS: Array<{ name: string; dir: string; file: string; ts?: boolean; lines: number }> = [
  { name: 'CommonJS', dir: 'cjs', file: 'app.js', lines: 16 },
  { name: 'ES modules (live bindings, circular imports, duplicate re-exports, default class extends)', dir: 'esm', file: 'app.js', lines: 11 },
  { name: 'TypeScript through tsx', dir: 'ts', file: 'app.ts', ts: true, lines: 8 },
  { name: 'compiled TypeScript with a source map', dir: 'compiled-ts', file: 'dist/app.js', lines: 1 },
];

describe('the corpus prints the same with and without instrumentation', () => {
  for (const app of APPS) {
    it(app.name, async () => {
      const dir = path.join(FIXTURES, app.dir);
      const store = tempStore();
      const env = { TRACEKIT_FILE: path.join(store, 'traces.jsonl') };
      // The same stack for both runs: Node 24's own frames are too large for 10,000 levels in its default stack.
      const plain = await runNode(dir, ['--enable-source-maps', '--stack-size=2048', ...(app.ts ? ['--import', 'tsx'] : []), app.file], env);
      const traced = await runNode(dir, [...tracedFlags(app.ts), app.file], { ...env, TRACEKIT_DEBUG: 'true' });
      expect(plain.code).toBe(0);
      expect(plain.stdout.trim().split('\n')).toHaveLength(app.lines);
      expect(traced.stdout).toBe(plain.stdout);
      expect(traced.code).toBe(0);
      expect(traced.stderr).not.toMatch(/untouched: does not parse|instrumentation failed/);
    });
  }

  it('CommonJS with --require (no ES module hooks)', async () => {
    const dir = path.join(FIXTURES, 'cjs');
    const plain = await runNode(dir, ['--stack-size=2048', 'app.js']);
    const traced = await runNode(dir, ['--stack-size=2048', '--require', AUTO_CJS, 'app.js']);
    expect(traced.stdout).toBe(plain.stdout);
  });
});

describe('what is recorded', () => {
  it('events format: ENTER / EXIT / EXCEPTION records with previews, redacted, at the original lines', async () => {
    const store = tempStore();
    const file = path.join(store, 'events.jsonl');
    const run = await runNode(path.join(FIXTURES, 'events'), [...tracedFlags(), 'app.js'], { TRACEKIT_FILE_FORMAT: 'events', TRACEKIT_FILE: file });
    expect(run.stdout).toBe('12\ntrue\nexploded: bad token=abc\nslept\n');
    const records = readJsonLines<Record<string, unknown>>(file);
    const calls = records.filter((r) => r.module === 'app.js');
    const pick = (fn: string) => calls.filter((r) => r.function === fn).map(({ timestamp, durationMicros, durationMillis, traceId, spanId, ...rest }) => rest);
    expect(pick('area')).toEqual([
      { event: 'ENTER', module: 'app.js', function: 'area', line: 5, args: '[3,4]' },
      { event: 'EXIT', module: 'app.js', function: 'area', line: 5, result: '12', status: 'OK' },
    ]);
    expect(pick('login')).toEqual([
      { event: 'ENTER', module: 'app.js', function: 'login', line: 9, args: '[{"name":"ada","password":"***"}]' },
      { event: 'EXIT', module: 'app.js', function: 'login', line: 9, result: '{"ok":true,"name":"ada"}', status: 'OK' },
    ]);
    expect(pick('explode')).toEqual([
      { event: 'ENTER', module: 'app.js', function: 'explode', line: 13, args: '["bad token=abc"]' },
      { event: 'EXCEPTION', module: 'app.js', function: 'explode', line: 13, type: 'Error', exception: 'Error: exploded: bad token=abc', status: 'ERROR' },
    ]);
    // Under the `job` span: the async function is timed until it settles, and is slow enough to be a span.
    const job = records.find((r) => r.event === 'ENTER' && r.name === 'job')!;
    const slowExit = calls.find((r) => r.function === 'slow' && r.event === 'EXIT')!;
    expect(slowExit).toMatchObject({ traceId: job.traceId, spanId: job.spanId, result: '"slept"', line: 17 });
    expect(slowExit.durationMicros as number).toBeGreaterThanOrEqual(4000);
    const slowSpan = records.find((r) => r.event === 'ENTER' && r.name === 'slow')!;
    expect(slowSpan).toMatchObject({ kind: 'INTERNAL', function: 'slow', traceId: job.traceId, parentSpanId: job.spanId });
    // A throw outside any span is recorded, but starts no trace of its own.
    expect(records.filter((r) => r.name === 'explode')).toEqual([]);
  });

  it('a script that never calls init() still has its calls written when it ends', async () => {
    const store = tempStore();
    const file = path.join(store, 'events.jsonl');
    const run = await runNode(path.join(FIXTURES, 'script'), [...tracedFlags(), 'app.js'], { TRACEKIT_FILE_FORMAT: 'events', TRACEKIT_FILE: file });
    expect(run.stdout).toBe('fib 5\n');
    const records = readJsonLines<Record<string, unknown>>(file);
    // fib(5) is 15 calls: 15 ENTER and 15 EXIT records, the first with its argument.
    expect(records.map((r) => r.event).sort()).toEqual([...Array(15).fill('ENTER'), ...Array(15).fill('EXIT')]);
    expect(records[0]).toMatchObject({ event: 'ENTER', module: 'app.js', function: 'fib', line: 2, args: '[5]' });
  });

  it('compiled TypeScript: records name the .ts source and its lines through the source map', async () => {
    const store = tempStore();
    const file = path.join(store, 'events.jsonl');
    const run = await runNode(path.join(FIXTURES, 'compiled-ts'), [...tracedFlags(), 'dist/app.js'], { TRACEKIT_FILE_FORMAT: 'events', TRACEKIT_FILE: file });
    expect(run.stdout).toBe('total 18\n');
    // Bundler helpers (esbuild's export getters) have no source of their own and are left out here.
    const enters = readJsonLines<Record<string, unknown>>(file).filter((r) => r.event === 'ENTER' && r.module === 'src/app.ts' && r.line !== 1);
    expect(enters.map((r) => `${r.function as string}:${r.line as number}`)).toEqual([
      'Checkout.add:18', 'Checkout.add:18', 'Checkout.total:23', 'this.orders.reduce callback:24', 'priceOf:11', 'this.orders.reduce callback:24', 'priceOf:11',
    ]);
  });

  it('TypeScript through tsx: esbuild\'s helpers and tsx\'s CommonJS wrapper are not recorded; __name(fn, "x") functions keep their names', async () => {
    const store = tempStore();
    const dir = path.join(FIXTURES, 'tsx-helpers');
    const run = await runNode(dir, [...tracedFlags(true), 'main.ts'], { TRACEKIT_FILE: path.join(store, 'traces.jsonl') });
    expect(run.stdout).toBe('total 10.8\n');
    expect(run.code).toBe(0);
    // No span in this script: every call is in the records without a span, one per flush that saw calls.
    const totals = readLogs(path.join(store, 'logs.jsonl')).filter((l) => l.eventName === 'tracekit.function_calls');
    expect(totals.length).toBeGreaterThanOrEqual(1);
    const counts = new Map<string, number>();
    for (const record of totals) {
      for (const f of JSON.parse(record.body) as Array<{ function: string; file: string; line: number; count: number }>) {
        const key = `${f.function} ${f.file}:${f.line}`;
        counts.set(key, (counts.get(key) ?? 0) + f.count);
      }
    }
    expect([...counts].sort(([a], [b]) => a.localeCompare(b))).toEqual([
      // The constructor esbuild writes for a field under useDefineForClassFields: false, at the class.
      ['Cart.add cart.ts:8', 2],
      ['Cart.constructor cart.ts:3', 1],
      ['Cart.total cart.ts:13', 1],
      ['desc.value logged.ts:7', 2],
      ['double cart.ts:18', 1],
      ['logged logged.ts:4', 1],
      ['pricing.discount cart.ts:20', 1],
      ['rate tax.cts:2', 1],
      ['this.items.reduce callback cart.ts:14', 2],
      ['withTax tax.cts:3', 1],
    ]);
  });

  it('Express with a nested router: slow and throwing calls become INTERNAL spans under the handler, the rest per-span totals', async () => {
    const store = tempStore();
    const file = path.join(store, 'traces.jsonl');
    const dir = path.join(FIXTURES, 'express');
    const bodies: string[] = [];
    const run = await runNode(dir, [...tracedFlags(), 'app.js'], { TRACEKIT_FILE: file }, (chunk, child) => {
      const port = /listening (\d+)/.exec(chunk)?.[1];
      if (!port) return;
      void (async () => {
        bodies.push(await (await fetch(`http://127.0.0.1:${port}/api/users/1`)).text());
        bodies.push(await (await fetch(`http://127.0.0.1:${port}/api/users/1/fail`)).text());
        child.kill('SIGTERM');
      })();
    });
    expect(run.code).toBe(0);
    expect(bodies).toEqual(['{"id":"1","name":"Ada"}', '{"error":"no user to audit"}']);
    const spans = readSpans(file);
    const byName = (n: string) => spans.filter((s) => s.name === n);
    const handler = byName('handler getUser')[0]!;
    const findUser = byName('findUser')[0]!;
    expect(findUser).toMatchObject({ kind: 1, parentSpanId: handler.spanId, traceId: handler.traceId });
    expect(findUser.attributes).toEqual({ 'code.function.name': 'findUser', 'code.filepath': path.join(dir, 'users.js'), 'code.lineno': 7 });
    const audit = byName('audit')[0]!;
    expect(audit.parentSpanId).toBe(byName('handler failUser')[0]!.spanId);
    expect(audit.attributes['code.lineno']).toBe(12);
    expect(audit.status?.code).toBe(2);
    expect(audit.events.map((e) => [e.name, e.attributes['exception.type'], e.attributes['exception.message']])).toEqual([['exception', 'TypeError', 'no user to audit']]);
    const totals = readLogs(path.join(store, 'logs.jsonl')).filter((l) => l.eventName === 'tracekit.function_calls' && l.spanId === handler.spanId);
    // One record per flush that saw the span's calls: usually one, two when a flush fell between them (a loaded machine).
    expect(totals.length).toBeGreaterThanOrEqual(1);
    const merged = new Map<string, { f: string; file: string; line: number; count: number; errors: number }>();
    for (const record of totals) {
      for (const { function: f, file, line, count, errors } of JSON.parse(record.body) as Array<{ function: string; file: string; line: number; count: number; errors: number }>) {
        const key = `${f} ${file}:${line}`;
        const had = merged.get(key);
        if (had) {
          had.count += count;
          had.errors += errors;
        } else merged.set(key, { f, file, line, count, errors });
      }
    }
    const fns = [...merged.values()];
    expect(fns.sort((a, b) => a.f.localeCompare(b.f))).toEqual([
      { f: 'audit', file: 'users.js', line: 12, count: 1, errors: 0 },
      { f: 'findUser', file: 'users.js', line: 7, count: 1, errors: 0 },
      { f: 'getUser', file: 'app.js', line: 14, count: 1, errors: 0 },
      { f: 'Promise callback', file: 'users.js', line: 4, count: 1, errors: 0 },
      { f: 'sleep', file: 'users.js', line: 3, count: 1, errors: 0 },
    ]);
  });
});

describe('bad input', () => {
  it('a file that does not parse loads untouched with one diagnostic; minified and huge files are skipped', async () => {
    const dir = path.join(FIXTURES, 'broken');
    const run = await runNode(dir, [...tracedFlags(), 'app.js']);
    expect(run.stdout).toBe('future syntax kept working 1\nminified 3\n');
    const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('tracekit:'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tracekit: function tracing left future\.cjs untouched: does not parse \(/);
    expect(lines[1]).toBe('tracekit: function tracing left bundle.js untouched: looks minified');
  });

  it('a call that throws just before process.exit() still reaches the store as a span with its exception', async () => {
    const store = tempStore();
    const file = path.join(store, 'traces.jsonl');
    const run = await runNode(path.join(FIXTURES, 'exit-throw'), [...tracedFlags(), 'app.js'], { TRACEKIT_FILE: file });
    expect(run.stdout).toBe('caught order without id\n');
    expect(run.code).toBe(3);
    const spans = readSpans(file);
    const job = spans.find((s) => s.name === 'job')!;
    const validate = spans.find((s) => s.name === 'validate')!;
    expect(validate).toMatchObject({ parentSpanId: job.spanId, attributes: { 'code.function.name': 'validate', 'code.lineno': 6 } });
    expect(validate.events.map((e) => [e.name, e.attributes['exception.message']])).toEqual([['exception', 'order without id']]);
  });

  it('a function called hundreds of thousands of times a second is sampled, and says so', async () => {
    const run = await runNode(path.join(FIXTURES, 'hot'), [...tracedFlags(), 'app.js']);
    expect(run.stdout).toBe('done true\n');
    expect(run.stderr).toMatch(/^tracekit: function tracing samples tiny \(app\.js:7\): called \d+ times in one flush: 1 call in 100 recorded from now on$/m);
  });

  it('the transform is cached on disk and a restart reuses it', async () => {
    const dir = path.join(FIXTURES, 'cjs');
    const cache = tempStore();
    const env = { TRACEKIT_TRACE_CACHE: 'true', TRACEKIT_TRACE_CACHE_DIR: cache };
    const first = await runNode(dir, [...tracedFlags(), 'app.js'], env);
    const entries = fs.readdirSync(cache).filter((f) => f.endsWith('.js'));
    expect(entries).toHaveLength(2);
    const stamps = entries.map((f) => fs.statSync(path.join(cache, f)).mtimeMs);
    const second = await runNode(dir, [...tracedFlags(), 'app.js'], env);
    expect(second.stdout).toBe(first.stdout);
    expect(entries.map((f) => fs.statSync(path.join(cache, f)).mtimeMs)).toEqual(stamps);
  });
});
