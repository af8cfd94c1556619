import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { init, shutdown, type TracekitClient } from '../../src/client.js';
import { MAX_WAIT_FOR_REQUEST_MS, SPAN_WAIT_POLICY, waitsForRequest } from '../../src/export/stage-after-request.js';
import type { ReadableSpan } from '../../src/export/types.js';
import { setupTestTracing } from '../../src/testing/index.js';
import { setMetadata, startSpan } from '../../src/tracing/manual.js';
import * as tracekit from '../../../express/src/index.js';
import { startReceiver, waitFor, type Receiver } from './helpers.js';

// `setMetadata` attaches to every span of the current request (DESIGN.md), also to a child span
// that ended before it was called. A batch that fell due while the request was still running
// (after `batchDelayMs`, 5 ms in setupTestTracing) used to export that child without the
// metadata. Now a span waits in the queue for its request to end, bounded by time and by the
// queue's room, while the spans of other requests go on.

type Attr = { key: string; value: { stringValue?: string } };
interface Stored {
  name: string;
  attributes: Attr[] | Record<string, unknown>;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-late-metadata-'));
let receiver: Receiver | undefined;
afterEach(async () => {
  await shutdown();
  await receiver?.close();
  receiver = undefined;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An Express app: `/slow` ends a child span, waits `waitMs`, then sets metadata; `/fast` answers at once. */
async function startApp(waitMs: number, children = 1): Promise<{ base: string; release: () => void; close: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const app = express();
  app.use(tracekit.express());
  app.get('/slow', async (_req, res) => {
    for (let i = 0; i < children; i++) startSpan(`db lookup ${i}`).end();
    await Promise.race([sleep(waitMs), released]);
    setMetadata({ userId: 'u-42', tenant: 'acme' });
    res.json({ done: true });
  });
  app.get('/fast', (_req, res) => res.json({ ok: true }));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: () =>
      new Promise<void>((r) => {
        release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function attr(span: Stored, key: string): string | undefined {
  if (Array.isArray(span.attributes)) return (span.attributes as Attr[]).find((a) => a.key === key)?.value.stringValue;
  const v = (span.attributes as Record<string, unknown>)[key];
  return v === undefined ? undefined : String(v);
}

function expectMetadataOnEverySpan(spans: Stored[]): void {
  const names = spans.map((s) => s.name).sort();
  expect(names).toEqual(['GET /slow', 'db lookup 0', 'handler GET /slow']);
  for (const span of spans) {
    expect(attr(span, 'user.id'), span.name).toBe('u-42');
    expect(attr(span, 'tracekit.metadata.tenant'), span.name).toBe('acme');
  }
}

function storedSpans(file: string): Stored[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans as Stored[]);
}

describe('metadata set after a batch fell due reaches the spans that ended before it', () => {
  it('in memory (setupTestTracing, batchDelayMs 5)', async () => {
    const tracing = await setupTestTracing();
    const app = await startApp(150);
    try {
      expect(await (await fetch(`${app.base}/slow`)).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    expectMetadataOnEverySpan((await tracing.spans()) as unknown as Stored[]);
  });

  it('in the file store', async () => {
    const file = path.join(dir, 'late.jsonl');
    init({ serviceName: 'late', exporter: 'file', file, batchDelayMs: 20, handleShutdown: false }, { env: {} });
    const app = await startApp(200);
    try {
      expect(await (await fetch(`${app.base}/slow`)).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    await waitFor(() => storedSpans(file).length === 3, 5000, 'three stored spans');
    expectMetadataOnEverySpan(storedSpans(file));
  });

  it('over OTLP', async () => {
    receiver = await startReceiver();
    init({ serviceName: 'late', exporter: 'otlp', endpoint: receiver.url, protocol: 'http/json', batchDelayMs: 20, handleShutdown: false }, { env: {} });
    const app = await startApp(200);
    try {
      expect(await (await fetch(`${app.base}/slow`)).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    await receiver.until((r) => r.spans().length === 3, 5000);
    expectMetadataOnEverySpan(receiver.spans() as unknown as Stored[]);
  });
});

describe('spans waiting for their request', () => {
  it("do not hold back other requests' spans: those are exported while the long request runs", async () => {
    const tracing = await setupTestTracing();
    const app = await startApp(60_000);
    try {
      const slow = fetch(`${app.base}/slow`);
      await waitFor(() => tracing.client.stats().spansEnded >= 1, 5000, 'the child span ended');
      expect(await (await fetch(`${app.base}/fast`)).json()).toEqual({ ok: true });
      // No flush: the batch timer (5 ms) exports /fast's spans; the waiting child stays queued.
      await waitFor(() => tracing.exporter.spans.length === 2, 5000, "/fast's spans exported");
      expect(tracing.exporter.spans.map((s) => s.name).sort()).toEqual(['GET /fast', 'handler GET /fast']);
      await sleep(50);
      expect(tracing.exporter.spans).toHaveLength(2);
      expect(tracing.client.stats().queueSize).toBe(1);
      app.release();
      expect(await (await slow).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    await waitFor(() => tracing.exporter.spans.length === 5, 5000, 'every span exported');
    expectMetadataOnEverySpan(tracing.exporter.spans.filter((s) => s.name.includes('slow') || s.name.startsWith('db')) as unknown as Stored[]);
    expect(tracing.client.stats().spansDropped).toBe(0);
  });

  it.each([
    ['in memory', undefined],
    ['in the file store', 'file'],
  ] as const)("many of them (300) do not hold back another request's spans either (%s)", async (_label, exporter) => {
    const file = path.join(dir, 'many.jsonl');
    fs.rmSync(file, { force: true });
    const tracing = await setupTestTracing({ maxQueueSize: 2048 });
    if (exporter) {
      await shutdown();
      init({ serviceName: 'late', exporter: 'file', file, batchDelayMs: 5, handleShutdown: false }, { env: {} });
    }
    const exported = (): string[] => (exporter ? storedSpans(file) : (tracing.exporter.spans as unknown as Stored[])).map((s) => s.name);
    const app = await startApp(60_000, 300);
    try {
      const slow = fetch(`${app.base}/slow`);
      await sleep(50);
      expect(await (await fetch(`${app.base}/fast`)).json()).toEqual({ ok: true });
      await waitFor(() => exported().includes('GET /fast'), 5000, "/fast's spans exported while 300 spans wait");
      expect(exported().filter((n) => n.startsWith('db lookup'))).toEqual([]);
      app.release();
      expect(await (await slow).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    await waitFor(() => exported().length === 300 + 2 + 2, 5000, 'every span exported');
  });

  it('leave once the queue is half full, so that long requests never make new spans drop', async () => {
    // maxQueueSize 8: six ended children of a running request fill it past half.
    const tracing = await setupTestTracing({ maxQueueSize: 8, maxBatchSize: 4 });
    const app = await startApp(60_000, 6);
    try {
      const slow = fetch(`${app.base}/slow`);
      await waitFor(() => tracing.exporter.spans.length >= 4, 5000, 'the waiting children exported while the queue was half full');
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${app.base}/fast`)).json()).toEqual({ ok: true });
      app.release();
      expect(await (await slow).json()).toEqual({ done: true });
    } finally {
      await app.close();
    }
    await tracing.spans();
    const stats = tracing.client.stats();
    expect(stats.spansDropped).toBe(0);
    expect(tracing.exporter.spans).toHaveLength(6 + 2 + 3 * 2);
  });

  it('are exported by a flush while their request still runs', async () => {
    const tracing = await setupTestTracing();
    const app = await startApp(60_000);
    try {
      const slow = fetch(`${app.base}/slow`);
      await waitFor(() => tracing.client.stats().spansEnded >= 1, 5000, 'the child span ended');
      expect((await tracing.spans()).map((s) => s.name)).toEqual(['db lookup 0']);
      app.release();
      await slow;
    } finally {
      await app.close();
    }
  });

  it(`wait at most ${MAX_WAIT_FOR_REQUEST_MS} ms after they ended, and only for a request that is still running`, async () => {
    const client: TracekitClient = init({ serviceName: 'wait', exporter: 'none', handleShutdown: false }, { env: {} });
    let running = true;
    const request = { span: { isRecording: () => running } };
    const span = { request, endTime: 1_000_000 } as unknown as ReadableSpan;
    expect(waitsForRequest(span, 1_000_000)).toBe(true);
    expect(waitsForRequest(span, 1_000_000 + MAX_WAIT_FOR_REQUEST_MS - 1)).toBe(true);
    expect(waitsForRequest(span, 1_000_000 + MAX_WAIT_FOR_REQUEST_MS)).toBe(false);
    running = false;
    expect(waitsForRequest(span, 1_000_000)).toBe(false);
    // Grouped by its request; the request's own SERVER span ends the wait, a child does not.
    expect(SPAN_WAIT_POLICY.waitsFor(span, 1_000_000)).toBeUndefined();
    running = true;
    expect(SPAN_WAIT_POLICY.waitsFor(span, 1_000_000)).toBe(request);
    expect(SPAN_WAIT_POLICY.ends(span)).toBeUndefined();
    const server = { endTime: 1_000_000 } as unknown as ReadableSpan;
    const ownRequest = { span: server };
    (server as unknown as { request: unknown }).request = ownRequest;
    expect(SPAN_WAIT_POLICY.ends(server)).toBe(ownRequest);
    // A span outside any request never waits.
    const outside = client.tracer.startSpan('outside') as unknown as ReadableSpan;
    (outside as unknown as { end(): void }).end();
    expect(waitsForRequest(outside, Date.now())).toBe(false);
  });
});
