/**
 * One SERVER span per request when the app also runs OpenTelemetry's instrumentation-http:
 * the Hono adapter enriches the span instrumentation-http started (a real NodeTracerProvider and
 * HttpInstrumentation under @hono/node-server) instead of starting its own.
 */
import { createRequire } from 'node:module';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shutdown } from '@tracekit/core/adapter';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';
import { listen } from './conformance-app.js';

const sdkSpans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] });
provider.register();
const instrumentation = new HttpInstrumentation();
instrumentation.setTracerProvider(provider);
// instrumentation-http patches Node's http server when `http` is required.
createRequire(import.meta.url)('node:http');

let tracing: TestTracing;
let running: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  tracing = await setupTestTracing();
  const app = new Hono();
  app.use(tracekit.hono());
  const api = new Hono();
  api.get('/items/:itemId', async function getItem(c) {
    await tracekit.withSpan('db.query', async () => new Promise((r) => setTimeout(r, 2)));
    return c.json({ requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() });
  });
  api.get('/broken', () => {
    throw new RangeError('out of range');
  });
  app.route('/api', api);
  running = await listen(app);
});
afterAll(async () => {
  await running.close();
  await shutdown();
  instrumentation.disable();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

async function sdkServer(requestId: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const span = sdkSpans.getFinishedSpans().find((s) => s.attributes['tracekit.request_id'] === requestId);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no SDK span for ${requestId}`);
}

it('enriches the SERVER span instrumentation-http started instead of starting a second one', async () => {
  const res = await fetch(`${running.baseUrl}/api/items/3`);
  const requestId = res.headers.get('x-request-id') as string;
  const body = (await res.json()) as { requestId: string; traceId: string };
  const server = await sdkServer(requestId);
  expect(sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
  const own = await tracing.spans();
  expect(own.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
  expect(server.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
  expect(server.name).toBe('GET /api/items/:itemId');
  expect(server.attributes['http.route']).toBe('/api/items/:itemId');
  expect(server.attributes['code.function.name']).toBe('getItem');
  expect(server.attributes['tracekit.framework']).toBe('hono');
  expect(body).toEqual({ requestId, traceId: server.spanContext().traceId });
  const handler = own.find((s) => s.name === 'handler getItem');
  expect(handler?.parentSpanId).toBe(server.spanContext().spanId);
  expect(own.find((s) => s.name === 'db.query')?.parentSpanId).toBe(handler?.spanId);
});

it('records the error the app answered on that span', async () => {
  const res = await fetch(`${running.baseUrl}/api/broken`);
  expect(res.status).toBe(500);
  const server = await sdkServer(res.headers.get('x-request-id') as string);
  expect(server.name).toBe('GET /api/broken');
  expect(server.status.code).toBe(SpanStatusCode.ERROR);
  expect(server.attributes['error.type']).toBe('RangeError');
  expect(server.events.filter((e) => e.name === 'exception')).toHaveLength(1);
});
