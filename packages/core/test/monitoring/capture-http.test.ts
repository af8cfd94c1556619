import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { captureSnapshot, getClient, getRequestId, shutdown } from '../../src/index.js';
import * as tracekit from '../../../express/src/index.js';
import { body, monitored, type Monitored } from './helpers.js';

async function serve(app: http.RequestListener): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    }).on('error', reject);
  });
}

function app(m: Monitored): express.Express {
  const a = express();
  a.use(tracekit.express({ captureHeaders: { request: ['x-tenant'] } }));
  a.get('/orders/:id', async function showOrder(req, res) {
    const id = req.params.id;
    // Let other requests run in between, so a mixed-up context would show.
    await new Promise((r) => setTimeout(r, Number(id) % 5));
    m.clock.advance(2);
    // One breakpoint per order in the concurrency test (its limits would otherwise skip most captures).
    captureSnapshot(req.query.many ? `order.show.${id}` : 'order.show', { id, requestId: getRequestId(), user: { name: `user-${id}`, password: `pw-${id}-secret` } });
    res.json({ id, requestId: getRequestId() });
  });
  a.get('/hostile', function hostile(_req, res) {
    const trap = () => {
      throw new Error('trap ran');
    };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    captureSnapshot('hostile.values', {
      proxy: new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap }),
      revoked: revocable.proxy,
      getter: Object.defineProperty({}, 'boom', { enumerable: true, get: trap }),
      frozen: Object.freeze({ a: 1 }),
      bare: Object.create(null) as object,
      cyclic,
      huge: 'z'.repeat(10_000_000),
    });
    res.json({ ok: true });
  });
  return a;
}

afterEach(async () => {
  if (getClient()) await shutdown();
});

describe('captureSnapshot inside requests', () => {
  it('records the variables, the request context, the trace and span IDs, and a span event pointing at the record', async () => {
    const m = await monitored();
    const server = await serve(app(m));
    try {
      const res = await get(`${server.base}/orders/7?token=abc123&page=2`, { 'x-tenant': 'acme', 'x-request-id': 'req-seven' });
      expect(res.status).toBe(200);
      const [snap] = await m.snapshots();
      expect(snap).toBeDefined();
      const vars = body(snap!);
      expect(vars.id).toBe('7');
      expect(vars.requestId).toBe('req-seven');
      expect((vars.user as Record<string, unknown>).name).toBe('user-7');
      expect(JSON.stringify(vars)).not.toContain('pw-7-secret');
      const a = snap!.attributes;
      expect(a['event.name']).toBe('tracekit.snapshot');
      expect(a['tracekit.snapshot.label']).toBe('order.show');
      expect(a['tracekit.request_id']).toBe('req-seven');
      expect(a['http.request.method']).toBe('GET');
      expect(a['url.path']).toBe('/orders/7');
      expect(a['url.query']).toBe('token=***&page=2');
      expect(a['http.request.header.x-tenant']).toEqual(['acme']);
      expect(a['code.file.path']).toBe('test/monitoring/capture-http.test.ts');
      expect(a['code.function.name']).toBe('showOrder');
      expect(a['tracekit.snapshot.omitted']).toBe(JSON.stringify([{ path: 'user.password', reason: 'redacted' }]));
      const frames = JSON.parse(String(a['tracekit.snapshot.stack'])) as Array<{ function?: string; file: string; in_app: boolean }>;
      expect(frames[0]).toMatchObject({ function: 'showOrder', file: 'test/monitoring/capture-http.test.ts', in_app: true });
      const spans = await m.spans();
      const event = spans.flatMap((s) => (s.events ?? []).map((e) => ({ span: s, e }))).find(({ e }) => e.name === 'tracekit.snapshot');
      expect(event).toBeDefined();
      expect(event!.e.attributes?.['tracekit.snapshot.id']).toBe(a['tracekit.snapshot.id']);
      expect(snap!.traceId).toBe(event!.span.traceId);
      expect(snap!.spanId).toBe(event!.span.spanId);
      expect(m.stats().snapshotsCaptured).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('hostile values inside a request: the response is unchanged and the snapshot says what was omitted', async () => {
    const m = await monitored();
    const server = await serve(app(m));
    try {
      const res = await get(`${server.base}/hostile`);
      expect(res).toEqual({ status: 200, body: '{"ok":true}' });
      const [snap] = await m.snapshots();
      const vars = body(snap!);
      expect(vars.proxy).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
      expect(vars.revoked).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
      expect(vars.getter).toEqual({ boom: { $omitted: 'getter' } });
      expect(vars.frozen).toEqual({ a: 1 });
      expect(vars.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
      expect((vars.huge as Record<string, unknown>).length).toBe(10_000_000);
      const reasons = (JSON.parse(String(snap!.attributes['tracekit.snapshot.omitted'])) as Array<{ reason: string }>).map((o) => o.reason);
      expect(reasons).toEqual(['proxy', 'proxy', 'getter', 'circular', 'size']);
    } finally {
      await server.close();
    }
  });

  it('never mixes 50 concurrent requests', async () => {
    const m = await monitored({}, { maxCapturesPerSecond: 1000, globalMaxCapturesPerSecond: 1000, maxCaptures: 1000 });
    const server = await serve(app(m));
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => get(`${server.base}/orders/${i}?many=1`, { 'x-request-id': `r-${i}` })));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const snaps = await m.snapshots();
      expect(snaps).toHaveLength(50);
      const spans = await m.spans();
      for (const snap of snaps) {
        const vars = body(snap);
        const id = String(vars.id);
        expect(vars.requestId).toBe(`r-${id}`);
        expect(snap.attributes['tracekit.request_id']).toBe(`r-${id}`);
        expect(snap.attributes['url.path']).toBe(`/orders/${id}`);
        expect(snap.attributes['tracekit.snapshot.label']).toBe(`order.show.${id}`);
        expect((vars.user as Record<string, unknown>).name).toBe(`user-${id}`);
        const server = spans.find((s) => s.attributes['tracekit.request_id'] === `r-${id}` && s.kind === 1);
        expect(snap.traceId).toBe(server!.traceId);
      }
      expect(new Set(snaps.map((s) => s.traceId)).size).toBe(50);
    } finally {
      await server.close();
    }
  });

  it('does nothing, and does not call the callback, when code monitoring is off', async () => {
    const m = await monitored({ codeMonitoring: false });
    let called = 0;
    captureSnapshot('off.site', () => {
      called++;
      return {};
    });
    expect(called).toBe(0);
    expect(m.monitor).toBeUndefined();
    expect(getClient()!.stats().snapshotsCaptured).toBeUndefined();
  });

  it('is also a client method and never throws on bad input', async () => {
    const m = await monitored();
    const client = getClient()!;
    expect(() => client.captureSnapshot('client.method', { a: 1 })).not.toThrow();
    expect(() => captureSnapshot(undefined as unknown as string, { a: 1 })).not.toThrow();
    expect(() => captureSnapshot('throwing.callback', () => {
      throw new Error('callback failed');
    })).not.toThrow();
    const snaps = await m.snapshots();
    expect(snaps.map((s) => s.attributes['tracekit.snapshot.label'])).toEqual(['client.method', 'throwing.callback']);
    expect(snaps[0]!.attributes['code.file.path']).toBe('test/monitoring/capture-http.test.ts');
    expect(snaps[1]!.attributes['tracekit.snapshot.omitted']).toBe(JSON.stringify([{ path: '', reason: 'error' }]));
  });
});
