/**
 * One SERVER span per request when the app also runs OpenTelemetry's instrumentation-http:
 * TraceKit enriches the span instrumentation-http started instead of starting a second one.
 * A real NodeTracerProvider and a real HttpInstrumentation patch Node's http server; the app is
 * a node:http server traced through core's adapter runtime.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, endWithNodeResponse, getRequestId, getTraceId, nodeRequestInfo, setMetadata, shutdown, withSpan } from '../src/adapter-api.js';
import { setupTestTracing, type TestTracing } from '../src/testing/index.js';

const sdkSpans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] });
provider.register();
const instrumentation = new HttpInstrumentation();
instrumentation.setTracerProvider(provider);
// instrumentation-http patches `http` when it is required: load it through require, after enabling.
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

let tracing: TestTracing;
let server: import('node:http').Server;
let base: string;

/** A tiny app traced through core's adapter runtime, as every adapter does it. */
function startApp(): Promise<void> {
  const runtime = createAdapter<IncomingMessage, ServerResponse>('node-http', { captureHeaders: { request: ['authorization'] } });
  server = http.createServer((req, res) => {
    const scope = runtime.start(req, nodeRequestInfo(req));
    if (!scope) return res.end();
    res.setHeader('x-request-id', scope.requestId);
    endWithNodeResponse(runtime, scope, res);
    scope.run(async () => {
      if (req.url?.startsWith('/boom')) {
        scope.setRoute('/boom');
        const err = new TypeError('kaput');
        scope.recordError(err);
        res.statusCode = 500;
        return res.end('failed');
      }
      scope.setRoute('/users/:id');
      scope.setHandler('getUser');
      setMetadata({ userId: 'u-7' });
      await withSpan('db.query', async () => new Promise((r) => setTimeout(r, 2)));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ requestId: getRequestId(), traceId: getTraceId() }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

beforeAll(async () => {
  tracing = await setupTestTracing();
  await startApp();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await shutdown();
  instrumentation.disable();
  await provider.shutdown();
  trace.disable();
  context.disable();
});
afterEach(() => {
  sdkSpans.reset();
  tracing.reset();
});

/** The request's spans in both places: the SDK's exporter and TraceKit's own. */
async function spansOf(requestId: string): Promise<{ server: ReadableSpan; own: Awaited<ReturnType<TestTracing['spans']>> }> {
  for (let i = 0; i < 100; i++) {
    const server = sdkSpans.getFinishedSpans().find((s) => s.attributes['tracekit.request_id'] === requestId);
    if (server) return { server, own: await tracing.spans() };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no SDK span with tracekit.request_id=${requestId}`);
}

describe('with OpenTelemetry instrumentation-http running', () => {
  it('enriches the SERVER span instrumentation-http started: one SERVER span, route, request ID, metadata, redacted headers', async () => {
    const res = await fetch(`${base}/users/42`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    const requestId = res.headers.get('x-request-id') as string;
    const body = (await res.json()) as { requestId: string; traceId: string };
    const { server, own } = await spansOf(requestId);
    const sdkServers = sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    expect(sdkServers).toHaveLength(1);
    expect(own.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
    expect(server.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes['http.route']).toBe('/users/:id');
    expect(server.attributes['code.function.name']).toBe('getUser');
    expect(server.attributes['tracekit.framework']).toBe('node-http');
    expect(server.attributes['user.id']).toBe('u-7');
    expect(server.attributes['http.request.header.authorization']).toHaveLength(1);
    expect(String(server.attributes['http.request.header.authorization'])).not.toContain('abc.def.ghi');
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    // The request's context holds that span: its IDs, and TraceKit's children hang from it.
    expect(body).toEqual({ requestId, traceId: server.spanContext().traceId });
    const db = own.find((s) => s.name === 'db.query');
    expect(db?.traceId).toBe(server.spanContext().traceId);
    expect(db?.parentSpanId).toBe(server.spanContext().spanId);
  });

  it('records errors on that span, and leaves ending it to instrumentation-http', async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    const { server } = await spansOf(res.headers.get('x-request-id') as string);
    expect(sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
    expect(server.name).toBe('GET /boom');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe('TypeError');
    expect(server.events.filter((e) => e.name === 'exception').map((e) => e.attributes?.['exception.message'])).toEqual(['kaput']);
    // instrumentation-http ended it when the response closed, after TraceKit's end at 'finish'.
    expect(server.attributes['http.response.status_code']).toBe(500);
    expect(server.ended).toBe(true);
  });

  it('continues an incoming trace through the span instrumentation-http extracted', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${base}/users/1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const body = (await res.json()) as { traceId: string };
    const { server } = await spansOf(res.headers.get('x-request-id') as string);
    expect(body.traceId).toBe(traceId);
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('does not adopt a SERVER span of another path, nor one TraceKit started', async () => {
    const runtime = createAdapter<object, object>('unit', {});
    const outer = provider.getTracer('test').startSpan('GET /other', { kind: SpanKind.SERVER, attributes: { 'url.path': '/other' } });
    const info = { method: 'GET', target: '/users/9', header: () => undefined };
    const scope = context.with(trace.setSpan(context.active(), outer), () => runtime.start({}, info));
    expect(scope?.adopted).toBe(false);
    expect(scope?.span).not.toBe(outer);
    // A request started inside a traced request (an in-process sub-request) gets its own span.
    const inner = scope?.run(() => runtime.start({}, { ...info, target: '/other' }));
    expect(inner?.adopted).toBe(false);
    outer.end();
    scope?.end({ statusCode: 200 });
    inner?.end({ statusCode: 200 });
  });
});
