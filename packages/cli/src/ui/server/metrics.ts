import type { Attrs } from '../api-types.js';
import type { ExportMetricsRequest } from '../otlp-json.js';
import { nanosToMs, plainAttrs } from './normalize.js';

/** One metric data point as the store keeps it. */
export interface MetricPoint {
  name: string;
  unit: string;
  service: string;
  type: 'gauge' | 'sum' | 'histogram' | 'other';
  start: number;
  time: number;
  attributes: Attrs;
  /** 1 delta, 2 cumulative. */
  temporality: number;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  bounds?: number[];
}

const num = (v: string | number | undefined): number => (v === undefined ? 0 : Number(v));

/** The data points of an `ExportMetricsServiceRequest` (exponential histograms and summaries only as markers). */
export function normalizeMetrics(req: ExportMetricsRequest): MetricPoint[] {
  if (!req || typeof req !== 'object' || !Array.isArray(req.resourceMetrics ?? [])) throw new TypeError('resourceMetrics is not a list');
  const out: MetricPoint[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const resource = plainAttrs(rm?.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const sm of rm?.scopeMetrics ?? []) {
      for (const m of sm?.metrics ?? []) {
        if (!m || typeof m !== 'object') continue;
        const base = { name: String(m.name ?? ''), unit: String(m.unit ?? ''), service };
        for (const [type, data] of [['gauge', m.gauge], ['sum', m.sum]] as const) {
          for (const p of data?.dataPoints ?? []) {
            out.push({
              ...base, type, start: nanosToMs(p.startTimeUnixNano), time: nanosToMs(p.timeUnixNano), attributes: plainAttrs(p.attributes),
              temporality: Number((data as { aggregationTemporality?: number }).aggregationTemporality ?? 0), value: p.asDouble ?? num(p.asInt),
            });
          }
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          out.push({
            ...base, type: 'histogram', start: nanosToMs(p.startTimeUnixNano), time: nanosToMs(p.timeUnixNano), attributes: plainAttrs(p.attributes),
            temporality: Number(m.histogram?.aggregationTemporality ?? 0), count: num(p.count), sum: p.sum ?? 0,
            bucketCounts: (p.bucketCounts ?? []).map(num), bounds: (p.explicitBounds ?? []).map(Number),
          });
        }
        if (m.exponentialHistogram || m.summary) out.push({ ...base, type: 'other', start: 0, time: Date.now(), attributes: {}, temporality: 0 });
      }
    }
  }
  return out;
}

/** The quantile `q` of a histogram's buckets, interpolated linearly within the bucket. */
export function histogramQuantile(q: number, counts: readonly number[], bounds: readonly number[]): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (seen + c >= rank && c > 0) {
      const lo = i === 0 ? 0 : bounds[i - 1]!;
      const hi = i < bounds.length ? bounds[i]! : (bounds[bounds.length - 1] ?? lo);
      return lo + (hi - lo) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds[bounds.length - 1];
}
