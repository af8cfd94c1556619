import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { request, tempProject, testViewer } from './helpers.js';
import { logsRequest, sid, tid, traceRequest } from './otlp-builders.js';

let root: string;
let viewer: Viewer;
const post = (signal: string, body: unknown) => request(viewer, 'POST', `/v1/${signal}`, { 'content-type': 'application/json' }, JSON.stringify(body));

beforeAll(async () => {
  root = tempProject();
  const dir = path.join(root, '.tracekit');
  fs.mkdirSync(dir);
  // A function-call record of the `events` file format.
  fs.writeFileSync(path.join(dir, 'events.jsonl'), JSON.stringify({ event: 'EXIT', timestamp: '2027-01-15T08:00:01.000Z', traceId: tid(5), spanId: sid(5), name: 'priceOf', durationMillis: 1.5 }) + '\n');
  viewer = await testViewer(root, { persist: false });
});
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the data views', () => {
  it('lists AI calls from gen_ai spans with tokens and cost', async () => {
    await post('traces', traceRequest('ai', [
      { traceId: tid(1), spanId: sid(1), name: 'chat gpt-4o-mini', kind: 3, ms: 800, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30, 'tracekit.cost.usd': 0.000036, 'gen_ai.response.time_to_first_chunk': 0.25, 'gen_ai.conversation.id': 'chat-9' } },
      { traceId: tid(1), spanId: sid(2), name: 'not ai' },
    ]));
    const calls = (await request(viewer, 'GET', '/api/ai')).json();
    expect(calls).toEqual([{ traceId: tid(1), spanId: sid(1), time: 1_800_000_000_000, duration: 800, operation: 'chat', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', inputTokens: 120, outputTokens: 30, costUsd: 0.000036, timeToFirstChunk: 0.25, conversationId: 'chat-9' }]);
  });

  it('lists function calls from code.function.name spans and ENTER/EXIT records', async () => {
    await post('traces', traceRequest('fn', [{ traceId: tid(2), spanId: sid(3), name: 'computeTotals', kind: 1, ms: 12, attrs: { 'code.function.name': 'computeTotals', 'code.filepath': 'src/cart.ts', 'code.lineno': 40 } }]));
    const calls = (await request(viewer, 'GET', '/api/functions')).json();
    expect(calls).toEqual([
      { kind: 'EXIT', time: Date.parse('2027-01-15T08:00:01.000Z'), function: 'priceOf', traceId: tid(5), spanId: sid(5), duration: 1.5 },
      { kind: 'span', time: 1_800_000_000_000, duration: 12, function: 'computeTotals', traceId: tid(2), spanId: sid(3), file: 'src/cart.ts', line: 40 },
    ]);
  });

  it('lists snapshots, newest first', async () => {
    await post('logs', logsRequest('snap', [
      { eventName: 'tracekit.snapshot', body: '{"cart":{"items":2}}', attrs: { 'code.filepath': 'src/cart.ts', 'code.lineno': 12 }, traceId: tid(3), at: 1 },
      { eventName: 'tracekit.snapshot', body: '{"cart":{"items":3}}', at: 2 },
      { eventName: 'other', body: 'x' },
    ]));
    const snaps = (await request(viewer, 'GET', '/api/snapshots')).json();
    expect(snaps.map((s: { body: string }) => s.body)).toEqual(['{"cart":{"items":3}}', '{"cart":{"items":2}}']);
    expect(snaps[1]).toMatchObject({ traceId: tid(3), eventName: 'tracekit.snapshot', attributes: { 'code.filepath': 'src/cart.ts', 'code.lineno': 12 } });
  });

  it('lists the breakpoints file read-only, and says why when it cannot', async () => {
    const empty = (await request(viewer, 'GET', '/api/breakpoints')).json();
    expect(empty).toEqual({ file: path.join(root, '.tracekit', 'breakpoints.json'), breakpoints: [], probes: [] });
    const doc = { breakpoints: [{ id: 'b1', label: 'cart', file: 'src/cart.ts', line: 12, function: 'total', enabled: true, captures: 3, maxCaptures: 100 }], probes: [{ id: 'p1', location: 'src/a.ts:4', enabled: false, status: 'disarmed' }] };
    fs.writeFileSync(path.join(root, '.tracekit', 'breakpoints.json'), JSON.stringify(doc));
    expect((await request(viewer, 'GET', '/api/breakpoints')).json()).toMatchObject(doc);
    fs.writeFileSync(path.join(root, '.tracekit', 'breakpoints.json'), '{ not json');
    expect((await request(viewer, 'GET', '/api/breakpoints')).json()).toMatchObject({ breakpoints: [], probes: [], error: expect.stringMatching(/JSON/) });
  });

  it('adds route percentiles from http.server.request.duration histograms', async () => {
    const now = Date.now();
    const point = (at: number, counts: number[]) => ({
      attributes: [{ key: 'http.route', value: { stringValue: '/metrics-only' } }, { key: 'http.request.method', value: { stringValue: 'GET' } }],
      startTimeUnixNano: String(BigInt(now - 60_000) * 1_000_000n), timeUnixNano: String(BigInt(at) * 1_000_000n),
      count: String(counts.reduce((a, b) => a + b, 0)), sum: 1, bucketCounts: counts.map(String), explicitBounds: [0.01, 0.1, 1],
    });
    const metrics = (points: unknown[]) => ({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] }, scopeMetrics: [{ metrics: [{ name: 'http.server.request.duration', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: points } }] }] }] });
    expect((await post('metrics', metrics([point(now - 30_000, [10, 0, 0, 0])]))).status).toBe(200);
    expect((await post('metrics', metrics([point(now - 1000, [10, 90, 0, 0])]))).status).toBe(200);
    const rows = (await request(viewer, 'GET', '/api/routes?window=5m')).json();
    const row = rows.find((r: { route: string }) => r.route === '/metrics-only');
    // Cumulative points: the window holds the newest minus the oldest (90 requests, all in the 10-100 ms bucket).
    expect(row).toMatchObject({ service: 'm', method: 'GET', count: 0, metrics: { count: 90 } });
    expect(row.metrics.p50).toBeCloseTo(10 + 90 * 0.5, 5);
  });

  it('lists the newest point of every metric series', async () => {
    const gauge = { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] }, scopeMetrics: [{ metrics: [{ name: 'nodejs.eventloop.delay.p99', unit: 's', gauge: { dataPoints: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), asDouble: 0.012 }] } }] }] }] };
    expect((await post('metrics', gauge)).status).toBe(200);
    const metrics = (await request(viewer, 'GET', '/api/metrics')).json();
    expect(metrics.map((m: { name: string }) => m.name)).toEqual(['http.server.request.duration', 'nodejs.eventloop.delay.p99']);
    // The histogram series: its newest (cumulative) point, 100 requests, mean of sum / count.
    expect(metrics[0]).toMatchObject({ service: 'm', type: 'histogram', unit: 's', count: 100, sum: 1, value: 0.01, attributes: { 'http.route': '/metrics-only', 'http.request.method': 'GET' } });
    expect(metrics[1]).toMatchObject({ service: 'm', type: 'gauge', value: 0.012 });
  });

  it('says what it holds', async () => {
    const stats = (await request(viewer, 'GET', '/api/stats')).json();
    expect(stats).toMatchObject({ traces: 2, spans: 3, logs: 3, metricPoints: 3, evicted: { traces: 0, spans: 0, logs: 0 } });
    const facets = (await request(viewer, 'GET', '/api/facets')).json();
    expect(facets.services).toEqual(['ai', 'fn']);
  });
});
