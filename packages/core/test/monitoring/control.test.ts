import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureSnapshot, getClient, shutdown } from '../../src/index.js';
import { parseBreakpoints } from '../../src/monitoring/breakpoints-file.js';
import { EndpointPoller } from '../../src/monitoring/endpoint-poller.js';
import type { BreakpointsDocument } from '../../src/monitoring/model.js';
import { monitored } from './helpers.js';

afterEach(async () => {
  if (getClient()) await shutdown();
});

const readDoc = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as BreakpointsDocument;

function hit(label: string, calls: { n: number }): void {
  captureSnapshot(label, () => ({ n: ++calls.n }));
}

describe('.tracekit/breakpoints.json', () => {
  it('gets each new breakpoint, armed, with its site, and disarms it when edited (within 2 s, by its own timer)', async () => {
    const m = await monitored();
    const calls = { n: 0 };
    hit('file.site', calls);
    await m.monitor.writeFile();
    const doc = readDoc(m.file);
    expect(doc.breakpoints).toHaveLength(1);
    const bp = doc.breakpoints[0]!;
    expect(bp).toMatchObject({ label: 'file.site', file: 'test/monitoring/control.test.ts', function: 'hit', enabled: true, captures: 1, maxCaptures: 100 });
    expect(bp.id).toMatch(/^bp_[0-9a-f]{12}$/);
    expect(Date.parse(bp.expiresAt!)).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    // Disarm by editing the file, as a person or `tracekit breakpoints disable` would.
    bp.enabled = false;
    fs.writeFileSync(m.file, JSON.stringify(doc));
    await vi.waitFor(() => expect(m.monitor.list()[0]!.enabled).toBe(false), { timeout: 3000, interval: 50 });
    m.clock.advance(5000);
    m.monitor.refresh();
    hit('file.site', calls);
    expect(calls.n).toBe(1);
    expect(m.stats().snapshotsSkippedDisarmed).toBe(1);
    // Re-armed, with the count reset.
    bp.enabled = true;
    bp.captures = 0;
    fs.writeFileSync(m.file, JSON.stringify(doc));
    await m.monitor.pollFile();
    hit('file.site', calls);
    expect(calls.n).toBe(2);
  });

  it('an edit made before a new breakpoint was written does not disarm it', async () => {
    const m = await monitored();
    fs.writeFileSync(m.file, JSON.stringify({ breakpoints: [], probes: [] }));
    await m.monitor.pollFile();
    const calls = { n: 0 };
    hit('fresh.site', calls);
    // Someone edits the file (say, `tracekit probe add`) before TraceKit wrote the new breakpoint.
    fs.writeFileSync(m.file, JSON.stringify({ breakpoints: [], probes: [], note: 'edited' }));
    await m.monitor.pollFile();
    expect(m.monitor.list()[0]).toMatchObject({ label: 'fresh.site', enabled: true });
    await m.monitor.writeFile();
    expect(readDoc(m.file).breakpoints[0]).toMatchObject({ label: 'fresh.site', enabled: true });
    // Once written, removing it from the file disarms it.
    fs.writeFileSync(m.file, JSON.stringify({ breakpoints: [], probes: [] }));
    await m.monitor.pollFile();
    expect(m.monitor.list()[0]).toMatchObject({ label: 'fresh.site', enabled: false });
  });

  it('shutdown writes what was not written yet', async () => {
    const m = await monitored();
    hit('late.site', { n: 0 });
    await shutdown();
    expect(readDoc(m.file).breakpoints[0]).toMatchObject({ label: 'late.site', captures: 1 });
  });

  it('a breakpoint disarmed in the file before start never captures', async () => {
    const first = await monitored();
    const calls = { n: 0 };
    const site = () => hit('persisted.site', calls);
    site();
    await first.monitor.writeFile();
    const doc = readDoc(first.file);
    doc.breakpoints[0]!.enabled = false;
    await shutdown();
    fs.writeFileSync(first.file, JSON.stringify(doc));
    const again = await monitored({ codeMonitoring: { breakpointsFile: first.file } });
    site();
    expect(calls.n).toBe(1);
    expect(again.stats().snapshotsSkippedDisarmed).toBe(1);
  });

  it('ignores a corrupt or hostile file, reports it once, and keeps the previous state', async () => {
    const m = await monitored();
    const calls = { n: 0 };
    hit('hostile.site', calls);
    await m.monitor.writeFile();
    const good = readDoc(m.file);
    good.breakpoints[0]!.enabled = false;
    fs.writeFileSync(m.file, JSON.stringify(good));
    await m.monitor.pollFile();
    expect(m.monitor.list()[0]!.enabled).toBe(false);
    const bad = [
      '{ not json',
      JSON.stringify({ breakpoints: 'all' }),
      JSON.stringify({ breakpoints: [{ id: 42 }] }),
      JSON.stringify({ breakpoints: [], probes: [{ id: 'p', location: '../../etc/passwd:1', enabled: true }] }),
      JSON.stringify({ breakpoints: [], probes: [{ id: 'p', location: '/etc/passwd:1', enabled: true }] }),
      `{"breakpoints":[],"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`,
    ];
    for (const text of bad) {
      fs.writeFileSync(m.file, text);
      // A different mtime or size each time, as a real edit would give.
      fs.utimesSync(m.file, new Date(), new Date(Date.now() + bad.indexOf(text) * 1000));
      await m.monitor.pollFile();
      await m.monitor.pollFile();
      expect(m.monitor.list()[0]!.enabled).toBe(false);
    }
    expect(m.stats().breakpointsFileErrors).toBe(bad.length);
    m.clock.advance(5000);
    m.monitor.refresh();
    hit('hostile.site', calls);
    expect(calls.n).toBe(1);
  });

  it('validates documents: each reason is named', () => {
    const root = '/app';
    expect(parseBreakpoints('', root)).toEqual({ ok: true, doc: { breakpoints: [], probes: [] } });
    expect(parseBreakpoints('[]', root)).toMatchObject({ ok: false, error: expect.stringContaining('expected an object') });
    expect(parseBreakpoints(JSON.stringify({ probes: [{ id: 'a', location: 'src/a.ts' }] }), root)).toMatchObject({ ok: false, error: expect.stringContaining('file:line') });
    expect(parseBreakpoints(JSON.stringify({ probes: [{ id: 'a', location: '../x.ts:3' }] }), root)).toMatchObject({ ok: false, error: expect.stringContaining('outside the project') });
    expect(parseBreakpoints(JSON.stringify({ breakpoints: [{ id: 'a' }, { id: 'a' }] }), root)).toMatchObject({ ok: false, error: 'duplicate id a' });
    const ok = parseBreakpoints(JSON.stringify({ probes: [{ id: 'a', location: 'src/a.ts:3', capture: 'user.id, order', enabled: true }] }), root);
    expect(ok).toEqual({ ok: true, doc: { breakpoints: [], probes: [{ id: 'a', location: 'src/a.ts:3', capture: ['user.id', 'order'], enabled: true }] } });
  });
});

describe('documents from the endpoint', () => {
  it('an entry that does not give captures or expiresAt keeps them (no reset of an exhausted breakpoint)', async () => {
    const m = await monitored({}, { maxCaptures: 1 });
    const calls = { n: 0 };
    hit('endpoint.site', calls);
    const [bp] = m.monitor.list();
    expect(bp).toMatchObject({ captures: 1, status: 'exhausted' });
    const parsed = parseBreakpoints(JSON.stringify({ breakpoints: [{ id: bp!.id, enabled: true }] }), path.resolve('.'));
    expect(parsed.ok).toBe(true);
    m.monitor.applyDocument((parsed as { doc: BreakpointsDocument }).doc, true);
    m.clock.advance(2000);
    m.monitor.refresh();
    hit('endpoint.site', calls);
    expect(calls.n).toBe(1);
    expect(m.monitor.list()[0]).toMatchObject({ captures: 1, status: 'exhausted', expiresAt: bp!.expiresAt });
  });
});

describe('the breakpoints endpoint (TRACEKIT_BREAKPOINTS_URL)', () => {
  async function endpoint(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bp`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }

  it('applies a document, sends If-None-Match, counts failures and never throws', async () => {
    const seen: Array<string | undefined> = [];
    let mode = 'ok';
    const doc = { breakpoints: [{ id: 'bp_1', enabled: false }], probes: [] };
    const ep = await endpoint((req, res) => {
      seen.push(req.headers['if-none-match'] as string | undefined);
      if (mode === '500') return res.writeHead(500).end('oops');
      if (mode === 'garbage') return res.writeHead(200, { etag: '"g"' }).end('<html>');
      if (mode === 'hang') return;
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end(JSON.stringify(doc));
    });
    const docs: BreakpointsDocument[] = [];
    const counters = { breakpointsEndpointPolls: 0, breakpointsEndpointFailures: 0 };
    const poller = new EndpointPoller(ep.url, path.resolve('.'), (d) => docs.push(d), counters, 60_000, 200);
    try {
      await poller.poll();
      await poller.poll();
      expect(docs).toHaveLength(1);
      expect(docs[0]!.breakpoints[0]).toMatchObject({ id: 'bp_1', enabled: false });
      expect(seen).toEqual([undefined, '"v1"']);
      mode = '500';
      await poller.poll();
      mode = 'garbage';
      await poller.poll();
      mode = 'hang';
      await poller.poll();
      expect(counters).toEqual({ breakpointsEndpointPolls: 5, breakpointsEndpointFailures: 3 });
      expect(docs).toHaveLength(1);
    } finally {
      poller.stop();
      await ep.close();
    }
  });
});
