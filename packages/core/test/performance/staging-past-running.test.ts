import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { init, shutdown } from '../../src/client.js';
import { setMetadata, startSpan } from '../../src/tracing/manual.js';
import * as tracekit from '../../../express/src/index.js';
import { collected } from '../helpers/collected.js';

// The file store encodes a span once its request has ended (late metadata still reaches it).
// A span of a request that is still running (a long poll, a stream, a slow upload) used to hold
// back every span queued behind it, which then waited for that request's end or for the batch
// (and was promoted to the old generation on the way). Now the ready ones go past it.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-staging-'));
afterAll(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('staging spans while another request is still running', () => {
  it("stages a finished request's spans past a running request's ended child span; the running one still gets its late metadata", async () => {
    const file = path.join(dir, 'traces.jsonl');
    // No batch is due during the test: only staging can let the spans go.
    const client = init({ serviceName: 'staging', exporter: 'file', file, handleShutdown: false, batchDelayMs: 60_000 }, { env: {} });
    let childEnded!: () => void;
    const childDone = new Promise<void>((r) => (childEnded = r));
    let finish!: () => void;
    const finishing = new Promise<void>((r) => (finish = r));
    const fast: WeakRef<object>[] = [];
    const app = express();
    app.use(tracekit.express());
    app.get('/stream', async (_req, res) => {
      const lookup = startSpan('db lookup');
      lookup.end();
      childEnded();
      await finishing;
      setMetadata({ tenant: 'acme' });
      res.json({ done: true });
    });
    app.get('/orders/:id', (req, res) => {
      fast.push(new WeakRef(tracekit.getRequestScope(req)!.span), new WeakRef(trace.getActiveSpan()!));
      res.json({ ok: true });
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const streaming = fetch(`${base}/stream`);
      await childDone;
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/orders/${i}`)).json()).toEqual({ ok: true });
      // The three finished requests' spans are encoded and let go while /stream runs.
      for (const ref of fast) expect(await collected(ref)).toBe(true);
      expect(client.stats().queueSize).toBe(7);
      finish();
      expect(await (await streaming).json()).toEqual({ done: true });
    } finally {
      finish();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    await client.flush();
    const stored = fs.readFileSync(file, 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans);
    expect(stored).toHaveLength(9);
    const lookup = stored.find((s: { name: string }) => s.name === 'db lookup');
    // Staged after its request ended: the metadata set at the end of the request reached it.
    expect(lookup.attributes).toContainEqual({ key: 'tracekit.metadata.tenant', value: { stringValue: 'acme' } });
  });
});
