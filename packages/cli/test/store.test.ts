import { describe, expect, it } from 'vitest';
import { CODE_INVENTORY_EVENT as CORE_INVENTORY_EVENT } from '@tracekit/core/adapter';
import { CODE_INVENTORY_EVENT } from '../src/ui/server/event-names.js';
import { codeInventory } from '../src/ui/server/inventory.js';
import { Ingest } from '../src/ui/server/ingest.js';
import { routeStats } from '../src/ui/server/route-stats.js';
import { searchTraces } from '../src/ui/server/search.js';
import { DEFAULT_LIMITS, TelemetryStore } from '../src/ui/server/store.js';
import { parseTraceQuery, queryTraces } from '../src/ui/server/trace-query.js';
import { logsRequest, sid, tid, traceRequest } from './otlp-builders.js';

function storeWith(limits = {}) {
  const store = new TelemetryStore({ ...DEFAULT_LIMITS, ...limits });
  return { store, ingest: new Ingest(store) };
}

const request = (n: number, route: string, status: number, ms: number, extra: Record<string, string | number | boolean> = {}) =>
  traceRequest('shop', [
    { traceId: tid(n), spanId: sid(n * 2), name: `GET ${route}`, kind: 2, at: n, ms, attrs: { 'http.route': route, 'http.request.method': 'GET', 'http.response.status_code': status, 'tracekit.request_id': `req-${n}`, ...extra } },
    { traceId: tid(n), spanId: sid(n * 2 + 1), parent: sid(n * 2), name: 'db.query', at: n + 0.1, ms: ms / 2 },
  ]);

describe('the in-memory store', () => {
  it('indexes traces by ID, request ID, route and service, and ignores spans it already holds', () => {
    const { store, ingest } = storeWith();
    ingest.request('traces', request(1, '/users/:id', 200, 10));
    ingest.request('traces', request(1, '/users/:id', 200, 10));
    ingest.request('traces', request(2, '/orders', 500, 30));
    expect(store.spanCount).toBe(4);
    expect(store.byRequestId.get('req-2')).toBe(tid(2));
    expect([...store.byRoute.get('/users/:id')!]).toEqual([tid(1)]);
    expect([...store.byService.get('shop')!].sort()).toEqual([tid(1), tid(2)]);
    expect(store.traces.get(tid(2))!.summary()).toMatchObject({ name: 'GET /orders', route: '/orders', statusCode: 500, spanCount: 2, duration: 30 });
  });

  it('takes the root from a parent that arrives after its children', () => {
    const { store, ingest } = storeWith();
    const [server, child] = request(3, '/late', 200, 8).resourceSpans![0]!.scopeSpans![0]!.spans!;
    ingest.request('traces', { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [child!] }] }] });
    expect(store.traces.get(tid(3))!.summary().name).toBe('db.query');
    ingest.request('traces', { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [server!] }] }] });
    expect(store.traces.get(tid(3))!.summary()).toMatchObject({ name: 'GET /late', route: '/late' });
    expect([...store.byRoute.keys()]).toEqual(['/late']);
  });

  it('evicts the oldest traces first when over the span bound, and counts them', () => {
    const { store, ingest } = storeWith({ maxSpans: 10 });
    for (let n = 0; n < 8; n++) ingest.request('traces', request(n, `/r${n % 2}`, 200, 5));
    expect(store.spanCount).toBe(10);
    expect([...store.traces.keys()]).toEqual([tid(3), tid(4), tid(5), tid(6), tid(7)]);
    expect(store.evicted).toEqual({ traces: 3, spans: 6, logs: 0 });
    expect(store.byRequestId.has('req-0')).toBe(false);
    expect([...store.byRoute.get('/r0')!].sort()).toEqual([tid(4), tid(6)]);
  });

  it('evicts by estimated bytes too', () => {
    const { store, ingest } = storeWith({ maxBytes: 5000 });
    for (let n = 0; n < 20; n++) ingest.request('traces', request(n, '/big', 200, 5, { payload: 'x'.repeat(400) }));
    expect(store.bytes).toBeLessThanOrEqual(5000);
    expect(store.evicted.traces).toBeGreaterThan(0);
    expect(store.traces.has(tid(19))).toBe(true);
    expect(store.traces.has(tid(0))).toBe(false);
  });

  it('groups errors by fingerprint, counting a trace once, with routes and samples', () => {
    const { store, ingest } = storeWith();
    const frames = [{ function: 'charge', file: 'src/pay.js', line: 3, in_app: true, origin: 'app', context_line: 'throw new Error()' }];
    for (const n of [1, 2]) {
      ingest.request('traces', traceRequest('shop', [
        { traceId: tid(n), spanId: sid(10 * n), name: 'POST /pay', kind: 2, at: n * 1000, attrs: { 'http.route': '/pay' }, exception: { type: 'Error', message: 'declined', fingerprint: 'fp1', frames } },
        { traceId: tid(n), spanId: sid(10 * n + 1), parent: sid(10 * n), name: 'handler', at: n * 1000, exception: { type: 'Error', message: 'declined', fingerprint: 'fp1', frames } },
      ]));
    }
    ingest.request('traces', traceRequest('shop', [{ traceId: tid(3), spanId: sid(30), name: 'x', exception: { type: 'TypeError', message: 'other' } }]));
    const groups = store.errors.list((id) => store.traces.has(id));
    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([['fp1', 2], ['TypeError: other', 1]]);
    expect(groups[0]).toMatchObject({ type: 'Error', message: 'declined', routes: [{ route: '/pay', count: 2 }], sampleTraceIds: [tid(2), tid(1)], frames });
    expect(groups[0]!.lastSeen - groups[0]!.firstSeen).toBe(1000);
    const errorsOnly = queryTraces(store, parseTraceQuery(new URLSearchParams('error=1')));
    expect(errorsOnly.total).toBe(3);
  });

  it('filters, sorts and limits the trace list', () => {
    const { store, ingest } = storeWith();
    ingest.request('traces', request(1, '/a', 200, 10, { 'user.tier': 'gold' }));
    ingest.request('traces', request(2, '/a', 404, 50, { 'user.tier': 'silver' }));
    ingest.request('traces', request(3, '/b', 503, 20));
    const q = (s: string) => queryTraces(store, parseTraceQuery(new URLSearchParams(s))).traces.map((t) => t.requestId);
    expect(q('')).toEqual(['req-3', 'req-2', 'req-1']);
    expect(q('sort=duration&order=desc')).toEqual(['req-2', 'req-3', 'req-1']);
    expect(q('sort=duration&order=asc&limit=2')).toEqual(['req-1', 'req-3']);
    expect(q('route=/a')).toEqual(['req-2', 'req-1']);
    expect(q('status=5xx')).toEqual(['req-3']);
    expect(q('status=4xx&route=/a')).toEqual(['req-2']);
    expect(q('minMs=15&maxMs=30')).toEqual(['req-3']);
    expect(q('method=get&service=shop')).toHaveLength(3);
    expect(q('method=POST')).toEqual([]);
    expect(q('attr=user.tier%3Dgold')).toEqual(['req-1']);
    expect(q('attr=user.tier!%3Dgold')).toEqual(['req-3', 'req-2']);
    expect(q('attr=user.tier~IL')).toEqual(['req-2']);
    expect(q('q=req-2')).toEqual(['req-2']);
  });

  it('finds a trace from a trace ID, a traceparent, a request ID or a whole log line', () => {
    const { store, ingest } = storeWith();
    ingest.request('traces', request(7, '/users/:id', 200, 3));
    const id = tid(7);
    expect(searchTraces(store, id)).toEqual([id]);
    expect(searchTraces(store, id.toUpperCase())).toEqual([id]);
    expect(searchTraces(store, `traceparent: 00-${id}-${sid(1)}-01`)).toEqual([id]);
    expect(searchTraces(store, 'req-7')).toEqual([id]);
    expect(searchTraces(store, '{"level":30,"msg":"handled","requestId":"req-7","time":1}')).toEqual([id]);
    expect(searchTraces(store, '2026-01-01T00:00:00Z INFO [req-7] GET /users/7 200')).toEqual([id]);
    expect(searchTraces(store, 'nothing here')).toEqual([]);
  });

  it('computes per-route rate, error rate and percentiles over a window', () => {
    const { store, ingest } = storeWith();
    for (let n = 0; n < 100; n++) ingest.request('traces', request(n, '/p', n % 10 === 0 ? 500 : 200, n + 1));
    const [row] = routeStats(store, 60_000, 1_800_000_000_000 + 60_000);
    expect(row).toMatchObject({ service: 'shop', method: 'GET', route: '/p', count: 100, errorRate: 0.1, p50: 50, p95: 95, p99: 99 });
    expect(row!.rate).toBeCloseTo(100 / 60);
    expect(routeStats(store, 1000, 1_800_000_000_000 + 60_000)).toEqual([]);
  });

  it('keeps the newest code inventory record per place, linked to error groups', () => {
    const { store, ingest } = storeWith();
    expect(CODE_INVENTORY_EVENT).toBe(CORE_INVENTORY_EVENT);
    const place = { 'code.filepath': 'src/pay.js', 'code.function.name': 'charge', 'code.lineno': 3 };
    ingest.request('logs', logsRequest('shop', [
      { eventName: CODE_INVENTORY_EVENT, attrs: { ...place, 'tracekit.inventory.first_seen': 1, 'tracekit.inventory.last_seen': 5, 'tracekit.inventory.count': 1 } },
      { eventName: CODE_INVENTORY_EVENT, attrs: { ...place, 'tracekit.inventory.first_seen': 1, 'tracekit.inventory.last_seen': 9, 'tracekit.inventory.count': 4 } },
      { eventName: 'something.else', attrs: place },
    ]));
    ingest.request('traces', traceRequest('shop', [{ traceId: tid(1), spanId: sid(1), name: 'x', exception: { type: 'Error', message: 'declined', fingerprint: 'fp1', frames: [{ file: 'src/pay.js', line: 3, in_app: true }] } }]));
    expect(codeInventory(store)).toEqual([{ service: 'shop', file: 'src/pay.js', function: 'charge', line: 3, firstSeen: 1, lastSeen: 9, count: 4, errors: [{ fingerprint: 'fp1', type: 'Error', message: 'declined' }] }]);
  });

  it('bounds the log ring and counts what it drops', () => {
    const { store, ingest } = storeWith({ maxLogs: 3 });
    ingest.request('logs', logsRequest('shop', [1, 2, 3, 4, 5].map((n) => ({ body: `m${n}` }))));
    expect(store.logs.map((l) => l.body)).toEqual(['m3', 'm4', 'm5']);
    expect(store.evicted.logs).toBe(2);
  });
});
