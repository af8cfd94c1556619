import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { context, trace, type Context } from '@opentelemetry/api';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { init, shutdown } from '../../src/client.js';
import { getRequestId, getTraceId } from '../../src/tracing/manual.js';
import * as tracekit from '../../../express/src/index.js';
import { collected } from '../helpers/collected.js';

// A keep-alive socket's timeout is created during the response, in the request's async context,
// and keeps that context until the next request on the socket: any timer or callback made during
// a request does the same. Once the request's spans went to the store, that context must not
// keep them (and the request's attributes) alive; what outlives the request still has its IDs.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-released-'));
afterAll(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Serves one `GET /orders/7` from the app on loopback, checks its answer, closes the server. */
async function requestOnce(app: express.Express): Promise<Response> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/orders/7`);
  expect(await res.json()).toEqual({ ok: true });
  await new Promise<void>((r) => server.close(() => r()));
  return res;
}

describe('a finished request, once exported', () => {
  it('leaves only its IDs in the contexts that outlive it; later work still sees the request ID and trace', async () => {
    const client = init({ serviceName: 'released', exporter: 'file', file: path.join(dir, 'traces.jsonl'), handleShutdown: false, batchDelayMs: 5 }, { env: {} });
    let kept: Context | undefined;
    let requestContext: WeakRef<object> | undefined;
    let spans: { server?: WeakRef<object>; handler?: WeakRef<object>; ids?: { trace: string; server: string; handler: string; request: string } } = {};
    const app = express();
    app.use(tracekit.express());
    app.get('/orders/:id', function getOrder(_req, res) {
      // What a timer made here keeps: the handler's context.
      kept = context.active();
      const handler = trace.getActiveSpan()!;
      const server = (tracekit.getRequestScope(_req)!.span);
      requestContext = new WeakRef(tracekit.getRequestScope(_req)!.context);
      spans = {
        server: new WeakRef(server),
        handler: new WeakRef(handler),
        ids: { trace: handler.spanContext().traceId, server: server.spanContext().spanId, handler: handler.spanContext().spanId, request: getRequestId()! },
      };
      res.json({ ok: true });
    });
    await requestOnce(app);
    await client.flush();

    // The spans were written, and nothing but the pipeline's past held them: they are gone.
    expect(await collected(spans.server!)).toBe(true);
    expect(await collected(spans.handler!)).toBe(true);
    // The handler's context took in what the request's held: it no longer keeps that context.
    expect(await collected(requestContext!)).toBe(true);

    // Work that runs later in the kept context still has the request's identity.
    const ids = spans.ids!;
    const late = context.with(kept!, () => {
      const active = trace.getActiveSpan()!;
      const child = client.tracer.startSpan('late work');
      child.end();
      return { requestId: getRequestId(), traceId: getTraceId(), active: active.spanContext(), recording: active.isRecording(), child };
    });
    expect(late.requestId).toBe(ids.request);
    expect(late.traceId).toBe(ids.trace);
    expect(late.active.spanId).toBe(ids.handler);
    expect(late.recording).toBe(false);
    const child = late.child as unknown as { traceId: string; parentSpanId?: string };
    expect(child.traceId).toBe(ids.trace);
    expect(child.parentSpanId).toBe(ids.handler);
    await client.flush();
    const stored = fs.readFileSync(path.join(dir, 'traces.jsonl'), 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans);
    expect(stored.map((s: { name: string }) => s.name).sort()).toEqual(['GET /orders/:id', 'handler getOrder', 'late work']);
    const lateSpan = stored.find((s: { name: string }) => s.name === 'late work');
    expect(lateSpan.traceId).toBe(ids.trace);
    expect(lateSpan.parentSpanId).toBe(ids.handler);
    const serverSpan = stored.find((s: { name: string }) => s.name === 'GET /orders/:id');
    expect(serverSpan.spanId).toBe(ids.server);
  });

  it('a dropped request leaves only its request ID and unsampled span: its scope is collected, later work still sees the trace', async () => {
    await shutdown();
    const client = init({ serviceName: 'released', exporter: 'file', file: path.join(dir, 'dropped.jsonl'), sampleRate: 0, keepErrors: true, handleShutdown: false, batchDelayMs: 5 }, { env: {} });
    let kept: Context | undefined;
    let scope: WeakRef<object> | undefined;
    let ids: { trace: string; span: string; request: string } | undefined;
    const app = express();
    app.use(tracekit.express());
    app.get('/orders/:id', function getOrder(req, res) {
      kept = context.active();
      scope = new WeakRef(tracekit.getRequestScope(req)!);
      const active = trace.getActiveSpan()!;
      ids = { trace: active.spanContext().traceId, span: active.spanContext().spanId, request: getRequestId()! };
      res.json({ ok: true });
    });
    const res = await requestOnce(app);
    expect(await collected(scope!)).toBe(true);

    const late = context.with(kept!, () => {
      const active = trace.getActiveSpan()!;
      const child = client.tracer.startSpan('late work');
      child.end();
      return { requestId: getRequestId(), traceId: getTraceId(), active: active.spanContext(), recording: active.isRecording(), child: child.spanContext(), childRecording: child.isRecording() };
    });
    expect(late.requestId).toBe(ids!.request);
    expect(res.headers.get('x-request-id')).toBe(ids!.request);
    expect(late.traceId).toBe(ids!.trace);
    expect(late.active.spanId).toBe(ids!.span);
    expect(late.recording).toBe(false);
    expect(late.childRecording).toBe(false);
    expect(late.child.traceId).toBe(ids!.trace);
    await client.flush();
    expect(fs.existsSync(path.join(dir, 'dropped.jsonl')) ? fs.readFileSync(path.join(dir, 'dropped.jsonl'), 'utf8') : '').toBe('');
  });

  it("with exporter 'none', a request's spans are let go once it ended, not kept for the batch delay", async () => {
    await shutdown();
    const client = init({ serviceName: 'released', exporter: 'none', handleShutdown: false, batchDelayMs: 60_000 }, { env: {} });
    let spans: WeakRef<object>[] = [];
    const app = express();
    app.use(tracekit.express());
    app.get('/orders/:id', function getOrder(req, res) {
      spans = [new WeakRef(tracekit.getRequestScope(req)!.span), new WeakRef(trace.getActiveSpan()!)];
      res.json({ ok: true });
    });
    const res = await requestOnce(app);
    expect(spans).toHaveLength(2);
    expect(await collected(spans[0]!)).toBe(true);
    expect(await collected(spans[1]!)).toBe(true);
    expect(client.stats().spansDropped ?? 0).toBe(0);
  });
});

