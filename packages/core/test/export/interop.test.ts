import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { init, registeredTracerProvider, shutdown } from '../../src/adapter-api.js';
import { get, startApp, startReceiver, waitFor, type Receiver, type TestApp } from './helpers.js';

const memory = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });

let app: TestApp | undefined;
let receiver: Receiver | undefined;

beforeAll(() => {
  expect(registeredTracerProvider()).toBeUndefined();
  provider.register();
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});
afterEach(async () => {
  await shutdown();
  await app?.close();
  await receiver?.close();
  app = undefined;
  receiver = undefined;
  memory.reset();
});

const attrs = (s: ReadableSpan) => s.attributes;

describe('interop with an OpenTelemetry SDK the app registered', () => {
  it('finds the registered provider', () => {
    expect(registeredTracerProvider()).toBe(provider);
  });

  it("sends TraceKit's spans through the SDK's processors, with request IDs, metadata, routes and redaction", async () => {
    receiver = await startReceiver();
    const client = init({ exporter: 'otlp', endpoint: receiver.url, handleShutdown: false, batchDelayMs: 10, spool: false }, { env: {} });
    expect(client.sdkProvider).toBe(provider);
    app = await startApp();
    const res = await get(`${app.url}/work?token=s3cr3t-value-0123456789&page=2`);
    expect(res.status).toBe(200);
    await waitFor(() => memory.getFinishedSpans().length >= 2, 5000, 'SDK spans');
    const spans = memory.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const work = spans.find((s) => s.name === 'work')!;
    expect(server.name).toBe('GET /work');
    expect(attrs(server)['tracekit.request_id']).toBe(res.body);
    expect(attrs(server)['http.route']).toBe('/work');
    expect(attrs(server)['http.response.status_code']).toBe(200);
    expect(attrs(server)['url.query']).not.toContain('s3cr3t-value-0123456789');
    expect(String(attrs(server)['url.query'])).toContain('page=2');
    expect(attrs(server)['tracekit.framework']).toBe('node-http');
    // metadata set in the handler reaches the request's spans
    expect(attrs(server)['user.id']).toBe('u-1');
    expect(attrs(work)['user.id']).toBe('u-1');
    expect(attrs(work)['tracekit.metadata.plan']).toBe('pro');
    // one trace, parented by the SDK's own IDs
    expect(work.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(work.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(server.instrumentationScope.name).toBe('@tracekit/core');
    // TraceKit's own pipeline exported nothing
    await client.flush();
    expect(receiver.requests.filter((r) => r.path === '/v1/traces')).toHaveLength(0);
    expect(client.stats().spansStarted).toBe(2);
  });

  it('records errors on the SDK span', async () => {
    init({ exporter: 'none', handleShutdown: false }, { env: {} });
    app = await startApp();
    expect((await get(`${app.url}/boom`)).status).toBe(500);
    await waitFor(() => memory.getFinishedSpans().length >= 1, 5000, 'SDK span');
    const server = memory.getFinishedSpans()[0]!;
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.status.message).toBe('kaput');
    expect(attrs(server)['error.type']).toBe('RangeError');
    const exception = server.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes?.['exception.type']).toBe('RangeError');
    expect(exception.attributes?.['exception.message']).toBe('kaput');
  });

  it('useGlobalTracerProvider: false keeps TraceKit\'s own pipeline', async () => {
    receiver = await startReceiver();
    const client = init({ exporter: 'otlp', endpoint: receiver.url, handleShutdown: false, batchDelayMs: 10, spool: false, useGlobalTracerProvider: false }, { env: {} });
    expect(client.sdkProvider).toBeUndefined();
    app = await startApp();
    await get(`${app.url}/work`);
    await client.flush();
    expect(receiver.spans()).toHaveLength(2);
    expect(memory.getFinishedSpans()).toHaveLength(0);
  });
});
