import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BreakpointsDocument, ProbeEntry } from '../../src/monitoring/model.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(here, 'fixtures', 'probe-http-app.cjs');
const EXPRESS_ADAPTER = path.resolve(here, '../../../express/dist/index.cjs');
const EXPRESS = createRequire(import.meta.url).resolve('express');

/** The probed module: line 3 runs inside the traced request (the Express handler calls it). */
const TARGET = `'use strict';
function show(req, id) {
  const order = { id, total: 42 }; // line 3
  return { id: order.id, total: order.total };
}
module.exports = { show };
`;

interface App {
  dir: string;
  child: ChildProcess;
  port: number;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(probes: Partial<ProbeEntry>[], env: Record<string, string> = {}): Promise<App> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-probes-http-'));
  fs.writeFileSync(path.join(dir, 'target.js'), TARGET);
  fs.mkdirSync(path.join(dir, '.tracekit'));
  fs.writeFileSync(path.join(dir, '.tracekit', 'breakpoints.json'), JSON.stringify({ breakpoints: [], probes }));
  const child = spawn(process.execPath, [APP], { cwd: dir, env: { ...process.env, TK_EXPRESS: EXPRESS_ADAPTER, TK_EXPRESS_LIB: EXPRESS, TRACEKIT_DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve({ dir, child, port: Number(out.trim()), stderr: () => stderr, exited });
    });
    void exited.then(() => reject(new Error(`the app exited: ${stderr}`)));
  });
}

function get(port: number, p: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

type Attr = { key: string; value: Record<string, unknown> };
interface LogRecord { eventName: string; body?: { stringValue?: string }; attributes: Attr[]; traceId: string; spanId: string }
interface Span { traceId: string; spanId: string; name: string; kind: number; events?: Array<{ name: string; attributes: Attr[] }> }

function otlp<T>(file: string, pick: (line: Record<string, never>) => T[]): T[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => pick(JSON.parse(l) as Record<string, never>));
}
const logs = (dir: string) =>
  otlp<LogRecord>(path.join(dir, '.tracekit', 'logs.jsonl'), (r) => (r.resourceLogs as unknown as Array<{ scopeLogs: Array<{ logRecords: LogRecord[] }> }>).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)));
const spans = (dir: string) =>
  otlp<Span>(path.join(dir, '.tracekit', 'traces.jsonl'), (r) => (r.resourceSpans as unknown as Array<{ scopeSpans: Array<{ spans: Span[] }> }>).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
const attr = (attrs: Attr[], key: string) => {
  const v = attrs.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue) : undefined;
};
const probeStatus = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, '.tracekit', 'breakpoints.json'), 'utf8')) as BreakpointsDocument).probes?.[0]?.status;

let running: App | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

/** Requests until the probe has fired (it installs asynchronously after start). */
async function fire(app: App, event: string): Promise<LogRecord> {
  let n = 0;
  await vi.waitFor(
    async () => {
      await get(app.port, `/orders/${++n}?coupon=x`, { 'x-request-id': `req-${n}` });
      expect(logs(app.dir).some((r) => r.eventName === event)).toBe(true);
    },
    { timeout: 15_000, interval: 200 },
  );
  return logs(app.dir).find((r) => r.eventName === event)!;
}

describe('line probes inside a traced request (Express, child process, built packages)', () => {
  it('a snapshot carries the trace and span IDs and the request context, and the span gets a tracekit.snapshot event', async () => {
    running = await start([{ id: 'p-req', location: 'target.js:3', capture: ['id', 'req.headers', 'req.method'], enabled: true }]);
    const app = running;
    const snap = await fire(app, 'tracekit.snapshot');
    expect(snap.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(snap.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(attr(snap.attributes, 'http.route')).toBe('/orders/:id');
    expect(attr(snap.attributes, 'url.path')).toMatch(/^\/orders\/\d+$/);
    expect(attr(snap.attributes, 'tracekit.request_id')).toMatch(/^req-\d+$/);
    const body = JSON.parse(snap.body!.stringValue!) as Record<string, unknown>;
    // IncomingMessage#headers is an accessor on the prototype: never called, marked, never "undefined".
    expect(body['req.headers']).toEqual({ $omitted: 'getter' });
    expect(body['req.method']).toBe('GET');
    expect(JSON.parse(String(attr(snap.attributes, 'tracekit.snapshot.omitted')))).toContainEqual({ path: 'req.headers', reason: 'getter' });
    const snapshotId = attr(snap.attributes, 'tracekit.snapshot.id');
    await vi.waitFor(() => expect(spans(app.dir).some((s) => s.events?.some((e) => e.name === 'tracekit.snapshot'))).toBe(true), { timeout: 10_000, interval: 100 });
    const withEvent = spans(app.dir).find((s) => s.events?.some((e) => e.name === 'tracekit.snapshot'))!;
    const event = withEvent.events!.find((e) => e.name === 'tracekit.snapshot')!;
    expect(attr(event.attributes, 'tracekit.snapshot.id')).toBe(snapshotId);
    expect(attr(event.attributes, 'tracekit.probe.id')).toBe('p-req');
    expect(withEvent.traceId).toBe(snap.traceId);
    expect(withEvent.spanId).toBe(snap.spanId);
  });

  it('a log probe record carries the trace and span IDs and the request context', async () => {
    running = await start([{ id: 'p-log', location: 'target.js:3', log: 'order {id} headers {req.headers}', enabled: true }]);
    const rec = await fire(running, 'tracekit.probe.log');
    expect(rec.body!.stringValue).toMatch(/^order \d+ headers \[getter\]$/);
    expect(rec.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(rec.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(attr(rec.attributes, 'http.route')).toBe('/orders/:id');
    expect(attr(rec.attributes, 'tracekit.request_id')).toMatch(/^req-\d+$/);
  });

  // Every ending with a probe armed: the app's stderr stays empty and the process ends as it would without TraceKit.
  const endings: Array<{ name: string; env?: Record<string, string>; signal?: NodeJS.Signals; expect: { code: number | null; signal: NodeJS.Signals | null } }> = [
    { name: 'SIGTERM (TraceKit alone)', signal: 'SIGTERM', expect: { code: null, signal: 'SIGTERM' } },
    { name: 'SIGINT (TraceKit alone)', signal: 'SIGINT', expect: { code: null, signal: 'SIGINT' } },
    { name: 'SIGTERM with the app exiting', signal: 'SIGTERM', env: { TK_APP_SIGTERM: '1' }, expect: { code: 0, signal: null } },
    { name: 'SIGTERM with the app closing its server (a graceful stop)', signal: 'SIGTERM', env: { TK_APP_SIGTERM: 'close' }, expect: { code: 0, signal: null } },
    { name: 'process.exit()', env: { TK_ENDING: 'exit' }, expect: { code: 0, signal: null } },
    { name: 'natural exit', env: { TK_ENDING: 'natural' }, expect: { code: 0, signal: null } },
    { name: 'shutdown()', env: { TK_ENDING: 'shutdown' }, expect: { code: 0, signal: null } },
  ];
  for (const ending of endings) {
    it(`with a probe armed, ${ending.name} ends the app with its stderr unchanged`, async () => {
      running = await start([{ id: 'p-end', location: 'target.js:3', capture: ['id'], enabled: true }], ending.env);
      const app = running;
      await fire(app, 'tracekit.snapshot');
      await vi.waitFor(() => expect(probeStatus(app.dir)).toBe('installed'), { timeout: 5000, interval: 100 });
      if (ending.signal) app.child.kill(ending.signal);
      else await get(app.port, '/end');
      expect(await app.exited).toEqual(ending.expect);
      expect(app.stderr()).toBe('');
    });
  }
});
