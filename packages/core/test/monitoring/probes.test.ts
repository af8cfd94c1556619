import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getClient, shutdown } from '../../src/index.js';
import { debuggerState } from '../../src/monitoring/probe-manager.js';
import type { BreakpointsDocument, ProbeEntry } from '../../src/monitoring/model.js';
import { monitored } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(here, 'fixtures', 'probe-app.cjs');
const CORE = path.resolve(here, '../../dist/index.cjs');

/** The target module; the probe lines are the ones the comments name. */
const TARGET_JS = `'use strict';
function checkout(order, user) {
  const total = order.items.reduce((s, it) => s + it.qty * 10, 0);
  const label = 'order-' + order.id; // probe line 4
  return { total, label, user: user.name };
}
function never(flag) {
  const unused = flag + 1; // probe line 8: never runs
  return unused;
}
module.exports = { checkout, never };
`;

/** The same in TypeScript: types shift nothing, but the compiled lines differ (the helper and the blank lines go). */
const TARGET_TS = `interface Item { sku: string; qty: number }
interface Order { id: number; items: Item[]; card: string }
interface User { id: number; name: string; password: string }

export function checkout(order: Order, user: User): { total: number; label: string } {
  const total: number = order.items.reduce((s: number, it: Item) => s + it.qty * 10, 0);


  const label: string = \`order-\${order.id}\`; // probe line 9
  return { total, label };
}
`;

interface Project {
  dir: string;
  bpFile: string;
  logs: string;
  child: ChildProcess;
  stderr(): string;
  state(): Promise<{ debugger: { enables: number; enabled: boolean }; started: boolean; stats: Record<string, number>; touched: boolean; calls: number; lastResult: unknown }>;
  stop(): Promise<void>;
}

function project(files: Record<string, string>, target: string, probes: Partial<ProbeEntry>[], intervalMs = 100, execArgv: string[] = [], loadDelayMs = 0): Promise<Project> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-probes-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.mkdirSync(path.join(dir, '.tracekit'));
  const bpFile = path.join(dir, '.tracekit', 'breakpoints.json');
  fs.writeFileSync(bpFile, JSON.stringify({ breakpoints: [], probes }));
  const child = fork(APP, [], { cwd: dir, env: { ...process.env, TK_CORE: CORE, TK_TARGET: target, TK_INTERVAL: String(intervalMs), TK_LOAD_DELAY: String(loadDelayMs), TRACEKIT_DEBUG: '' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ask = <T>(msg: string, type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`the app exited (${code}): ${stderr}`)));
      if (msg) child.send(msg);
    });
  return ask('', 'ready').then(() => ({
    dir,
    bpFile,
    logs: path.join(dir, '.tracekit', 'logs.jsonl'),
    child,
    stderr: () => stderr,
    state: () => ask('state', 'state'),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.send('exit');
    }),
  }));
}

type Attr = { key: string; value: Record<string, unknown> };
interface LogRecord { eventName: string; body?: { stringValue?: string }; attributes: Attr[] }

function records(file: string): LogRecord[] {
  if (!fs.existsSync(file)) return [];
  const out: LogRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: LogRecord[] }> }> };
    for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) out.push(...sl.logRecords);
  }
  return out;
}

const attr = (r: LogRecord, key: string) => {
  const v = r.attributes.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue) : undefined;
};

const probesIn = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as BreakpointsDocument).probes;

let running: Project | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (getClient()) await shutdown();
});

// Each test may wait up to 30 s for whole captures (on a loaded machine the 15 ms read deadline
// cuts some): the test's own time limit must be longer than those waits.
describe('line probes (child processes, built package)', { timeout: 45_000 }, () => {
  it('capture at a line of a plain JavaScript file, with a condition, redacted; report every status', async () => {
    running = await project({ 'target.js': TARGET_JS }, 'target.js', [
      { id: 'p-js', location: 'target.js:4', condition: 'user.id == 42', enabled: true },
      { id: 'p-log', location: 'target.js:5', log: 'total {total} for {user.name}', enabled: true },
      { id: 'p-never', location: 'target.js:8', enabled: true },
      { id: 'p-nowhere', location: 'target.js:400', enabled: true },
      { id: 'p-bad', location: 'target.js:4', condition: 'user.save()', enabled: true },
    ]);
    const p = running;
    await vi.waitFor(() => {
      const snaps = records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot');
      const logs = records(p.logs).filter((r) => r.eventName === 'tracekit.probe.log');
      expect(snaps.length).toBeGreaterThan(0);
      expect(logs.length).toBeGreaterThan(0);
    }, { timeout: 15_000, interval: 100 });
    const snap = records(p.logs).find((r) => r.eventName === 'tracekit.snapshot')!;
    const vars = JSON.parse(snap.body!.stringValue!) as Record<string, Record<string, unknown>>;
    expect(vars.user!.id).toBe(42);
    expect(vars.user!.name).toBe('ann');
    expect(vars.user!.password).toBe('***');
    expect(String(vars.order!.card)).not.toContain('4111 1111 1111 1111');
    expect(vars.total).toBe(20);
    expect(vars.label).toEqual({ $type: 'undefined' });
    expect(attr(snap, 'tracekit.probe.id')).toBe('p-js');
    expect(attr(snap, 'code.file.path')).toBe('target.js');
    expect(Number(attr(snap, 'code.line.number'))).toBe(4);
    expect(Number(attr(snap, 'tracekit.probe.pause_ms'))).toBeGreaterThan(0);
    const frames = JSON.parse(String(attr(snap, 'tracekit.snapshot.stack'))) as Array<{ function: string; file: string; line: number; in_app: boolean }>;
    expect(frames[0]).toMatchObject({ function: 'checkout', file: 'target.js', line: 4, in_app: true });
    const log = records(p.logs).find((r) => r.eventName === 'tracekit.probe.log')!;
    expect(log.body!.stringValue).toBe('total 20 for ann');
    await vi.waitFor(() => {
      const byId = Object.fromEntries(probesIn(p.bpFile).map((x) => [x.id, x]));
      expect(byId['p-js']).toMatchObject({ status: 'installed' });
      expect(byId['p-never']).toMatchObject({ status: 'installed', hits: 0 });
      expect(byId['p-nowhere']).toMatchObject({ status: 'error', error: expect.stringContaining('line 400 does not exist') });
      expect(byId['p-bad']).toMatchObject({ status: 'error', error: expect.stringContaining('invalid expression') });
    }, { timeout: 5000, interval: 100 });
    const state = await p.state();
    expect(state.debugger).toEqual({ enables: 1, enabled: true });
    expect(state.stats.probeHits).toBeGreaterThan(0);

    // The last probe removed: the debugger is disabled again.
    fs.writeFileSync(p.bpFile, JSON.stringify({ breakpoints: [], probes: [] }));
    await vi.waitFor(async () => expect((await p.state()).debugger).toEqual({ enables: 1, enabled: false }), { timeout: 5000, interval: 100 });
  });

  it('fires a probe set on a TypeScript line, through the source map', async () => {
    const out = ts.transpileModule(TARGET_TS, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'target.ts' });
    const js = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=target.js.map');
    running = await project({ 'target.ts': TARGET_TS, 'target.js': js, 'target.js.map': out.sourceMapText! }, 'target.js', [
      { id: 'p-ts', location: 'target.ts:9', capture: ['total', 'order.id', 'user'], enabled: true },
      { id: 'p-ts-blank', location: 'target.ts:7', enabled: true },
    ]);
    const p = running;
    await vi.waitFor(() => expect(records(p.logs).some((r) => r.eventName === 'tracekit.snapshot')).toBe(true), { timeout: 15_000, interval: 100 });
    const snap = records(p.logs).find((r) => r.eventName === 'tracekit.snapshot')!;
    const vars = JSON.parse(snap.body!.stringValue!) as Record<string, unknown>;
    expect(vars.total).toBe(20);
    expect(typeof vars['order.id']).toBe('number');
    expect((vars.user as Record<string, unknown>).password).toBe('***');
    expect(attr(snap, 'code.file.path')).toBe('target.ts');
    expect(Number(attr(snap, 'code.line.number'))).toBe(9);
    const frames = JSON.parse(String(attr(snap, 'tracekit.snapshot.stack'))) as Array<{ file: string; line: number; generated?: { line: number } }>;
    expect(frames[0]).toMatchObject({ file: 'target.ts', line: 9 });
    await vi.waitFor(() => {
      const byId = Object.fromEntries(probesIn(p.bpFile).map((x) => [x.id, x]));
      expect(byId['p-ts']).toMatchObject({ status: 'installed' });
      expect(byId['p-ts-blank']).toMatchObject({ status: 'error', error: expect.stringContaining('has no code') });
    }, { timeout: 5000, interval: 100 });
  });

  it('a TypeScript probe set before its module loads waits (pending), then is installed and fires', async () => {
    const out = ts.transpileModule(TARGET_TS, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'target.ts' });
    const js = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=target.js.map');
    running = await project({ 'target.ts': TARGET_TS, 'target.js': js, 'target.js.map': out.sourceMapText! }, 'target.js', [{ id: 'p-late', location: 'target.ts:9', capture: ['total'], enabled: true }], 100, [], 2500);
    const p = running;
    await vi.waitFor(() => expect(probesIn(p.bpFile)[0]).toMatchObject({ status: 'pending', error: expect.stringContaining('waiting for a loaded script') }), { timeout: 5000, interval: 50 });
    await vi.waitFor(() => expect(records(p.logs).some((r) => r.eventName === 'tracekit.snapshot')).toBe(true), { timeout: 15_000, interval: 100 });
    await vi.waitFor(() => expect(probesIn(p.bpFile)[0]).toMatchObject({ status: 'installed' }), { timeout: 5000, interval: 100 });
    expect(probesIn(p.bpFile)[0]!.error).toBeUndefined();
  });

  it('never runs a getter or a Proxy trap of the app while reading a paused frame', async () => {
    const target = `'use strict';
const touch = () => { globalThis.__tkTouched = true; return 1; };
function checkout(order) {
  const withGetter = { plain: 1, get secretGetter() { return touch(); } };
  const proxy = new Proxy({ b: 1 }, { get: touch, ownKeys: () => (touch(), []), getOwnPropertyDescriptor: touch, getPrototypeOf: () => (touch(), null) });
  return [withGetter, proxy, order.id]; // line 6
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [
      { id: 'p-locals', location: 'target.js:6', enabled: true },
      { id: 'p-paths', location: 'target.js:6', capture: ['withGetter.secretGetter', 'proxy.b', 'withGetter'], condition: 'proxy.b == 1 || withGetter.secretGetter == 1 || true', enabled: true },
    ]);
    const p = running;
    // A hit whose reads the 15 ms deadline cut (a loaded machine) is marked `timeout`: wait for
    // one whole capture of each probe (they come once a second) and check those.
    const whole = () => records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot' && !r.body!.stringValue!.includes('"$omitted":"timeout"'));
    await vi.waitFor(() => expect(new Set(whole().map((r) => attr(r, 'tracekit.probe.id'))).size).toBe(2), { timeout: 30_000, interval: 100 });
    const byProbe = Object.fromEntries(whole().map((r) => [attr(r, 'tracekit.probe.id'), JSON.parse(r.body!.stringValue!) as Record<string, unknown>]));
    expect(byProbe['p-locals']!.withGetter).toEqual({ plain: 1, secretGetter: { $omitted: 'getter' } });
    expect(byProbe['p-locals']!.proxy).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
    // A path through a getter or a Proxy is marked as such, never reported as undefined.
    expect(byProbe['p-paths']).toEqual({ 'withGetter.secretGetter': { $omitted: 'getter' }, 'proxy.b': { $omitted: 'proxy', $type: 'Proxy' }, withGetter: { plain: 1, secretGetter: { $omitted: 'getter' } } });
    expect((await p.state()).touched).toBe(false);
  });

  it('a plain probe captures its later hits on the app\'s thread (one call on the paused frame): same record, redacted, no getter or trap run, the app unchanged', async () => {
    const target = `'use strict';
const touch = () => { globalThis.__tkTouched = true; return 1; };
function checkout(order, user) {
  const withGetter = { plain: 1, get secretGetter() { return touch(); } };
  const proxy = new Proxy({ b: 1 }, { get: touch, ownKeys: () => (touch(), []), getOwnPropertyDescriptor: touch, getPrototypeOf: () => (touch(), null) });
  const when = new Date(0);
  return [order.id, user.name, withGetter.plain, when.getTime()]; // line 7
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [{ id: 'p-fast', location: 'target.js:7', enabled: true }]);
    const p = running;
    // A hit whose reads the 15 ms deadline cut (a loaded machine) is marked `timeout`; the checks
    // below are on whole captures: the first hit's and at least two later ones.
    const isWhole = (r: { body?: { stringValue?: string } }) => !r.body!.stringValue!.includes('"$omitted":"timeout"');
    const snaps = () => records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot');
    await vi.waitFor(() => expect(snaps().slice(1).filter(isWhole).length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 100 });
    const got = snaps();
    const all = got.map((r) => JSON.parse(r.body!.stringValue!) as Record<string, unknown>);
    const wholeOnes = got.map((r, i) => [r, all[i]!, i] as const).filter(([r]) => isWhole(r));
    for (const [, vars] of wholeOnes) {
      expect(Object.keys(vars)).toEqual(['order', 'user', 'withGetter', 'proxy', 'when']);
      expect(vars.order).toMatchObject({ items: [{ sku: 'A1', qty: 2 }], card: '4111***1111' });
      expect(vars.user).toMatchObject({ name: 'ann', password: '***' });
      expect(vars.withGetter).toEqual({ plain: 1, secretGetter: { $omitted: 'getter' } });
      expect(vars.proxy).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
    }
    // The first hit read the frame with Runtime.getProperties (V8's text of the Date); the later
    // ones were walked on the app's thread by captureSnapshot's walker (its ISO text).
    const later = wholeOnes.filter(([, , i]) => i > 0).map(([, v]) => v);
    expect(later.map((v) => v.when)).toEqual(later.map(() => ({ $type: 'Date', value: '1970-01-01T00:00:00.000Z' })));
    for (const [r] of wholeOnes) expect(String(attr(r, 'tracekit.snapshot.omitted'))).toContain('"path":"user.password","reason":"redacted"');
    for (const r of got) expect(attr(r, 'tracekit.probe.id')).toBe('p-fast');
    const before = (await p.state()).calls;
    await vi.waitFor(async () => expect((await p.state()).calls).toBeGreaterThan(before + 2), { timeout: 10_000, interval: 100 });
    const state = await p.state();
    expect(state.lastResult).toEqual([state.calls, 'ann', 1, 0]);
    expect(state.touched).toBe(false);
  });

  it('conditions, captured expressions and log templates run compiled on the app\'s thread from the second hit on: same answers, redacted, no getter or trap run, a false condition captures nothing', async () => {
    const target = `'use strict';
const touch = () => { globalThis.__tkTouched = true; return 1; };
const bigArray = Array.from({ length: 100000 }, (_, i) => i);
function checkout(order, user) {
  const when = new Date(0), long = bigArray;
  const withGetter = { plain: 1, get secretGetter() { return touch(); } };
  const proxy = new Proxy({ b: 1 }, { get: touch, ownKeys: () => (touch(), []), getOwnPropertyDescriptor: touch, getPrototypeOf: () => (touch(), null) });
  return [order.id, user.name, long.length, when.getTime(), withGetter.plain]; // line 8
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [
      { id: 'p-cond', location: 'target.js:8', condition: 'user.id == 42 && !withGetter.secretGetter && proxy.b == undefined', capture: ['user', 'when', 'long[5]', 'withGetter.secretGetter', 'proxy.b', 'order.card', 'user.id == 42'], enabled: true },
      { id: 'p-log', location: 'target.js:8', log: 'user {user.name} id {user.id} item {long[5]} card {order.card} {withGetter.secretGetter}', enabled: true },
      { id: 'p-false', location: 'target.js:8', condition: "user.name == 'bob'", capture: ['user'], enabled: true },
    ], 50);
    const p = running;
    const isWhole = (r: LogRecord) => !r.body!.stringValue!.includes('timeout');
    const of = (id: string) => records(p.logs).filter((r) => attr(r, 'tracekit.probe.id') === id);
    // Hits read with the protocol until one (whole, not cut by the deadline) has learnt where the
    // probe's variables live; from then on every hit runs on the app's thread. Told apart by
    // `long[5]`: a path into a 100 000-element array is not read with the protocol (`size`), and
    // by the Date (V8's text with the protocol, the walker's ISO text on the app's thread).
    const fastSnap = (v: Record<string, unknown>) => v['long[5]'] === 5;
    const snapsOf = () => of('p-cond').filter(isWhole).map((r) => JSON.parse(r.body!.stringValue!) as Record<string, unknown>);
    const messagesOf = () => of('p-log').filter(isWhole).map((r) => r.body!.stringValue!);
    await vi.waitFor(() => {
      expect(snapsOf().filter(fastSnap).length).toBeGreaterThanOrEqual(2);
      expect(messagesOf().filter((m) => m.includes('item 5')).length).toBeGreaterThanOrEqual(2);
    }, { timeout: 30_000, interval: 100 });
    const snaps = snapsOf();
    for (const vars of snaps) {
      // Only hits whose condition held: user.id 42 (the app alternates 7 and 42).
      expect(vars.user).toMatchObject({ id: 42, name: 'ann', password: '***' });
      expect(vars['withGetter.secretGetter']).toEqual({ $omitted: 'getter' });
      expect(vars['proxy.b']).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
      expect(vars['order.card']).toBe('4111***1111');
      expect(vars['user.id == 42']).toBe(true);
    }
    const firstFast = snaps.findIndex(fastSnap);
    for (const vars of snaps.slice(0, firstFast)) expect(vars['long[5]']).toEqual({ $omitted: 'size' });
    for (const vars of snaps.slice(firstFast)) {
      expect(vars['long[5]']).toBe(5);
      expect(vars.when).toEqual({ $type: 'Date', value: '1970-01-01T00:00:00.000Z' });
    }
    const omitted = JSON.parse(String(attr(of('p-cond').at(-1)!, 'tracekit.snapshot.omitted'))) as Array<{ path: string; reason: string }>;
    expect(omitted).toEqual(expect.arrayContaining([{ path: 'user.password', reason: 'redacted' }, { path: 'withGetter.secretGetter', reason: 'getter' }, { path: 'proxy.b', reason: 'proxy' }]));
    const messages = messagesOf();
    const firstFastMessage = messages.findIndex((m) => m.includes('item 5'));
    for (const m of messages.slice(0, firstFastMessage)) expect(m).toMatch(/^user ann id (7|42) item \[size\] card 4111\*\*\*1111 \[getter\]$/);
    for (const m of messages.slice(firstFastMessage)) expect(m).toMatch(/^user ann id (7|42) item 5 card 4111\*\*\*1111 \[getter\]$/);
    expect(of('p-false')).toEqual([]);
    const state = await p.state();
    expect(state.touched).toBe(false);
    expect(state.lastResult).toEqual([state.calls, 'ann', 100000, 0, 1]);
  });

  it('a variable bound in a `with` scope (an accessor there) is never read by name: the probe stays on protocol reads and no getter runs', async () => {
    const target = `const touch = () => { globalThis.__tkTouched = true; return 1; };
const bag = { get lazy() { return touch(); }, plain: 7 };
function checkout(order, user) {
  with (bag) {
    return [order.id, user.name, plain]; // line 5
  }
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [{ id: 'p-with', location: 'target.js:5', condition: 'lazy == undefined && plain == 7', capture: ['lazy', 'plain', 'user.name'], enabled: true }]);
    const p = running;
    const snaps = () => records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot' && !r.body!.stringValue!.includes('timeout'));
    await vi.waitFor(() => expect(snaps().length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 100 });
    for (const r of snaps()) {
      const vars = JSON.parse(r.body!.stringValue!) as Record<string, unknown>;
      expect(vars.plain).toBe(7);
      expect(vars['user.name']).toBe('ann');
      expect(vars.lazy).toEqual({ $omitted: 'getter' });
    }
    const state = await p.state();
    expect(state.touched).toBe(false);
    expect(state.lastResult).toEqual([state.calls, 'ann', 7]);
  });

  it('a fast capture that fails (the frame shadows globalThis) falls back to protocol reads in the same pause; every hit is captured', async () => {
    const target = `'use strict';
const globalThis = { shadowed: true };
function checkout(order, user) {
  const small = { a: 1, b: 'two' };
  return [order.id, user.name, small.b, globalThis.shadowed]; // line 5
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [{ id: 'p-shadow', location: 'target.js:5', enabled: true }]);
    const p = running;
    const snaps = () => records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot');
    await vi.waitFor(() => expect(snaps().length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 100 });
    for (const r of snaps()) {
      const vars = JSON.parse(r.body!.stringValue!) as Record<string, unknown>;
      expect(vars.small).toEqual({ a: 1, b: 'two' });
      expect(vars.user).toMatchObject({ name: 'ann', password: '***' });
    }
    const state = await p.state();
    expect(state.lastResult).toEqual([state.calls, 'ann', 'two', true]);
  });

  it('resumes at the deadline on a frame holding a million-key object and a 100 000-element array: what was not read is marked, the app is unchanged', async () => {
    const target = `'use strict';
const bigObject = {};
for (let i = 0; i < 1000000; i++) bigObject['k' + i] = i;
const bigArray = Array.from({ length: 100000 }, (_, i) => i);
const bigObjects = Array.from({ length: 100000 }, (_, i) => ({ i }));
function checkout(order, user) {
  const huge = bigObject, long = bigArray, longOfObjects = bigObjects, small = { a: 1, b: 'two' };
  return [order.id, user.name, long.length, longOfObjects.length, small.a, huge.k5]; // line 8
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [{ id: 'p-huge', location: 'target.js:8', enabled: true }], 50);
    const p = running;
    await vi.waitFor(() => expect(records(p.logs).some((r) => r.eventName === 'tracekit.snapshot')).toBe(true), { timeout: 30_000, interval: 100 });
    const snap = records(p.logs).find((r) => r.eventName === 'tracekit.snapshot')!;
    const vars = JSON.parse(snap.body!.stringValue!) as Record<string, unknown>;
    // Never read whole (each would take seconds): the arrays are cut from V8's preview or shown by their length,
    // the million-key object is left out; every omission is listed.
    const long = vars.long as unknown[];
    expect(long.slice(0, 3)).toEqual([0, 1, 2]);
    expect(long.at(-1)).toEqual({ $omitted: 'size', count: 100000 - (long.length - 1) });
    expect(vars.longOfObjects).toEqual({ $omitted: 'size', $type: 'Array', length: 100000 });
    expect(['timeout', 'size']).toContain((vars.huge as { $omitted?: string }).$omitted);
    const omitted = JSON.parse(String(attr(snap, 'tracekit.snapshot.omitted'))) as Array<{ path: string; reason: string }>;
    expect(omitted).toContainEqual(expect.objectContaining({ path: 'long', reason: 'size' }));
    expect(omitted).toContainEqual(expect.objectContaining({ path: 'longOfObjects', reason: 'size' }));
    expect(omitted.some((o) => o.path === 'huge' || o.reason === 'timeout')).toBe(true);
    // The app went on, with the same results.
    const before = (await p.state()).calls;
    await vi.waitFor(async () => expect((await p.state()).calls).toBeGreaterThan(before + 2), { timeout: 10_000, interval: 100 });
    const state = await p.state();
    expect(state.lastResult).toEqual([state.calls, 'ann', 100000, 100000, 1, 5]);
    expect(state.touched).toBe(false);
  });

  it('a captured path into a collection too long to read is marked size at a protocol hit (never read whole), read element by element on the app\'s thread later', async () => {
    const target = `'use strict';
const bigArray = Array.from({ length: 100000 }, (_, i) => i);
function checkout(order) {
  const long = bigArray, small = { a: 1, b: 'two' };
  return [order.id, long.length, small.b]; // line 5
}
module.exports = { checkout };
`;
    running = await project({ 'target.js': target }, 'target.js', [{ id: 'p-paths', location: 'target.js:5', capture: ['long[5]', 'long', 'small.b'], enabled: true }]);
    const p = running;
    // The first hit reads with the protocol; the later ones run on the app's thread, where the
    // element is read (one property, not the whole array). A first hit the deadline cut on a
    // loaded machine is marked `timeout` (then only fast hits follow).
    await vi.waitFor(() => expect(records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot').length).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 100 });
    const [snap, ...later] = records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot');
    const vars = JSON.parse(snap!.body!.stringValue!) as Record<string, unknown>;
    if (!snap!.body!.stringValue!.includes('timeout')) {
      expect(vars['long[5]']).toEqual({ $omitted: 'size' });
      expect((vars.long as unknown[]).slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(vars['small.b']).toBe('two');
      const omitted = JSON.parse(String(attr(snap!, 'tracekit.snapshot.omitted'))) as Array<{ path: string; reason: string }>;
      expect(omitted).toContainEqual({ path: 'long[5]', reason: 'size' });
    }
    for (const r of later) {
      const v = JSON.parse(r.body!.stringValue!) as Record<string, unknown>;
      expect(v['long[5]']).toBe(5);
      expect((v.long as unknown[]).length).toBe(101);
      expect((v.long as unknown[]).at(-1)).toEqual({ $omitted: 'size', count: 100000 - 100 });
    }
    const state = await p.state();
    expect(state.lastResult).toEqual([state.calls, 100000, 'two']);
  });

  it('works in an ES module (file:// URL), and the app exits without waiting for a debugger', async () => {
    const esm = TARGET_JS.replace("'use strict';\n", '').replace('module.exports = { checkout, never };', 'export { checkout, never };');
    running = await project({ 'target.mjs': esm }, 'target.mjs', [{ id: 'p-esm', location: 'target.mjs:3', capture: ['order.id', 'user.name'], enabled: true }]);
    const p = running;
    await vi.waitFor(() => expect(records(p.logs).some((r) => r.eventName === 'tracekit.snapshot')).toBe(true), { timeout: 15_000, interval: 100 });
    const snap = records(p.logs).find((r) => r.eventName === 'tracekit.snapshot')!;
    expect(JSON.parse(snap.body!.stringValue!)).toMatchObject({ 'user.name': 'ann' });
    expect(attr(snap, 'code.file.path')).toBe('target.mjs');
    expect((await p.state()).debugger.enabled).toBe(true);
    await p.stop();
    expect(p.stderr()).not.toContain('Waiting for the debugger');
  });

  it('disarms a probe whose pauses take more than 1% of wall time (a hot line), and disables the debugger', async () => {
    // A condition that is never true: every call pauses the app and captures nothing (a capture
    // would take the breakpoint out for a second, see coolDown in probe-worker.ts).
    running = await project({ 'target.js': TARGET_JS }, 'target.js', [{ id: 'p-hot', location: 'target.js:4', condition: 'user.id == 1000', enabled: true }], 1);
    const p = running;
    await vi.waitFor(() => {
      const hot = probesIn(p.bpFile).find((x) => x.id === 'p-hot');
      expect(hot).toMatchObject({ enabled: false, status: 'disarmed', error: expect.stringContaining('over 1% of wall time') });
    }, { timeout: 15_000, interval: 100 });
    const state = await p.state();
    expect(state.stats.probesDisarmed).toBe(1);
    await vi.waitFor(async () => expect((await p.state()).debugger.enabled).toBe(false), { timeout: 5000, interval: 100 });
  });

  it('a probe disarmed at its hit limit captures again once re-armed with its count reset (as the viewer and the CLI do)', async () => {
    running = await project({ 'target.js': TARGET_JS }, 'target.js', [{ id: 'p-lim', location: 'target.js:4', capture: ['order.id'], maxHits: 1, enabled: true }]);
    const p = running;
    const snaps = () => records(p.logs).filter((r) => r.eventName === 'tracekit.snapshot' && attr(r, 'tracekit.probe.id') === 'p-lim');
    await vi.waitFor(() => expect(probesIn(p.bpFile)[0]).toMatchObject({ enabled: false, status: 'disarmed', hits: 1 }), { timeout: 15_000, interval: 100 });
    await vi.waitFor(() => expect(snaps().length).toBe(1), { timeout: 5000, interval: 100 });
    const doc = JSON.parse(fs.readFileSync(p.bpFile, 'utf8')) as BreakpointsDocument;
    const probe = doc.probes[0]!;
    probe.enabled = true;
    probe.hits = 0;
    delete probe.status;
    delete probe.error;
    fs.writeFileSync(p.bpFile, JSON.stringify(doc));
    await vi.waitFor(() => expect(snaps().length).toBe(2), { timeout: 15_000, interval: 100 });
  });

  it('refuses to run beside --inspect, with a clear status, and never enables the debugger', async () => {
    running = await project({ 'target.js': TARGET_JS }, 'target.js', [{ id: 'p-js', location: 'target.js:4', enabled: true }], 100, ['--inspect=127.0.0.1:0']);
    const p = running;
    await vi.waitFor(() => {
      const probe = probesIn(p.bpFile)[0];
      expect(probe).toMatchObject({ status: 'error', error: expect.stringContaining('--inspect') });
    }, { timeout: 5000, interval: 100 });
    expect((await p.state()).debugger).toEqual({ enables: 0, enabled: false });
    expect(p.stderr()).toContain('TK_PROBES_REFUSED');
  });

  it('an app without probes never starts the worker nor enables the debugger', async () => {
    running = await project({ 'target.js': TARGET_JS }, 'target.js', []);
    await new Promise((r) => setTimeout(r, 300));
    const state = await running.state();
    expect(state.started).toBe(false);
    expect(state.debugger).toEqual({ enables: 0, enabled: false });
  });
});

describe('captureSnapshot in compiled TypeScript (child process, built package)', () => {
  it('registers the breakpoint at the .ts line, through the source map', async () => {
    const source = `const tracekit = require(process.env.TK_CORE as string);

export function checkout(order: { id: number }, user: { id: number; name: string; password: string }): number {


  tracekit.captureSnapshot('ts.checkout', { order, user }); // line 6
  return order.id;
}
`;
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'snap.ts' });
    const js = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=snap.js.map');
    running = await project({ 'snap.ts': source, 'snap.js': js, 'snap.js.map': out.sourceMapText! }, 'snap.js', []);
    const p = running;
    await vi.waitFor(() => {
      const doc = JSON.parse(fs.readFileSync(p.bpFile, 'utf8')) as BreakpointsDocument;
      expect(doc.breakpoints[0]).toMatchObject({ label: 'ts.checkout', file: 'snap.ts', line: 6, function: 'Object.checkout', enabled: true });
    }, { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => expect(records(p.logs).some((r) => r.eventName === 'tracekit.snapshot')).toBe(true), { timeout: 10_000, interval: 100 });
    const snap = records(p.logs).find((r) => r.eventName === 'tracekit.snapshot')!;
    const frames = JSON.parse(String(attr(snap, 'tracekit.snapshot.stack'))) as Array<{ file: string; line: number }>;
    expect(frames[0]).toMatchObject({ file: 'snap.ts', line: 6 });
    expect(snap.body!.stringValue).not.toContain('hunter2');
  });
});

describe('no debugger when idle (in process)', () => {
  it('code monitoring on, no probe: no worker, no Debugger.enable, no inspector port', async () => {
    const m = await monitored();
    await m.monitor.pollFile();
    expect(m.monitor.probes).toBeUndefined();
    expect(debuggerState).toEqual({ enables: 0, enabled: false });
    expect(inspector.url()).toBeUndefined();
  });
});
