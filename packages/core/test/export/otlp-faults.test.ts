import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { init, shutdown, type TracekitClient, type TracekitOptions } from '../../src/adapter-api.js';
import { get, refusedUrl, startApp, startReceiver, waitFor, type Receiver, type TestApp } from './helpers.js';

/** Small backoffs keep the suite fast; the behaviour is the same as with the defaults. */
const FAST: TracekitOptions = { handleShutdown: false, batchDelayMs: 20, maxExportRetries: 2, retryInitialDelayMs: 20, retryMaxDelayMs: 200, exportTimeoutMs: 2000 };

let receiver: Receiver | undefined;
let app: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await shutdown();
  await app?.close();
  await receiver?.close();
  receiver = undefined;
  app = undefined;
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tk-faults-'));

function start(endpoint: string, options: TracekitOptions = {}): TracekitClient {
  return init({ ...FAST, exporter: 'otlp', endpoint, spoolDir: path.join(tmp(), 'spool'), ...options }, { env: {} });
}

/** Ends `n` spans named `<prefix>-<i>` and returns their span IDs. */
function spans(client: TracekitClient, n: number, prefix = 's'): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const span = client.tracer.startSpan(`${prefix}-${i}`);
    ids.push(span.spanContext().spanId);
    span.end();
  }
  return ids;
}

const receivedIds = (r: Receiver) => r.spans().map((s) => s.spanId as string);

describe('OTLP faults', () => {
  it('refused connections: the batch is retried, spooled, and replayed once the endpoint listens', async () => {
    const url = await refusedUrl();
    const client = start(url);
    const ids = spans(client, 5);
    await waitFor(() => client.stats().spansSpooled === 5, 10_000, 'spooled');
    const s = client.stats();
    expect(s.exportRetries).toBe(2);
    expect(s.exportFailures).toBe(1);
    expect(s.spansExported).toBe(0);
    expect(s.spoolFiles).toBe(1);
    expect(s.spoolBytes).toBeGreaterThan(0);

    receiver = await startReceiver(undefined, Number(new URL(url).port));
    await receiver.until((r) => r.spans().length >= 5);
    await waitFor(() => client.stats().spoolFiles === 0, 5000, 'spool emptied');
    expect(receivedIds(receiver).sort()).toEqual([...ids].sort());
    expect(client.stats().spansExported).toBe(5);
  });

  it('503 for three seconds, then 200: no span lost, none duplicated', async () => {
    const t0 = Date.now();
    receiver = await startReceiver(() => (Date.now() - t0 < 3000 ? { status: 503, body: 'overloaded' } : { status: 200 }));
    const client = start(receiver.url);
    const ids: string[] = [];
    // Spans keep arriving before, during and after the outage.
    while (Date.now() - t0 < 3600) {
      ids.push(...spans(client, 10, `t${ids.length}`));
      await new Promise((r) => setTimeout(r, 100));
    }
    await receiver.until((r) => r.spans().length >= ids.length, 15_000);
    await waitFor(() => client.stats().spoolFiles === 0, 5000, 'spool emptied');
    const got = receivedIds(receiver);
    expect(got.length).toBe(ids.length);
    expect(new Set(got).size).toBe(ids.length);
    expect(new Set(got)).toEqual(new Set(ids));
    const s = client.stats();
    expect(s.spansExported).toBe(ids.length);
    expect(s.spansDropped).toBe(0);
    expect(s.exportRetries).toBeGreaterThan(0);
    expect(s.spansSpooled).toBeGreaterThan(0);
    expect(receiver.requests.some((r) => r.at - t0 < 3000)).toBe(true);
  });

  it('429 with Retry-After: the retry waits the given seconds, then succeeds without the spool', async () => {
    receiver = await startReceiver((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const client = start(receiver.url, { retryMaxDelayMs: 2000 });
    const ids = spans(client, 3);
    await receiver.until((r) => r.accepted().length === 1);
    expect(receiver.requests).toHaveLength(2);
    // Retry-After is a lower bound on the wait (a correctness property, not a speed measurement).
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(receivedIds(receiver).sort()).toEqual([...ids].sort());
    await waitFor(() => client.stats().spansExported === 3, 2000, 'exported');
    expect(client.stats()).toMatchObject({ exportRetries: 1, spansSpooled: 0, exportFailures: 0 });
  });

  it('a Retry-After longer than retryMaxDelayMs sends the batch to the spool instead of holding it', async () => {
    receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
    const client = start(receiver.url);
    spans(client, 2);
    await waitFor(() => client.stats().spansSpooled === 2, 5000, 'spooled');
    expect(receiver.requests).toHaveLength(1);
    expect(client.stats().exportRetries).toBe(0);
  });

  it('other 4xx are not retried: the batch is counted as rejected with one diagnostic line', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    receiver = await startReceiver(() => ({ status: 400, body: 'bad payload' }));
    const client = start(receiver.url);
    spans(client, 4);
    await client.flush();
    spans(client, 4);
    await client.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(client.stats()).toMatchObject({ spansRejected: 8, exportRetries: 0, spansSpooled: 0, exportFailures: 2, spansExported: 0 });
    const diag = lines.filter((l) => l.includes('TK_OTLP_REJECTED'));
    expect(diag).toHaveLength(1);
    expect(diag[0]).toContain('HTTP 400: bad payload');
  });

  it('a receiver that never answers: the export times out, and app requests are not delayed', async () => {
    receiver = await startReceiver(() => 'hang');
    const client = start(receiver.url, { exportTimeoutMs: 300, maxExportRetries: 0, spool: false });
    app = await startApp();
    await get(`${app.url}/work`);
    await receiver.until((r) => r.requests.length >= 1);
    // The export is hanging now; the app keeps serving.
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(`${app!.url}/work`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await waitFor(() => client.stats().exportFailures >= 1, 5000, 'timed out');
    expect(client.stats().exportFailures).toBeGreaterThanOrEqual(1);
  });

  it('a slow receiver: requests are served meanwhile and every span arrives', async () => {
    receiver = await startReceiver(() => ({ status: 200, delayMs: 300 }));
    const client = start(receiver.url, { maxBatchSize: 8 });
    app = await startApp();
    const ids = spans(client, 40);
    await receiver.until((r) => r.requests.length >= 1);
    const answers = await Promise.all(Array.from({ length: 10 }, () => get(`${app!.url}/work`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await client.flush();
    const got = new Set(receivedIds(receiver));
    for (const id of ids) expect(got.has(id)).toBe(true);
    expect(client.stats()).toMatchObject({ exportFailures: 0, spansSpooled: 0, spansDropped: 0 });
    // The exporter's own requests start inside traced requests' async context, yet are never traced.
    expect(receiver.spans().filter((s) => s.kind === 3)).toEqual([]);
  });

  it('queue overflow: the exact number of spans beyond the queue is dropped, with one line on stderr', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    receiver = await startReceiver();
    const client = start(receiver.url, { maxQueueSize: 10, maxBatchSize: 10 });
    spans(client, 57);
    expect(client.stats().spansDropped).toBe(47);
    await client.flush();
    expect(receiver.spans()).toHaveLength(10);
    expect(client.stats()).toMatchObject({ spansEnded: 57, spansExported: 10, spansDropped: 47 });
    expect(lines.filter((l) => l.includes('TK_QUEUE_FULL'))).toHaveLength(1);
  });

  it('shutdown against a hanging endpoint ends within its bound and spools what it could not send', async () => {
    receiver = await startReceiver(() => 'hang');
    const client = start(receiver.url, { shutdownTimeoutMs: 400, exportTimeoutMs: 10_000 });
    spans(client, 6);
    await receiver.until((r) => r.requests.length >= 1);
    // The receiver never answers, so shutdown can only resolve by its own bound.
    await shutdown();
    expect(client.stats().spansSpooled).toBe(6);
    expect(client.stats().spansExported).toBe(0);
  });
});
