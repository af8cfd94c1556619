import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { request, tempProject, testViewer } from './helpers.js';

let root: string;
let viewer: Viewer;
beforeAll(async () => {
  root = tempProject();
  viewer = await testViewer(root, { bodyLimits: { maxBytes: 256 * 1024, maxInflatedBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Sends one trace (a SERVER span with a child, an exception, a link, every attribute type) through an official exporter. */
async function sendWith(exporter: SpanExporter, service: string): Promise<string> {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('receiver-test', '1.2.3');
  const server = tracer.startSpan('GET /users/:id', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/users/:id', 'http.request.method': 'GET', 'http.response.status_code': 500, 'tracekit.request_id': `req-${service}`, ratio: 0.25, cached: false, tags: ['a', 'b'] },
  });
  const traceId = server.spanContext().traceId;
  server.recordException(Object.assign(new TypeError('boom'), { stack: 'TypeError: boom\n    at getUser (/app/src/users.ts:12:7)' }));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const { trace, context } = await import('@opentelemetry/api');
  const child = tracer.startSpan('db.users.find', { kind: SpanKind.CLIENT, links: [{ context: server.spanContext(), attributes: { why: 'test' } }] }, trace.setSpan(context.active(), server));
  child.setAttribute('big', 2 ** 40);
  child.end();
  server.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

function checkTrace(traceId: string, service: string) {
  const t = viewer.store.traces.get(traceId);
  expect(t).toBeDefined();
  const spans = [...t!.spans.values()].sort((a, b) => a.kind - b.kind);
  expect(spans.map((s) => [s.name, s.kind, s.service, s.scope])).toEqual([
    ['GET /users/:id', 2, service, 'receiver-test@1.2.3'],
    ['db.users.find', 3, service, 'receiver-test@1.2.3'],
  ]);
  const [server, child] = spans as [NonNullable<(typeof spans)[0]>, NonNullable<(typeof spans)[0]>];
  expect(server.attributes).toEqual({ 'http.route': '/users/:id', 'http.request.method': 'GET', 'http.response.status_code': 500, 'tracekit.request_id': `req-${service}`, ratio: 0.25, cached: false, tags: ['a', 'b'] });
  expect(server.status).toEqual({ code: 2, message: 'boom' });
  expect(server.events.map((e) => [e.name, e.attributes['exception.type'], e.attributes['exception.message']])).toEqual([['exception', 'TypeError', 'boom']]);
  expect(child.parentSpanId).toBe(server.spanId);
  expect(child.attributes.big).toBe(2 ** 40);
  expect(child.links).toEqual([{ traceId, spanId: server.spanId, attributes: { why: 'test' } }]);
  expect(server.duration).toBeGreaterThanOrEqual(0);
  expect(t!.summary()).toMatchObject({ traceId, route: '/users/:id', method: 'GET', statusCode: 500, requestId: `req-${service}`, spanCount: 2, errorCount: 1 });
  expect(viewer.store.byRequestId.get(`req-${service}`)).toBe(traceId);
}

describe('the OTLP/HTTP receiver', () => {
  it('ingests protobuf from the official exporter-trace-otlp-proto', async () => {
    const id = await sendWith(new ProtoExporter({ url: `${viewer.url}v1/traces` }), 'proto-svc');
    checkTrace(id, 'proto-svc');
  });

  it('ingests gzipped protobuf from the official exporter', async () => {
    const id = await sendWith(new ProtoExporter({ url: `${viewer.url}v1/traces`, compression: CompressionAlgorithm.GZIP }), 'gzip-svc');
    checkTrace(id, 'gzip-svc');
  });

  it('ingests JSON from the official exporter-trace-otlp-http', async () => {
    const id = await sendWith(new JsonExporter({ url: `${viewer.url}v1/traces` }), 'json-svc');
    checkTrace(id, 'json-svc');
  });

  it('appends what it receives to the store folder, one OTLP/JSON request per line', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const lines = fs.readFileSync(path.join(root, '.tracekit', 'traces.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const services = lines.map((l) => JSON.parse(l).resourceSpans[0].resource.attributes.find((a: { key: string }) => a.key === 'service.name').value.stringValue);
    expect(services).toEqual(expect.arrayContaining(['proto-svc', 'gzip-svc', 'json-svc']));
  });

  it('answers a partial success, in protobuf, when some spans have invalid IDs', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '1', name: 'bad' }, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'good' }] }] }] });
    const json = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, body);
    expect(json.status).toBe(200);
    expect(json.json()).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: 'span "bad" has an invalid trace or span ID' } });
    // The same through protobuf: decoded by the official deserializer.
    const bad = Buffer.from([0x0a, 0x0c, 0x12, 0x0a, 0x12, 0x08, 0x0a, 0x02, 0x01, 0x02, 0x12, 0x02, 0x03, 0x04]);
    const res = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/x-protobuf' }, bad);
    expect(res.status).toBe(200);
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(res.body))).toMatchObject({ partialSuccess: { errorMessage: 'span "" has an invalid trace or span ID' } });
    expect(Number(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(res.body)).partialSuccess?.rejectedSpans)).toBe(1);
  });

  it('answers a full success with an empty protobuf body and {} in JSON', async () => {
    const ok = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/x-protobuf' }, Buffer.alloc(0));
    expect([ok.status, ok.body.length, ok.headers['content-type']]).toEqual([200, 0, 'application/x-protobuf']);
    const okJson = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, '{}');
    expect([okJson.status, okJson.text]).toEqual([200, '{}']);
  });

  it('ingests logs and metrics as protobuf (official serializers over SDK records)', async () => {
    const logExporter = new InMemoryLogRecordExporter();
    const loggers = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'logs-svc' }), processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
    loggers.getLogger('t').emit({ eventName: 'tracekit.code_inventory', body: 'getUser (src/users.ts:12)', attributes: { 'code.filepath': 'src/users.ts', 'code.function.name': 'getUser', 'code.lineno': 12, 'tracekit.inventory.count': 2 } });
    await loggers.forceFlush();
    const logsBody = ProtobufLogsSerializer.serializeRequest(logExporter.getFinishedLogRecords())!;
    const logs = await request(viewer, 'POST', '/v1/logs', { 'content-type': 'application/x-protobuf' }, Buffer.from(logsBody));
    expect(logs.status).toBe(200);
    const log = viewer.store.logs.find((l) => l.service === 'logs-svc');
    expect(log).toMatchObject({ eventName: 'tracekit.code_inventory', body: 'getUser (src/users.ts:12)', attributes: { 'code.filepath': 'src/users.ts', 'code.lineno': 12 } });

    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'metrics-svc' }), readers: [reader] });
    const histogram = meters.getMeter('t').createHistogram('http.server.request.duration', { unit: 's' });
    for (const v of [0.004, 0.02, 0.03, 0.3]) histogram.record(v, { 'http.route': '/users/:id', 'http.request.method': 'GET' });
    await reader.forceFlush();
    const metricsBody = ProtobufMetricsSerializer.serializeRequest(metricExporter.getMetrics()[0]!)!;
    const metrics = await request(viewer, 'POST', '/v1/metrics', { 'content-type': 'application/x-protobuf' }, Buffer.from(metricsBody));
    expect(metrics.status).toBe(200);
    const point = viewer.store.metricPoints.find((p) => p.service === 'metrics-svc');
    expect(point).toMatchObject({ name: 'http.server.request.duration', type: 'histogram', unit: 's', count: 4, attributes: { 'http.route': '/users/:id', 'http.request.method': 'GET' } });
    expect(point!.sum).toBeCloseTo(0.354);
    expect(point!.bucketCounts!.reduce((a, b) => a + b, 0)).toBe(4);
    await meters.shutdown();
  });

  it('refuses malformed bodies with 400 and keeps serving', async () => {
    const garbage = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/x-protobuf' }, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toBe('application/x-protobuf');
    const badJson = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, '{"resourceSpans": [');
    expect(badJson.status).toBe(400);
    expect(badJson.json().message).toMatch(/^malformed JSON traces export request/);
    const wrongShape = await request(viewer, 'POST', '/v1/logs', { 'content-type': 'application/json' }, '{"resourceLogs": 5}');
    expect(wrongShape.status).toBe(400);
    const badGzip = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip');
    expect(badGzip.status).toBe(400);
    const type = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'text/plain' }, 'x');
    expect(type.status).toBe(415);
    const method = await request(viewer, 'GET', '/v1/traces');
    expect(method.status).toBe(405);
    expect((await request(viewer, 'GET', '/api/stats')).status).toBe(200);
  });

  it('accepts gzipped JSON and refuses a decompression bomb and an oversized body with 413', async () => {
    const body = zlib.gzipSync(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ef'.repeat(16), spanId: '12'.repeat(8), name: 'zipped' }] }] }] }));
    const ok = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
    expect(ok.status).toBe(200);
    expect(viewer.store.traces.get('ef'.repeat(16))?.root?.name).toBe('zipped');
    // 64 MiB of zeros gzip to about 64 KB: under the wire limit, far over the inflated one.
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const refused = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, bomb);
    expect(refused.status).toBe(413);
    const big = await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, Buffer.alloc(300 * 1024, 0x20));
    expect(big.status).toBe(413);
    expect((await request(viewer, 'GET', '/api/stats')).status).toBe(200);
  });
});
