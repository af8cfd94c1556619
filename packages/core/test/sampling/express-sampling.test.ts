import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flush, getClient, init, shutdown, type ReadableSpan } from '../../src/adapter-api.js';
import { ratioBound, traceIdRatioValue } from '../../src/sampling/trace-id-ratio.js';
import { createApp, serve, setAppClock, startDownstream, traced, type Served } from './helpers.js';

let app: Served;
let downstream: Awaited<ReturnType<typeof startDownstream>>;

beforeAll(async () => {
  app = await serve(createApp());
  downstream = await startDownstream();
});

afterEach(async () => {
  setAppClock(undefined);
  downstream.traceparents.length = 0;
  if (getClient()) await shutdown();
});

afterAll(async () => {
  await app.close();
  await downstream.close();
});

const servers = (spans: ReadableSpan[]) => spans.filter((s) => s.kind === SpanKind.SERVER);
const incoming = (traceId: string, spanId: string, flags: '00' | '01') => ({ traceparent: `00-${traceId}-${spanId}-${flags}` });

describe('head sampling over HTTP', () => {
  it('sampleRate 0.25 keeps about a quarter of 400 requests: exactly those whose trace ID is below the bound', async () => {
    const t = await traced({ sampleRate: 0.25 });
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) ids.push((await app.get(`/users/${i}`)).body);
    const kept = servers(await t.spans());
    const bound = ratioBound(0.25);
    const expected = ids.filter((id) => traceIdRatioValue(id) < bound);
    // Binomial(400, 0.25): mean 100, sd 8.7; 60..140 is more than 4.5 sd either side.
    expect(kept.length).toBeGreaterThanOrEqual(60);
    expect(kept.length).toBeLessThanOrEqual(140);
    expect(new Set(kept.map((s) => s.traceId))).toEqual(new Set(expected));
    expect(t.stats()).toMatchObject({ keptByHead: kept.length, droppedBySampling: 400 - kept.length, sampledOut: 400 - kept.length });
    // Kept requests are whole: the SERVER span and its handler span.
    expect((await t.spans()).length).toBe(kept.length * 2);
  });

  it('TRACEKIT_SAMPLE_RATE from the environment drives the same path', async () => {
    if (getClient()) await shutdown();
    const { InMemorySpanExporter } = await import('../../src/adapter-api.js');
    const exporter = new InMemorySpanExporter();
    const client = init({ handleShutdown: false, batchDelayMs: 5 }, { exporter, env: { TRACEKIT_SAMPLE_RATE: '0.01', TRACEKIT_KEEP_ERRORS: 'true' } });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await app.get(`/users/${i}`)).body);
    await client.flush();
    const bound = ratioBound(0.01);
    expect(new Set(servers(exporter.spans).map((s) => s.traceId))).toEqual(new Set(ids.filter((id) => traceIdRatioValue(id) < bound)));
    expect(client.stats().keptByHead + client.stats().droppedBySampling).toBe(100);
  });
});

describe('parent-based decisions', () => {
  it('a sampled traceparent is followed at sampleRate 0: the request is recorded whole, under the caller', async () => {
    const t = await traced({ sampleRate: 0 });
    await app.get('/users/1', incoming('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '01'));
    const spans = await t.spans();
    expect(spans).toHaveLength(2);
    const [server] = servers(spans);
    expect(server).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    expect(t.stats()).toMatchObject({ keptByParent: 1 });
  });

  it('an unsampled traceparent is followed at sampleRate 1: nothing is recorded', async () => {
    const t = await traced({ sampleRate: 1, keepErrors: false });
    const body = (await app.get('/users/1', incoming('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '00'))).body;
    expect(body).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(await t.spans()).toHaveLength(0);
    expect(t.stats()).toMatchObject({ droppedBySampling: 1, keptByParent: 0 });
  });

  it('parentBased: false decides by trace ID whatever the incoming flag', async () => {
    const t = await traced({ sampleRate: 1, parentBased: false, keepErrors: false });
    await app.get('/users/1', incoming('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '00'));
    expect(servers(await t.spans())).toHaveLength(1);
    expect(t.stats()).toMatchObject({ keptByHead: 1 });
  });

  it('downstream calls carry the head decision: sampled flag off, parent = the SERVER span a tail keep exports', async () => {
    const t = await traced({ sampleRate: 0 });
    await app.get(`/call-fail?to=${encodeURIComponent(downstream.url)}`);
    const [server] = servers(await t.spans());
    expect(server).toBeDefined();
    expect(downstream.traceparents).toEqual([`00-${server!.traceId}-${server!.spanId}-00`]);
    expect(server!.attributes['tracekit.sampling.reason']).toBe('error');
  });

  it('a sampled request propagates the sampled flag and its CLIENT span as parent', async () => {
    const t = await traced({ sampleRate: 1 });
    await app.get(`/call?to=${encodeURIComponent(downstream.url)}`);
    const spans = await t.spans();
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(clientSpan).toBeDefined();
    expect(downstream.traceparents).toEqual([`00-${clientSpan!.traceId}-${clientSpan!.spanId}-01`]);
  });
});

describe('rules over HTTP', () => {
  it('path rules decide at the start; a route rule holds the spans and decides at the end', async () => {
    const t = await traced({
      sampleRate: 0,
      keepErrors: false,
      samplingRules: [{ path: '/health', rate: 0 }, { path: '/checkout/*', rate: 1 }, { route: '/users/:id', rate: 1 }],
    });
    await app.get('/health');
    await app.get('/checkout/9');
    await app.get('/users/5');
    await app.get('/other/x');
    const spans = await t.spans();
    expect(servers(spans).map((s) => s.name).sort()).toEqual(['GET /checkout/:id', 'GET /users/:id']);
    // Both kept requests are whole: SERVER and handler spans.
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /checkout/:id', 'GET /users/:id', 'handler checkout', 'handler getUser']);
    expect(t.stats()).toMatchObject({ keptByRule: 2, droppedBySampling: 2 });
  });

  it('a route rule at rate 0 drops the request and every span it held', async () => {
    const t = await traced({ sampleRate: 1, keepErrors: false, samplingRules: [{ route: '/users/:id', rate: 0 }] });
    for (let i = 0; i < 5; i++) await app.get(`/users/${i}`);
    await app.get(`/nested`);
    const spans = await t.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /nested', 'db.query', 'handler nested']);
    expect(t.stats()).toMatchObject({ droppedBySampling: 5, keptByHead: 1 });
  });
});

describe('rate limit over HTTP', () => {
  it('keeps rateLimit traces a second: 2 of 6 at once, 2 more a second later', async () => {
    const t = await traced({ sampleRate: 1, rateLimit: 2, keepErrors: false });
    for (let i = 0; i < 6; i++) await app.get(`/users/${i}`);
    expect(servers(await t.spans())).toHaveLength(2);
    t.clock.advance(1000);
    for (let i = 0; i < 6; i++) await app.get(`/users/${i}`);
    expect(servers(await t.spans())).toHaveLength(4);
    expect(t.stats()).toMatchObject({ keptByHead: 4, droppedByRateLimit: 8, sampledOut: 8 });
  });
});

describe('tail sampling over HTTP', () => {
  it('at sampleRate 0, failed requests are kept with their error, everything else is dropped', async () => {
    const t = await traced({ sampleRate: 0 });
    const boom = await app.get('/boom');
    await app.get('/fail');
    await app.get('/caught');
    await app.get('/users/1');
    await app.get('/no-such-route');
    const spans = await t.spans();
    expect(spans).toHaveLength(3);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const kept = byName['GET /boom']!;
    expect(kept.kind).toBe(SpanKind.SERVER);
    expect(kept.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kaboom' });
    expect(kept.attributes).toMatchObject({
      'tracekit.sampling.reason': 'error',
      'http.route': '/boom',
      'code.function.name': 'boom',
      'http.response.status_code': 500,
      'error.type': 'Error',
      'http.request.method': 'GET',
      'url.path': '/boom',
      'tracekit.framework': 'express',
      'tracekit.request_id': boom.headers['x-request-id'],
    });
    const exceptions = kept.events!.filter((e) => e.name === 'exception');
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]!.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'kaboom' });
    expect(byName['GET /fail']!.attributes).toMatchObject({ 'tracekit.sampling.reason': 'error', 'error.type': '503', 'http.response.status_code': 503 });
    const caught = byName['GET /caught']!;
    expect(caught.status.code).toBe(SpanStatusCode.UNSET);
    expect(caught.events!.map((e) => e.attributes?.['exception.message'])).toEqual(['handled and answered']);
    expect(t.stats()).toMatchObject({ keptByTailError: 3, droppedBySampling: 2, keptByHead: 0, spansStarted: 3 });
  });

  it('a failed request kept by the tail names the same error as when the head keeps it (the last one that escaped)', async () => {
    const errorOf = (s: ReadableSpan) => ({ type: s.attributes['error.type'], status: s.status });
    let t = await traced({ sampleRate: 1 });
    await app.get('/two-errors');
    const head = servers(await t.spans());
    await shutdown();
    t = await traced({ sampleRate: 0 });
    await app.get('/two-errors');
    const tail = servers(await t.spans());
    expect(head).toHaveLength(1);
    expect(tail).toHaveLength(1);
    expect(errorOf(head[0]!)).toEqual({ type: 'RangeError', status: { code: SpanStatusCode.ERROR, message: 'second after first' } });
    expect(errorOf(tail[0]!)).toEqual(errorOf(head[0]!));
    expect(tail[0]!.attributes['tracekit.sampling.reason']).toBe('error');
  });

  it('at sampleRate 0 with keepSlowerThanMs, a slow request is kept and a fast one is not', async () => {
    const t = await traced({ sampleRate: 0, keepSlowerThanMs: 500 });
    setAppClock(t.clock);
    await app.get('/slow');
    await app.get('/users/1');
    const spans = await t.spans();
    expect(spans.map((s) => s.name)).toEqual(['GET /slow']);
    expect(spans[0]!.attributes['tracekit.sampling.reason']).toBe('slow');
    expect(spans[0]!.endTime - spans[0]!.startTime).toBe(600);
    expect(t.stats()).toMatchObject({ keptByTailSlow: 1, droppedBySampling: 1 });
  });

  it('a request that really takes longer than keepSlowerThanMs is kept', async () => {
    if (getClient()) await shutdown();
    const { InMemorySpanExporter } = await import('../../src/adapter-api.js');
    const exporter = new InMemorySpanExporter();
    init({ handleShutdown: false, batchDelayMs: 5, sampleRate: 0, keepSlowerThanMs: 50 }, { exporter, env: {} });
    await app.get('/sleep');
    await flush();
    expect(exporter.spans.map((s) => [s.name, s.attributes['tracekit.sampling.reason']])).toEqual([['GET /sleep', 'slow']]);
  });

  it('a route rule that drops a failing request still lets keepErrors keep it', async () => {
    const t = await traced({ sampleRate: 1, samplingRules: [{ route: '/boom', rate: 0 }] });
    await app.get('/boom');
    const spans = await t.spans();
    expect(servers(spans)[0]!.attributes['tracekit.sampling.reason']).toBe('error');
    // It was recorded (pending), so its handler span is kept too.
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /boom', 'handler boom']);
  });
});

describe('dropped requests leave nothing behind', () => {
  it('at sampleRate 0 the file store stays empty: no spans from handlers, child spans or outbound calls', async () => {
    if (getClient()) await shutdown();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-sampling-'));
    const file = path.join(dir, 'traces.jsonl');
    const client = init({ handleShutdown: false, batchDelayMs: 5, sampleRate: 0, exporter: 'file', file }, { env: {} });
    for (let i = 0; i < 10; i++) {
      await app.get(`/users/${i}`);
      await app.get('/nested');
      await app.get(`/call?to=${encodeURIComponent(downstream.url)}`);
    }
    await client.flush();
    const written = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    expect(written).toBe('');
    expect(client.stats()).toMatchObject({ spansStarted: 0, spansEnded: 0, droppedBySampling: 30 });
    // Downstream calls still carried the trace (unsampled), one per /call.
    expect(downstream.traceparents).toHaveLength(10);
    for (const tp of downstream.traceparents) expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
