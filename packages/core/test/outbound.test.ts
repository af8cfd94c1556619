import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../src/testing/index.js';
import { shutdown, withSpan } from '../src/adapter-api.js';

let t: TestTracing;
let downstream: http.Server;
let base: string;
const seen: Array<{ path: string; traceparent?: string }> = [];

beforeAll(async () => {
  t = await setupTestTracing();
  downstream = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', traceparent: req.headers.traceparent as string | undefined });
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end('downstream');
  });
  await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  downstream.close();
  await shutdown();
});

const get = (url: string) =>
  new Promise<number>((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });

describe('outbound HTTP', () => {
  it('http.get inside a span gets a CLIENT child span and carries traceparent', async () => {
    await withSpan('parent', () => get(`${base}/a?x=1`));
    const spans = await t.spans();
    const parent = spans.find((s) => s.name === 'parent')!;
    const client = spans.find((s) => s.kind === SpanKind.CLIENT && s.attributes['url.full'] === `${base}/a?x=1`)!;
    expect(client).toBeDefined();
    expect(client.name).toBe('GET');
    expect(client.parentSpanId).toBe(parent.spanId);
    expect(client.traceId).toBe(parent.traceId);
    expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    expect(seen.find((s) => s.path === '/a?x=1')?.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
  });

  it('fetch inside a span gets a CLIENT child span and carries traceparent; 404 marks an error', async () => {
    await withSpan('fetching', async () => {
      const r = await fetch(`${base}/missing`);
      await r.text();
    });
    const spans = await t.spans();
    const parent = spans.find((s) => s.name === 'fetching')!;
    const client = spans.find((s) => s.kind === SpanKind.CLIENT && s.attributes['url.full'] === `${base}/missing`)!;
    expect(client.parentSpanId).toBe(parent.spanId);
    expect(client.attributes['http.response.status_code']).toBe(404);
    expect(client.attributes['error.type']).toBe('404');
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(seen.find((s) => s.path === '/missing')?.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
  });

  it('calls outside any span are not traced and get no traceparent', async () => {
    t.reset();
    await get(`${base}/untraced`);
    const r = await fetch(`${base}/untraced-fetch`);
    await r.text();
    expect((await t.spans()).filter((s) => s.kind === SpanKind.CLIENT)).toHaveLength(0);
    expect(seen.find((s) => s.path === '/untraced')?.traceparent).toBeUndefined();
    expect(seen.find((s) => s.path === '/untraced-fetch')?.traceparent).toBeUndefined();
  });

  it('a refused connection ends the CLIENT span with the error and still reaches the caller unchanged', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await withSpan('refused', () => get(`http://127.0.0.1:${port}/`).then(() => undefined, (e: Error) => e));
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    const client = (await t.spans()).find((s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).includes(`:${port}/`))!;
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(client.attributes['error.type']).toBe('Error');
  });

  it('https requests go through the same hook', () => {
    expect(typeof (https.request as unknown)).toBe('function');
    expect((http.ClientRequest.prototype as unknown as { _implicitHeader: { name: string } })._implicitHeader.name).toBe('tracekitImplicitHeader');
  });
});
