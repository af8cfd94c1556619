import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { init, shutdown } from '../../src/client.js';
import * as tracekit from '../../../express/src/index.js';
import { startReceiver, type Receiver } from '../export/helpers.js';

const require = createRequire(import.meta.url);
interface ProtoType {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
}
const root = require('otlp-transformer-decode/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } } };
};
const MetricsRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const T0 = 1_750_000_000_000;

/** A clock the handlers move: each request takes exactly the time its handler says. */
let clock = T0;
const now = () => clock;

function app(): express.Express {
  const a = express();
  a.use(tracekit.express());
  a.get('/users/:id', (_req, res) => {
    clock += 30; // 0.03 s: the (0.025, 0.05] bucket
    res.json({ ok: true });
  });
  a.post('/items', (_req, res) => {
    clock += 3; // 0.003 s: the first bucket
    res.status(201).end();
  });
  a.get('/fail', () => {
    clock += 120; // 0.12 s: the (0.1, 0.25] bucket
    throw new TypeError('boom');
  });
  a.get('/unavailable', (_req, res) => {
    clock += 60; // 0.06 s: the (0.05, 0.075] bucket
    res.status(503).end();
  });
  a.use(tracekit.expressErrorHandler());
  return a;
}

async function serve(): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(base: string, method: string, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Three GETs of /users/:id, two POSTs, a GET that throws, a 503 without an exception and an unrouted 404. */
async function traffic(base: string): Promise<void> {
  for (const id of [1, 2, 3]) expect(await send(base, 'GET', `/users/${id}`)).toBe(200);
  for (let i = 0; i < 2; i++) expect(await send(base, 'POST', '/items')).toBe(201);
  expect(await send(base, 'GET', '/fail')).toBe(500);
  expect(await send(base, 'GET', '/unavailable')).toBe(503);
  expect(await send(base, 'GET', '/nowhere')).toBe(404);
}

const bucketsWith = (index: number, count: number) => BOUNDS.map((_, i) => (i === index ? count : 0)).concat(index === BOUNDS.length ? [count] : [0]);

/** The exact histogram points the traffic above produces, in OTLP/JSON form (any order). */
const EXPECTED = [
  { attrs: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/users/:id' }, count: 3, sum: 0.09, min: 0.03, max: 0.03, buckets: bucketsWith(3, 3) },
  { attrs: { 'http.request.method': 'POST', 'http.response.status_code': 201, 'http.route': '/items' }, count: 2, sum: 0.006, min: 0.003, max: 0.003, buckets: bucketsWith(0, 2) },
  // error.type as on the SERVER span: the thrown exception's type, else a 5xx's status code.
  { attrs: { 'http.request.method': 'GET', 'http.response.status_code': 500, 'http.route': '/fail', 'error.type': 'TypeError' }, count: 1, sum: 0.12, min: 0.12, max: 0.12, buckets: bucketsWith(6, 1) },
  { attrs: { 'http.request.method': 'GET', 'http.response.status_code': 503, 'http.route': '/unavailable', 'error.type': '503' }, count: 1, sum: 0.06, min: 0.06, max: 0.06, buckets: bucketsWith(4, 1) },
  { attrs: { 'http.request.method': 'GET', 'http.response.status_code': 404 }, count: 1, sum: 0, min: 0, max: 0, buckets: bucketsWith(0, 1) },
];

type Kv = { key: string; value: Record<string, unknown> };
const plain = (kvs: Kv[] = []) =>
  Object.fromEntries(kvs.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue))]));

interface Point {
  attributes: Kv[];
  count: string | number;
  sum: number;
  min?: number;
  max?: number;
  bucketCounts: Array<string | number>;
  explicitBounds: number[];
  startTimeUnixNano: string | number;
  timeUnixNano: string | number;
}

function durationPoints(request: Record<string, unknown>) {
  const rm = (request.resourceMetrics as Array<{ resource: { attributes: Kv[] }; scopeMetrics: Array<{ scope: { name: string }; metrics: Array<Record<string, unknown>> }> }>)[0]!;
  const metric = rm.scopeMetrics[0]!.metrics.find((m) => m.name === 'http.server.request.duration') as {
    unit: string;
    histogram: { aggregationTemporality: number | string; dataPoints: Point[] };
  };
  return { resource: plain(rm.resource.attributes), scope: rm.scopeMetrics[0]!.scope.name, metric, names: rm.scopeMetrics[0]!.metrics.map((m) => m.name as string) };
}

function expectExactPoints(request: Record<string, unknown>): void {
  const { resource, scope, metric, names } = durationPoints(request);
  expect(resource['service.name']).toBe('metrics-app');
  expect(scope).toBe('@tracekit/core');
  expect(metric.unit).toBe('s');
  expect([2, 'AGGREGATION_TEMPORALITY_CUMULATIVE']).toContain(metric.histogram.aggregationTemporality);
  const got = metric.histogram.dataPoints.map((p) => ({
    attrs: plain(p.attributes),
    count: Number(p.count),
    sum: Number(p.sum.toFixed(9)),
    min: p.min,
    max: p.max,
    buckets: p.bucketCounts.map(Number),
    bounds: p.explicitBounds,
    start: String(p.startTimeUnixNano),
  }));
  expect(got).toHaveLength(EXPECTED.length);
  for (const e of EXPECTED) {
    const g = got.find((x) => JSON.stringify(x.attrs) === JSON.stringify(e.attrs) || (Object.keys(x.attrs).length === Object.keys(e.attrs).length && Object.entries(e.attrs).every(([k, v]) => x.attrs[k] === v)));
    expect(g, JSON.stringify(e.attrs)).toBeDefined();
    expect(g).toEqual({ attrs: e.attrs, count: e.count, sum: e.sum, min: e.min, max: e.max, buckets: e.buckets, bounds: BOUNDS, start: `${T0}000000` });
  }
  // No attribute is an ID or a raw path.
  for (const g of got) expect(Object.keys(g.attrs).sort()).toEqual(expect.arrayContaining(['http.request.method', 'http.response.status_code']));
  expect(JSON.stringify(got)).not.toMatch(/\/users\/[0-9]/);
  // The runtime metrics ride along.
  expect(names).toEqual(expect.arrayContaining(['nodejs.eventloop.utilization', 'v8js.memory.heap.used', 'v8js.memory.heap.limit']));
}

describe('metrics over real HTTP (Express)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-metrics-'));
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await shutdown();
    await receiver?.close();
    receiver = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the exact http.server.request.duration points to .tracekit/metrics.jsonl at shutdown', async () => {
    clock = T0;
    init({ serviceName: 'metrics-app', exporter: 'file', file: path.join(dir, 'traces.jsonl'), handleShutdown: false, metricsIntervalMs: 3_600_000 }, { now, env: {} });
    const server = await serve();
    await traffic(server.base);
    await server.close();
    await shutdown();
    const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    if (process.env.TK_SHOW_LINE) console.log(lines[0]);
    expectExactPoints(JSON.parse(lines[0]!) as Record<string, unknown>);
    // The SERVER spans say the same error.type.
    const spans = fs.readFileSync(path.join(dir, 'traces.jsonl'), 'utf8').trim().split('\n').flatMap((l) => (JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ kind: number; attributes: Kv[] }> }> }> }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((ss) => ss.spans)));
    const errorTypes = spans.filter((sp) => sp.kind === 2).map((sp) => plain(sp.attributes)).filter((a) => a['error.type'] !== undefined).map((a) => [a['http.route'], a['error.type']]);
    expect(errorTypes.sort()).toEqual([['/fail', 'TypeError'], ['/unavailable', '503']]);
  });

  it('sends the same points as OTLP/protobuf to <endpoint>/v1/metrics', async () => {
    clock = T0;
    receiver = await startReceiver();
    init({ serviceName: 'metrics-app', endpoint: receiver.url, handleShutdown: false, metricsIntervalMs: 3_600_000, spool: false }, { now, env: {} });
    const server = await serve();
    await traffic(server.base);
    await server.close();
    await shutdown();
    const posts = receiver.requests.filter((r) => r.path === '/v1/metrics');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers['content-type']).toBe('application/x-protobuf');
    const decoded = MetricsRequest.toObject(MetricsRequest.decode(posts[0]!.body), { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
    expectExactPoints(decoded);
  });

  it('sends OTLP/JSON with protocol http/json; flush() leaves metrics to their interval and shutdown', async () => {
    clock = T0;
    receiver = await startReceiver();
    const client = init({ serviceName: 'metrics-app', endpoint: receiver.url, protocol: 'http/json', handleShutdown: false, metricsIntervalMs: 3_600_000, spool: false }, { now, env: {} });
    const server = await serve();
    await traffic(server.base);
    await server.close();
    await client.flush();
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(0);
    await shutdown();
    const posts = receiver.requests.filter((r) => r.path === '/v1/metrics');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers['content-type']).toBe('application/json');
    expectExactPoints(JSON.parse(posts[0]!.body.toString('utf8')) as Record<string, unknown>);
  });

  it('shutdown() against a metrics endpoint that never answers ends within shutdownTimeoutMs, not exportTimeoutMs', async () => {
    receiver = await startReceiver((r) => (r.path === '/v1/metrics' ? 'hang' : { status: 200 }));
    // exportTimeoutMs is longer than this test's own 5 s limit: only the shutdown bound can end it.
    init({ serviceName: 'metrics-app', endpoint: receiver.url, handleShutdown: false, metricsIntervalMs: 3_600_000, spool: false, shutdownTimeoutMs: 300, exportTimeoutMs: 20_000 }, { env: {} });
    const server = await serve();
    await send(server.base, 'GET', '/users/1');
    await server.close();
    await shutdown();
    // The last snapshot was sent (and left unanswered), and the app's shutdown did not wait for it.
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(1);
  });

  it('metrics: false exports none', async () => {
    receiver = await startReceiver();
    init({ serviceName: 'metrics-app', endpoint: receiver.url, handleShutdown: false, metrics: false, spool: false }, { env: {} });
    const server = await serve();
    await send(server.base, 'GET', '/users/1');
    await server.close();
    await shutdown();
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(0);
    expect(receiver.requests.filter((r) => r.path === '/v1/traces').length).toBeGreaterThan(0);
  });
});
