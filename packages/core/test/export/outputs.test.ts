import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { init, shutdown, trackEvent, type TracekitSpan } from '../../src/adapter-api.js';
import { ConsoleSpanExporter } from '../../src/export/console-exporter.js';
import { toFlowEvents, type FlowEvent } from '../../src/export/events-exporter.js';
import { get, startApp, type TestApp } from './helpers.js';

let app: TestApp | undefined;
afterEach(async () => {
  await shutdown();
  await app?.close();
  app = undefined;
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tk-out-'));
const readJsonl = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FlowEvent);

describe('the events file format', () => {
  it('writes FlowTrace-style HTTP_REQUEST, ENTER, EXIT, HTTP_RESPONSE records with IDs, timestamps and durations', async () => {
    const dir = tmp();
    const client = init({ fileFormat: 'events', handleShutdown: false, batchDelayMs: 10, serviceName: 'events-app' }, { env: {} });
    expect(client.config.file).toBe(path.resolve('.tracekit', 'events.jsonl'));
    await shutdown();
    const file = path.join(dir, 'events.jsonl');
    const c2 = init({ fileFormat: 'events', file, handleShutdown: false, batchDelayMs: 10, serviceName: 'events-app' }, { env: {} });
    app = await startApp();
    const res = await get(`${app.url}/work?page=2`);
    await c2.flush();
    const records = readJsonl(file);
    expect(records.map((r) => r.event)).toEqual(['HTTP_REQUEST', 'ENTER', 'EXIT', 'HTTP_RESPONSE']);
    const [req, enter, exit, resp] = records as [FlowEvent, FlowEvent, FlowEvent, FlowEvent];
    for (const r of records) {
      expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(new Date(r.timestamp).toISOString()).toBe(r.timestamp);
      expect(r.requestId).toBe(res.body);
    }
    expect(new Set(records.map((r) => r.traceId)).size).toBe(1);
    expect(req).toMatchObject({ method: 'GET', path: '/work', query: 'page=2', service: 'events-app' });
    expect(enter).toMatchObject({ name: 'work', parentSpanId: req.spanId, kind: 'INTERNAL' });
    expect(exit.spanId).toBe(enter.spanId);
    expect(resp).toMatchObject({ spanId: req.spanId, statusCode: 200, route: '/work', status: 'UNSET' });
    expect(Number.isInteger(resp.durationMicros)).toBe(true);
    expect(resp.durationMillis).toBeCloseTo(Number(resp.durationMicros) / 1000, 3);
    expect(Number(resp.durationMicros)).toBeGreaterThanOrEqual(Number(exit.durationMicros));
  });

  it('writes an EXCEPTION record between the request and its response', async () => {
    const file = path.join(tmp(), 'events.jsonl');
    const client = init({ fileFormat: 'events', file, handleShutdown: false, batchDelayMs: 10 }, { env: {} });
    app = await startApp();
    await get(`${app.url}/boom`);
    await client.flush();
    const records = readJsonl(file);
    expect(records.map((r) => r.event)).toEqual(['HTTP_REQUEST', 'EXCEPTION', 'HTTP_RESPONSE']);
    expect(records[1]).toMatchObject({ type: 'RangeError', message: 'kaput', spanId: records[0]!.spanId, status: 'ERROR' });
    expect(String(records[1]!.stacktrace)).toContain('RangeError: kaput');
    expect(records[2]).toMatchObject({ statusCode: 500, status: 'ERROR' });
  });

  it('is selected with TRACEKIT_FILE_FORMAT and orders records by time', () => {
    const client = init({ handleShutdown: false }, { env: { TRACEKIT_FILE_FORMAT: 'events' } });
    expect(client.config.fileFormat).toBe('events');
    const a = client.tracer.startSpan('a', { startTime: new Date(1_700_000_000_000) }) as TracekitSpan;
    a.end([1_700_000_000, 2_500_000]);
    const records = toFlowEvents([a]);
    expect(records).toEqual([
      { event: 'ENTER', timestamp: '2023-11-14T22:13:20.000Z', traceId: a.traceId, spanId: a.spanId, name: 'a', kind: 'INTERNAL' },
      { event: 'EXIT', timestamp: '2023-11-14T22:13:20.002Z', traceId: a.traceId, spanId: a.spanId, name: 'a', durationMicros: 2500, durationMillis: 2.5, status: 'UNSET' },
    ].map((r) => expect.objectContaining(r)));
  });
});

describe('the console exporter', () => {
  it('prints one HTTP_REQUEST and one HTTP_RESPONSE line per request, children indented between them', async () => {
    const lines: string[] = [];
    const exporter = new ConsoleSpanExporter((l) => lines.push(l));
    init({ handleShutdown: false, batchDelayMs: 10, serviceName: 'console-app' }, { env: {}, exporter, logExporter: { export: async () => undefined, shutdown: async () => undefined } });
    app = await startApp();
    const res = await get(`${app.url}/work?page=2`);
    await get(`${app.url}/boom`);
    await shutdown();
    const text = lines.join('\n');
    expect(lines[0]).toMatch(new RegExp(`^HTTP_REQUEST  GET /work\\?page=2 request_id=${res.body} trace=[0-9a-f]{32}$`));
    expect(lines[1]).toMatch(/^ {2}work \d+\.\d{2}ms$/);
    expect(lines[2]).toMatch(/^HTTP_RESPONSE GET \/work 200 \d+\.\d{2}ms$/);
    expect(lines[3]).toMatch(/^HTTP_REQUEST {2}GET \/boom /);
    expect(lines[4]).toBe('  ! RangeError: kaput');
    expect(lines[5]).toMatch(/^HTTP_RESPONSE GET \/boom 500 \d+\.\d{2}ms ERROR$/);
    expect(lines).toHaveLength(6);
    expect(text).not.toContain('undefined');
  });

  it('nests grandchildren under their parent and prints spans outside a request on their own', () => {
    const lines: string[] = [];
    const exporter = new ConsoleSpanExporter((l) => lines.push(l));
    const client = init({ handleShutdown: false }, { env: {}, exporter, logExporter: { export: async () => undefined, shutdown: async () => undefined } });
    const parent = client.tracer.startSpan('job') as TracekitSpan;
    const child = client.tracer.startSpan('step', {}, trace.setSpan(context.active(), parent)) as TracekitSpan;
    child.end();
    parent.end();
    void exporter.export([child, parent]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^job \d+\.\d{2}ms$/);
    expect(lines[1]).toMatch(/^ {2}step \d+\.\d{2}ms$/);
  });
});

describe('trackEvent', () => {
  it('writes a tracekit.event log record to logs.jsonl with the request ID, metadata and trace link', async () => {
    const dir = tmp();
    const client = init({ file: path.join(dir, 'traces.jsonl'), handleShutdown: false, batchDelayMs: 10 }, { env: {} });
    const span = client.tracer.startSpan('op') as TracekitSpan;
    context.with(trace.setSpan(context.active(), span), () => trackEvent('signup', { plan: 'pro', seats: 3 }, { organizationId: 'org-9' }));
    trackEvent('', { ignored: true });
    span.end();
    await client.flush();
    const lines = fs.readFileSync(path.join(dir, 'logs.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const rec = (JSON.parse(lines[0]!) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown>> }> }> }).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(rec).toMatchObject({ eventName: 'tracekit.event', traceId: span.traceId, spanId: span.spanId, body: { stringValue: 'signup' } });
    const attrs = Object.fromEntries((rec.attributes as Array<{ key: string; value: unknown }>).map((kv) => [kv.key, kv.value]));
    expect(attrs).toMatchObject({ plan: { stringValue: 'pro' }, seats: { intValue: '3' }, 'tracekit.organization.id': { stringValue: 'org-9' } });
    expect(client.stats().logsExported).toBe(1);
  });
});
