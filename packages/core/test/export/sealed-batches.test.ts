import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { init, shutdown, type TracekitClient } from '../../src/adapter-api.js';
import { FileSpanExporter } from '../../src/export/file-exporter.js';
import type { ReadableSpan } from '../../src/export/types.js';
import { startReceiver, type Receiver } from './helpers.js';
import { collectedCount as collected } from '../helpers/collected.js';

// While one batch is in flight to a slow collector, the spans behind it used to wait in the
// queue as objects (only one more batch was staged), so every young-generation collection copied
// them and V8 grew the young generation for them: with the collector down, a traced server's
// RSS grew by 80 MB in a minute (docs/performance.md, round 7). Now full batches are sealed and
// staging goes on: the spans are encoded and let go, and the batches leave in order.

let receiver: Receiver | undefined;
afterEach(async () => {
  await shutdown();
  await receiver?.close();
  receiver = undefined;
});

function endSpans(client: TracekitClient, from: number, n: number): { ids: string[]; refs: WeakRef<object>[] } {
  const ids: string[] = [];
  const refs: WeakRef<object>[] = [];
  for (let i = from; i < from + n; i++) {
    const span = client.tracer.startSpan(`s-${i}`);
    ids.push(span.spanContext().spanId);
    refs.push(new WeakRef(span));
    span.end();
  }
  return { ids, refs };
}

describe('a batch in flight to a slow collector', () => {
  it('the spans behind it are encoded and let go while it is in flight; every batch then arrives, in order', async () => {
    // The first batch is answered after 2 s; the rest at once.
    receiver = await startReceiver((_req, index) => (index === 0 ? { status: 200, delayMs: 2000 } : { status: 200 }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-sealed-'));
    const client = init(
      { handleShutdown: false, exporter: 'otlp', endpoint: receiver.url, spoolDir: path.join(dir, 'spool'), maxBatchSize: 8, maxQueueSize: 64, batchDelayMs: 20, exportTimeoutMs: 10_000 },
      { env: {} },
    );
    const first = endSpans(client, 0, 8);
    await receiver.until((r) => r.requests.length >= 1);
    const behind = endSpans(client, 8, 24);
    expect(client.stats().queueSize).toBeGreaterThanOrEqual(24);
    expect(await collected(behind.refs)).toBe(24);
    await client.flush();
    expect(receiver.spans().map((s) => s.spanId)).toEqual([...first.ids, ...behind.ids]);
    expect(client.stats()).toMatchObject({ spansExported: 32, spansDropped: 0, exportFailures: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the file store with sealed batches', () => {
  it('writes the sealed lines oldest first, then the one being staged; sealing nothing seals nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-sealed-file-'));
    const file = path.join(dir, 'traces.jsonl');
    const client = init({ handleShutdown: false, exporter: 'none' }, { env: {} });
    const spans = Array.from({ length: 5 }, (_, i) => {
      const span = client.tracer.startSpan(`s-${i}`);
      span.end();
      return span as unknown as ReadableSpan;
    });
    const store = new FileSpanExporter(file, { maxBytes: 10_000_000, maxFiles: 1 }, { resource: { 'service.name': 'sealed' }, scope: { name: 't', version: '1' } });
    expect(store.sealStaged()).toBe(false);
    store.stage(spans.slice(0, 2));
    expect(store.sealStaged()).toBe(true);
    store.stage(spans.slice(2, 3));
    expect(store.sealStaged()).toBe(true);
    store.stage(spans.slice(3));
    await store.flushStaged();
    await store.flushStaged();
    store.flushStagedSync();
    await store.flushStaged();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name))).toEqual([['s-0', 's-1'], ['s-2'], ['s-3', 's-4']]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
