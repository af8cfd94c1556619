/**
 * The file store stages spans (encodes them a tick after their request ended) and writes them
 * in batches (issue 11). What users see must not change: metadata set late in a request still
 * reaches every span of it, batches keep their size, and nothing is lost at flush.
 * A real node:http server traced through core's adapter runtime, as every adapter does it.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter, endWithNodeResponse, flush, getClient, init, nodeRequestInfo, setMetadata, shutdown, withSpan } from '../../src/adapter-api.js';
import { startReceiver } from '../export/helpers.js';

const dirs: string[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  await shutdown();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

type SpanJson = { name: string; traceId: string; attributes: Array<{ key: string; value: { stringValue?: string } }> };
const spansIn = (file: string): SpanJson[][] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans) : [];
const attr = (s: SpanJson, key: string) => s.attributes.find((a) => a.key === key)?.value.stringValue;

async function app(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
  const runtime = createAdapter<IncomingMessage, ServerResponse>('node-http');
  const server = http.createServer((req, res) => {
    const scope = runtime.start(req, nodeRequestInfo(req))!;
    endWithNodeResponse(runtime, scope, res);
    scope.setRoute('/r');
    void scope.run(() => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/r`;
}

/** A handler that ends a child span, waits several turns of the event loop, then sets metadata: a span staged already would miss it. */
async function lateMetadata(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  await withSpan('early', async () => undefined);
  await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setImmediate(r));
  setMetadata({ userId: 'late-user' });
  res.end('ok');
}

describe('staged encoding in the file store', () => {
  it('metadata set after a child span ended, a few ticks and a timer later, is on every span of the request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-stage-'));
    dirs.push(dir);
    const file = path.join(dir, 'traces.jsonl');
    init({ file, handleShutdown: false, batchDelayMs: 50 }, { env: {} });
    const url = await app(lateMetadata);
    await (await fetch(url)).text();
    await flush();
    const spans = spansIn(file).flat();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /r', 'early']);
    for (const s of spans) expect(attr(s, 'user.id')).toBe('late-user');
  });

  it('stages ended requests before their batch is due, counts them as queued, and writes them all at flush in batches of maxBatchSize', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-stage-'));
    dirs.push(dir);
    const file = path.join(dir, 'traces.jsonl');
    init({ file, handleShutdown: false, batchDelayMs: 60_000, maxBatchSize: 4 }, { env: {} });
    const url = await app(async (_req, res) => {
      await withSpan('child', async () => undefined);
      res.end('ok');
    });
    for (let i = 0; i < 3; i++) await (await fetch(url)).text();
    await new Promise((r) => setImmediate(r));
    // 6 spans: one batch of 4 was due and written; 2 wait (staged), counted in queueSize.
    await new Promise((r) => setTimeout(r, 50));
    expect(getClient()!.stats().queueSize).toBe(2);
    await flush();
    const lines = spansIn(file);
    expect(lines.map((l) => l.length)).toEqual([4, 2]);
    expect(getClient()!.stats()).toMatchObject({ spansExported: 6, queueSize: 0 });
    // Each request's two spans share a trace; all three requests are there.
    expect(new Set(lines.flat().map((s) => s.traceId)).size).toBe(3);
  });
});

describe('staged encoding in the OTLP exporter (protobuf)', () => {
  it('metadata set late in a request is on every span sent, batches keep maxBatchSize, and nothing is lost at flush', async () => {
    const receiver = await startReceiver();
    try {
      init({ exporter: 'otlp', endpoint: receiver.url, handleShutdown: false, batchDelayMs: 60_000, maxBatchSize: 4, spool: false, metrics: false }, { env: {} });
      const url = await app(lateMetadata);
      for (let i = 0; i < 3; i++) await (await fetch(url)).text();
      await flush();
      const spans = receiver.spans() as Array<{ name: string; traceId: string; attributes: Array<{ key: string; value: { stringValue?: string } }> }>;
      expect(spans.map((sp) => sp.name).sort()).toEqual(['GET /r', 'GET /r', 'GET /r', 'early', 'early', 'early']);
      for (const sp of spans) expect(sp.attributes.find((a) => a.key === 'user.id')?.value.stringValue).toBe('late-user');
      const posts = receiver.requests.filter((r) => r.path === '/v1/traces');
      expect(posts.map((r) => r.headers['content-type'])).toEqual(posts.map(() => 'application/x-protobuf'));
      expect(getClient()!.stats()).toMatchObject({ spansExported: 6, queueSize: 0 });
      // Batches of at most 4 spans: 4 + 2.
      expect(posts.length).toBe(2);
    } finally {
      await shutdown();
      await receiver.close();
    }
  });
});
