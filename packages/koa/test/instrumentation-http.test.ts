/**
 * One SERVER span per request when the app also runs OpenTelemetry's instrumentation-http: the
 * middleware enriches the SERVER span instrumentation-http started (a real NodeTracerProvider and
 * HttpInstrumentation) instead of starting a second one.
 */
import Router from '@koa/router';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import koa3 from 'koa';
import koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';
import { startInstrumentationHttp } from '../../../test-support/instrumentation-http.js';
import { listen, type KoaClass } from './conformance-app.js';

const sdk = startInstrumentationHttp();
const { sdkSpans, sdkServer } = sdk;

let tracing: TestTracing;
beforeAll(async () => {
  tracing = await setupTestTracing();
});
afterAll(async () => {
  await tracekit.shutdown();
  await sdk.stop();
});

describe.each([
  ['Koa 3', koa3 as unknown as KoaClass],
  ['Koa 2', koa2 as unknown as KoaClass],
])('%s with instrumentation-http', (_version, Koa) => {
  let running: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(tracekit.koa());
    const api = new Router({ prefix: '/api' });
    api.get('/items/:itemId', async function getItem(ctx: any) {
      await tracekit.withSpan('db.query', async () => new Promise((r) => setTimeout(r, 2)));
      ctx.body = { requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
    });
    api.get('/broken', () => {
      throw new RangeError('out of range');
    });
    app.use(api.routes());
    running = await listen(app);
  });
  afterAll(() => running.close());

  it('enriches the SERVER span instrumentation-http started instead of starting a second one', async () => {
    const before = sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER).length;
    const res = await fetch(`${running.baseUrl}/api/items/3`);
    const requestId = res.headers.get('x-request-id') as string;
    const body = (await res.json()) as { requestId: string; traceId: string };
    const server = await sdkServer(requestId);
    expect(sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(before + 1);
    const own = await tracing.spans();
    expect(own.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
    expect(server.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
    expect(server.name).toBe('GET /api/items/:itemId');
    expect(server.attributes['http.route']).toBe('/api/items/:itemId');
    expect(server.attributes['code.function.name']).toBe('getItem');
    expect(server.attributes['tracekit.framework']).toBe('koa');
    expect(body).toEqual({ requestId, traceId: server.spanContext().traceId });
    const handler = own.find((s) => s.name === 'handler getItem' && s.traceId === server.spanContext().traceId);
    expect(handler?.parentSpanId).toBe(server.spanContext().spanId);
    expect(own.find((s) => s.name === 'db.query' && s.traceId === server.spanContext().traceId)?.parentSpanId).toBe(handler?.spanContext().spanId);
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
});
