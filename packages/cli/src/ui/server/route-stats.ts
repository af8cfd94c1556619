import type { RouteStatsDto } from '../api-types.js';
import { histogramQuantile } from './metrics.js';
import type { TelemetryStore } from './store.js';

/** The quantile `q` of ascending-sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface Acc {
  service: string;
  method: string;
  route: string;
  durations: number[];
  errors: number;
}

/**
 * Per-route request rate, error rate and p50/p95/p99 duration over the window ending at `now`
 * (`Infinity`: everything held),
 * from each trace's root SERVER span (a 5xx status or an error status counts as an error), and,
 * when apps send them, from `http.server.request.duration` histograms of OTLP metrics.
 */
export function routeStats(store: TelemetryStore, windowMs: number, now: number = Date.now()): RouteStatsDto[] {
  const from = Number.isFinite(windowMs) ? now - windowMs : -Infinity;
  const acc = new Map<string, Acc>();
  let earliest = now;
  for (const trace of store.traces.values()) {
    const root = trace.root;
    if (!root || root.kind !== 2 || root.start < from || root.start > now) continue;
    const a = root.attributes;
    const method = typeof a['http.request.method'] === 'string' ? a['http.request.method'] : '';
    const route = typeof a['http.route'] === 'string' ? a['http.route'] : root.name;
    const key = `${root.service}\u0000${method}\u0000${route}`;
    let e = acc.get(key);
    if (!e) acc.set(key, (e = { service: root.service, method, route, durations: [], errors: 0 }));
    e.durations.push(root.duration);
    if (root.start < earliest) earliest = root.start;
    const status = Number(a['http.response.status_code']);
    if (root.status.code === 2 || status >= 500) e.errors++;
  }
  // "Everything held": the rate is over the time since the earliest request.
  const seconds = Math.max(1, (Number.isFinite(windowMs) ? windowMs : now - earliest) / 1000);
  const rows = new Map<string, RouteStatsDto>();
  for (const [key, e] of acc) {
    const sorted = e.durations.sort((x, y) => x - y);
    rows.set(key, {
      service: e.service, method: e.method, route: e.route, count: sorted.length, rate: sorted.length / seconds, errorRate: e.errors / sorted.length,
      p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99),
    });
  }
  addMetricStats(store, rows, from, now, seconds);
  return [...rows.values()].sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
}

/**
 * Merges `http.server.request.duration` histograms into the rows: delta points in the window are
 * summed; for cumulative points, each series contributes its newest point minus its oldest in the
 * window (or the newest alone when its series started inside the window).
 */
function addMetricStats(store: TelemetryStore, rows: Map<string, RouteStatsDto>, from: number, now: number, seconds: number): void {
  const series = new Map<string, { first?: (typeof store.metricPoints)[number]; last: (typeof store.metricPoints)[number] }>();
  for (const p of store.metricPoints) {
    if (p.name !== 'http.server.request.duration' || p.type !== 'histogram' || p.time < from || p.time > now) continue;
    const key = `${p.service}\u0000${JSON.stringify(p.attributes)}\u0000${p.temporality === 1 ? p.time : p.start}`;
    const s = series.get(key);
    if (!s) series.set(key, { first: p, last: p });
    else if (p.time >= s.last.time) s.last = p;
  }
  const merged = new Map<string, { counts: number[]; bounds: number[]; count: number; service: string; method: string; route: string }>();
  for (const { first, last } of series.values()) {
    const delta = last.temporality === 1 || !first || first === last ? last.bucketCounts ?? [] : (last.bucketCounts ?? []).map((c, i) => c - (first.bucketCounts?.[i] ?? 0));
    const cumulativeFromBefore = last.temporality !== 1 && first === last && last.start < from;
    if (cumulativeFromBefore) continue;
    const a = last.attributes;
    const method = typeof a['http.request.method'] === 'string' ? a['http.request.method'] : '';
    const route = typeof a['http.route'] === 'string' ? a['http.route'] : '';
    if (!route) continue;
    const key = `${last.service}\u0000${method}\u0000${route}`;
    const scale = last.unit === 's' ? 1000 : 1;
    const bounds = (last.bounds ?? []).map((b) => b * scale);
    let m = merged.get(key);
    if (!m) merged.set(key, (m = { counts: delta.map(() => 0), bounds, count: 0, service: last.service, method, route }));
    if (m.counts.length !== delta.length) continue;
    delta.forEach((c, i) => (m.counts[i]! += c));
    m.count += delta.reduce((x, y) => x + y, 0);
  }
  for (const [key, m] of merged) {
    const metrics = { count: m.count, p50: histogramQuantile(0.5, m.counts, m.bounds), p95: histogramQuantile(0.95, m.counts, m.bounds), p99: histogramQuantile(0.99, m.counts, m.bounds) };
    const row = rows.get(key);
    if (row) row.metrics = metrics;
    else rows.set(key, { service: m.service, method: m.method, route: m.route, count: 0, rate: m.count / seconds, errorRate: 0, p50: 0, p95: 0, p99: 0, metrics });
  }
}
