import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import express5 from 'express';
import express4 from 'express4';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

// Requests that sampling drops (sampleRate 0, tail keep-errors on): their route handler runs
// without a handler span or a second context entry, and what tail sampling needs still arrives.
let tracing: TestTracing;
const servers: Server[] = [];
beforeAll(async () => {
  tracing = await setupTestTracing({ sampleRate: 0, keepErrors: true });
});
afterEach(() => {
  tracing.reset();
  for (const s of servers.splice(0)) s.close();
});
afterAll(() => tracekit.shutdown());

async function listen(app: any): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function serverSpans() {
  // Give the tail decision and the batch a moment.
  await new Promise((r) => setTimeout(r, 30));
  return (await tracing.spans()).filter((s) => s.kind === SpanKind.SERVER);
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
] as const)('%s, every request dropped', (_version, express: any) => {
  it('a dropped request exports nothing, yet its handler runs in the request’s context (request ID, trace ID)', async () => {
    const app = express();
    app.use(tracekit.express());
    app.get('/who/:id', async function who(_req: any, res: any) {
      await new Promise((r) => setTimeout(r, 1));
      res.json({ requestId: tracekit.getRequestId(), traceId: trace.getActiveSpan()?.spanContext().traceId, recording: trace.getActiveSpan()?.isRecording() });
    });
    const base = await listen(app);
    const res = await fetch(`${base}/who/1`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' } });
    const body = await res.json();
    expect(body).toEqual({ requestId: res.headers.get('x-request-id'), traceId: '0af7651916cd43dd8448eb211c80319c', recording: false });
    expect(await serverSpans()).toEqual([]);
  });

  it.each([
    ['next(err) later', (_req: any, _res: any, next: any) => setTimeout(() => next(new RangeError('late')), 1), 'RangeError', 'late'],
    ['a synchronous throw', () => {
      throw new TypeError('thrown');
    }, 'TypeError', 'thrown'],
  ])('an error passed on by the handler (%s) keeps the request, with its route, handler and error', async (_how, handler, type, message) => {
    const app = express();
    app.use(tracekit.express());
    app.get('/fail/:id', Object.defineProperty(handler, 'name', { value: 'failing' }));
    app.use((err: any, _req: any, res: any, _next: any) => res.status(500).json({ message: err.message }));
    const base = await listen(app);
    const res = await fetch(`${base}/fail/3`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message });
    const spans = await serverSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['tracekit.request_id']).toBe(res.headers.get('x-request-id'));
    expect(spans[0]!.attributes['http.route']).toBe('/fail/:id');
    expect(spans[0]!.attributes['code.function.name']).toBe('failing');
    expect(spans[0]!.attributes['error.type']).toBe(type);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('next() after the handler gives the rest of the chain the request’s context', async () => {
    const app = express();
    app.use(tracekit.express());
    app.get('/pass', (_req: any, _res: any, next: any) => setImmediate(next));
    app.use((_req: any, res: any) => res.json({ requestId: tracekit.getRequestId() }));
    const base = await listen(app);
    const res = await fetch(`${base}/pass`);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(res.headers.get('x-request-id'));
  });
});

describe('handler names', () => {
  it('HEAD takes the GET handler’s name; a route that gains a handler later reports the new one', async () => {
    await tracing.client.shutdown();
    tracing = await setupTestTracing();
    const app = express5();
    app.use(tracekit.express());
    const route = app.route('/items/:id');
    route.get(function listItem(_req: any, res: any) {
      res.send('item');
    });
    const base = await listen(app);
    const names = async (method: string) => {
      const res = await fetch(`${base}/items/1`, { method });
      await res.arrayBuffer();
      const id = res.headers.get('x-request-id');
      const span = (await serverSpans()).find((s) => s.attributes['tracekit.request_id'] === id);
      return span?.attributes['code.function.name'];
    };
    expect(await names('GET')).toBe('listItem');
    expect(await names('HEAD')).toBe('listItem');
    route.get(function lastWord(_req: any, res: any) {
      res.send('never reached');
    });
    // The route's stack grew: the last GET handler is now lastWord (Express still answers from listItem).
    expect(await names('GET')).toBe('lastWord');
    expect(await names('GET')).toBe('lastWord');
  });
});
