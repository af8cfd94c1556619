import { afterEach, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { context, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { init, shutdown, trackEvent, type TracekitOptions, type TracekitSpan } from '../../src/adapter-api.js';
import { encodeTraces, encodeTracesOfficial, toHrTime } from '../../src/export/otlp-encoding.js';
import { TracesProtobufStager } from '../../src/export/otlp-protobuf.js';
import { startReceiver, type Receiver } from './helpers.js';

const nanos = (ms: number) => {
  const [s, n] = toHrTime(ms);
  return (BigInt(s) * 1_000_000_000n + BigInt(n)).toString();
};

let receiver: Receiver | undefined;
afterEach(async () => {
  await shutdown();
  await receiver?.close();
  receiver = undefined;
});

function start(options: TracekitOptions, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-enc-'));
  return init({ exporter: 'otlp', handleShutdown: false, batchDelayMs: 10, serviceName: 'enc-test', spoolDir: path.join(dir, 'spool'), ...options }, { env });
}

/** Spans with every kind of attribute value, events, a link, a status message, a remote parent with trace state. */
function makeSpans(client: ReturnType<typeof start>): TracekitSpan[] {
  const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: createTraceState('vendor=abc,other=1') };
  const server = client.tracer.startSpan(
    'GET /users/:id',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 503,
        'tracekit.ratio': 0.25,
        'tracekit.flag': true,
        'tracekit.strings': ['a', 'b'],
        'tracekit.ints': [1, 2, 3],
        'tracekit.doubles': [1.5, 2.5],
        'tracekit.bools': [true, false],
        'tracekit.unicode': 'ünïcødé ✓ "quoted"',
      },
    },
    trace.setSpanContext(ROOT_CONTEXT, remote),
  ) as TracekitSpan;
  const child = client.tracer.startSpan(
    'db.query',
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' }, links: [{ context: { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1 }, attributes: { 'link.kind': 'retry' } }] },
    trace.setSpan(context.active(), server),
  ) as TracekitSpan;
  child.addEvent('cache.miss', { 'cache.key': 'user:42', 'cache.size': 7 });
  child.recordException(new TypeError('boom'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'query failed' });
  child.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  return [child, server];
}

function expectSpan(got: Record<string, unknown>, want: TracekitSpan) {
  expect(got.traceId).toBe(want.traceId);
  expect(got.spanId).toBe(want.spanId);
  expect(got.parentSpanId ?? '').toBe(want.parentSpanId ?? '');
  expect(got.name).toBe(want.name);
  expect(got.kind).toBe(want.kind + 1);
  expect(String(got.startTimeUnixNano)).toBe(nanos(want.startTime));
  expect(String(got.endTimeUnixNano)).toBe(nanos(want.endTime));
  expect(got.traceState ?? '').toBe(want.traceState?.serialize() ?? '');
  const attrs = Object.fromEntries((got.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((kv) => [kv.key, kv.value]));
  expect(Object.keys(attrs).sort()).toEqual(Object.keys(want.attributes).sort());
  return attrs;
}

describe.each(['http/protobuf', 'http/json'] as const)('OTLP/HTTP %s', (protocol) => {
  it.each(['gzip', 'none'] as const)('delivers every attribute, event, link and ID intact (compression %s)', async (compression) => {
    receiver = await startReceiver();
    const client = start({ endpoint: receiver.url, protocol, compression });
    const [child, server] = makeSpans(client);
    await client.flush();
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.path).toBe('/v1/traces');
    expect(req.headers['content-type']).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
    expect(req.headers['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
    const spans = receiver.spans();
    expect(spans).toHaveLength(2);
    const [gotChild, gotServer] = spans as [Record<string, unknown>, Record<string, unknown>];

    const sa = expectSpan(gotServer, server!);
    expect(gotServer.parentSpanId).toBe('00f067aa0ba902b7');
    expect(gotServer.traceState).toBe('vendor=abc,other=1');
    // sampled; in protobuf also with the parent marked remote (HAS_IS_REMOTE | IS_REMOTE), as the SDK writes it
    expect(Number(gotServer.flags)).toBe(protocol === 'http/protobuf' ? 0x301 : 1);
    expect(sa['http.request.method']).toEqual({ stringValue: 'GET' });
    expect(Number(sa['http.response.status_code']!.intValue)).toBe(503);
    expect(sa['tracekit.ratio']).toEqual({ doubleValue: 0.25 });
    expect(sa['tracekit.flag']).toEqual({ boolValue: true });
    expect(sa['tracekit.unicode']).toEqual({ stringValue: 'ünïcødé ✓ "quoted"' });
    expect(sa['tracekit.strings']).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
    expect((sa['tracekit.ints']!.arrayValue as { values: Array<{ intValue: unknown }> }).values.map((v) => Number(v.intValue))).toEqual([1, 2, 3]);
    expect(sa['tracekit.doubles']).toEqual({ arrayValue: { values: [{ doubleValue: 1.5 }, { doubleValue: 2.5 }] } });
    expect(sa['tracekit.bools']).toEqual({ arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } });
    expect((gotServer.status as { code: number }).code).toBe(SpanStatusCode.OK);

    const ca = expectSpan(gotChild, child!);
    expect(gotChild.parentSpanId).toBe(server!.spanId);
    expect(Number(gotChild.flags)).toBe(protocol === 'http/protobuf' ? 0x101 : 1);
    expect(ca['db.system.name']).toEqual({ stringValue: 'postgresql' });
    expect(gotChild.status).toEqual({ code: SpanStatusCode.ERROR, message: 'query failed' });
    const events = gotChild.events as Array<Record<string, unknown>>;
    expect(events.map((e) => e.name)).toEqual(['cache.miss', 'exception']);
    expect(String(events[0]!.timeUnixNano)).toBe(nanos(child!.events![0]!.time));
    const ev = Object.fromEntries((events[0]!.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((kv) => [kv.key, kv.value]));
    expect(ev['cache.key']).toEqual({ stringValue: 'user:42' });
    expect(Number(ev['cache.size']!.intValue)).toBe(7);
    const ex = Object.fromEntries((events[1]!.attributes as Array<{ key: string; value: { stringValue?: string } }>).map((kv) => [kv.key, kv.value.stringValue]));
    expect(ex['exception.type']).toBe('TypeError');
    expect(ex['exception.message']).toBe('boom');
    expect(ex['exception.stacktrace']).toContain('TypeError: boom');
    const links = gotChild.links as Array<Record<string, unknown>>;
    expect(links).toHaveLength(1);
    expect(links[0]!.traceId).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(links[0]!.spanId).toBe('bbbbbbbbbbbbbbbb');
    expect(links[0]!.attributes).toEqual([{ key: 'link.kind', value: { stringValue: 'retry' } }]);

    // resource and scope
    const body = (await import('./helpers.js')).decodeBody('traces', req.body, req.headers);
    const rs = (body.resourceSpans as Array<Record<string, unknown>>)[0]!;
    const resource = Object.fromEntries(((rs.resource as { attributes: Array<{ key: string; value: { stringValue?: string } }> }).attributes).map((kv) => [kv.key, kv.value.stringValue]));
    expect(resource['service.name']).toBe('enc-test');
    expect(resource['telemetry.sdk.name']).toBe('tracekit');
    expect(((rs.scopeSpans as Array<{ scope: { name: string } }>)[0]!.scope.name)).toBe('@tracekit/core');
    expect(client.stats().spansExported).toBe(2);
  });

  it('sends custom events to /v1/logs linked to the active trace and span', async () => {
    receiver = await startReceiver();
    const client = start({ endpoint: receiver.url, protocol });
    const span = client.tracer.startSpan('checkout') as TracekitSpan;
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => trackEvent('checkout.completed', { orderId: 'o-1', total: 42.5, items: 3, gift: false, tags: ['a', 'b'], extra: { nested: 1 } }, { userId: 'u-7' }));
    span.end();
    await client.flush();
    const logs = receiver.logs();
    expect(logs).toHaveLength(1);
    const log = logs[0]!;
    expect(log.eventName).toBe('tracekit.event');
    expect(log.traceId).toBe(span.traceId);
    expect(log.spanId).toBe(span.spanId);
    expect(log.severityText).toBe('INFO');
    expect(log.body).toEqual({ stringValue: 'checkout.completed' });
    const attrs = Object.fromEntries((log.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((kv) => [kv.key, kv.value]));
    expect(attrs.orderId).toEqual({ stringValue: 'o-1' });
    expect(attrs.total).toEqual({ doubleValue: 42.5 });
    expect(Number(attrs.items!.intValue)).toBe(3);
    expect(attrs.gift).toEqual({ boolValue: false });
    expect(attrs.tags).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
    expect(attrs.extra).toEqual({ stringValue: '{"nested":1}' });
    expect(attrs['user.id']).toEqual({ stringValue: 'u-7' });
    expect(attrs['tracekit.event.name']).toEqual({ stringValue: 'checkout.completed' });
    expect(receiver.requests.find((r) => r.path === '/v1/logs')!.headers['content-type']).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
  });
});

describe("TraceKit's protobuf encoder", () => {
  it('writes exactly the bytes of the official serializer, for every kind of value', async () => {
    const client = start({ exporter: 'none' });
    const spans = makeSpans(client);
    const odd = client.tracer.startSpan('ödd ✓ '.repeat(30), {
      attributes: { neg: -42, big: 2 ** 40, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, long: 'x'.repeat(300), empty: '', mixed: ['a', 'ü', ''], 'unicode.key.ü': '🎉' },
    }) as TracekitSpan;
    odd.addEvent('e'.repeat(200), { n: 1 });
    odd.end();
    const meta = { resource: { 'service.name': 'svc', 'host.name': 'h'.repeat(150) }, scope: { name: '@tracekit/core', version: '1.2.3' } };
    for (const batch of [spans, [odd], [...spans, odd], []]) {
      expect(Buffer.from(encodeTraces(batch, meta, 'http/protobuf')).equals(Buffer.from(encodeTracesOfficial(batch, meta, 'http/protobuf')))).toBe(true);
    }
    // a large batch crosses the writer's buffer size and multi-byte lengths at every level
    const many = Array.from({ length: 3000 }, () => odd);
    expect(Buffer.from(encodeTraces(many, meta, 'http/protobuf')).equals(Buffer.from(encodeTracesOfficial(many, meta, 'http/protobuf')))).toBe(true);
  });

  it('staged (each span encoded as it is staged, the request written when the batch is due): the same bytes, batch after batch', () => {
    const client = start({ exporter: 'none' });
    const spans = makeSpans(client);
    const odd = client.tracer.startSpan('ödd ✓ '.repeat(30), { attributes: { long: 'x'.repeat(300), 'unicode.key.ü': '🎉' } }) as TracekitSpan;
    odd.end();
    const meta = { resource: { 'service.name': 'svc' }, scope: { name: '@tracekit/core', version: '1.2.3' } };
    const stager = new TracesProtobufStager(meta);
    expect(stager.finish()).toBeUndefined();
    for (const batch of [spans, [odd], Array.from({ length: 3000 }, () => odd)]) {
      // Staged in pieces, as the pipeline stages them (a tick after each request ends).
      for (let i = 0; i < batch.length; i += 7) stager.stage(batch.slice(i, i + 7));
      const staged = stager.finish()!;
      expect(staged.count).toBe(batch.length);
      expect(Buffer.from(staged.body).equals(Buffer.from(encodeTracesOfficial(batch, meta, 'http/protobuf')))).toBe(true);
      // Finishing empties the stage.
      expect(stager.finish()).toBeUndefined();
    }
  });
});

describe('OTLP endpoint and headers', () => {
  it('sends apiKey as a bearer token and OTEL_EXPORTER_OTLP_HEADERS, to TRACEKIT_ENDPOINT/v1/traces', async () => {
    receiver = await startReceiver();
    const client = init(
      { handleShutdown: false, batchDelayMs: 10, spool: false },
      { env: { TRACEKIT_ENDPOINT: receiver.url, TRACEKIT_API_KEY: 'key-123', OTEL_EXPORTER_OTLP_HEADERS: 'x-team=checkout,x-env=prod%20eu' } },
    );
    expect(client.config.exporter).toBe('otlp');
    client.tracer.startSpan('one').end();
    await client.flush();
    const req = receiver.requests[0]!;
    expect(req.path).toBe('/v1/traces');
    expect(req.headers.authorization).toBe('Bearer key-123');
    expect(req.headers['x-team']).toBe('checkout');
    expect(req.headers['x-env']).toBe('prod eu');
    expect(req.headers['user-agent']).toMatch(/^tracekit-node\//);
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, and an explicit authorization header wins over apiKey', async () => {
    receiver = await startReceiver();
    const client = init(
      { handleShutdown: false, batchDelayMs: 10, spool: false, apiKey: 'ignored', headers: { Authorization: 'Basic abc' } },
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
    );
    expect(client.config.logsEndpoint).toBe('http://127.0.0.1:9/v1/logs');
    client.tracer.startSpan('one').end();
    await client.flush();
    expect(receiver.requests[0]!.path).toBe('/custom/traces');
    expect(receiver.requests[0]!.headers.authorization).toBe('Basic abc');
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
  });
});
