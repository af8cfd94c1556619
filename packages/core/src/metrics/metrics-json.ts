import type { AttributeValue, Attributes, HrTime } from '@opentelemetry/api';
import type { ExportMeta } from '../export/types.js';
import type { MetricsSnapshot } from './otlp-metrics.js';
import { METRIC_HTTP_SERVER_REQUEST_DURATION, METRIC_V8JS_GC_DURATION } from './semconv.js';

/**
 * A metrics snapshot as an OTLP/JSON `ExportMetricsServiceRequest`, written without
 * `@opentelemetry/otlp-transformer` so that the default file store does not load it (about
 * 190 modules and 15–20 MB of RSS; `export/otlp-transformer.ts`). The objects have the official
 * JSON serializer's fields in its order, so the text is the same byte for byte
 * (`test/metrics/metrics-json.test.ts` compares the two).
 */

// `AGGREGATION_TEMPORALITY_CUMULATIVE` in OTLP's enum.
const CUMULATIVE = 2;

type AnyValue =
  | { stringValue: string }
  | { intValue: number }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: AnyValue[] } }
  | Record<string, never>;

// Not `export/otlp-json.ts`'s `toAnyValue`: that one writes 64-bit integers as strings (the
// trace store's form), while the metrics lines keep what the official serializer wrote for them
// (integers as numbers, a missing array element as `{}`), so existing readers see the same text.
function anyValue(value: AttributeValue | undefined): AnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
    case 'boolean':
      return { boolValue: value };
    default:
      return Array.isArray(value) ? { arrayValue: { values: value.map((v) => anyValue(v ?? undefined)) } } : {};
  }
}

function keyValues(attributes: Attributes): Array<{ key: string; value: AnyValue }> {
  return Object.keys(attributes).map((key) => ({ key, value: anyValue(attributes[key]) }));
}

/** A millisecond time as OpenTelemetry's `[seconds, nanoseconds]`, to the microsecond. */
export function hrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return [seconds, (whole - seconds * 1000) * 1e6 + Math.round((ms - whole) * 1e3) * 1e3];
}

/** Unix nanoseconds of a millisecond time, as the official encoder writes them (from {@link hrTime}). */
function nanos(ms: number): string {
  const [seconds, ns] = hrTime(ms);
  return (BigInt(seconds) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

function histogram(name: string, description: string, series: MetricsSnapshot['http'], start: string, end: string) {
  return {
    name,
    description,
    unit: 's',
    histogram: {
      aggregationTemporality: CUMULATIVE,
      dataPoints: series.map(({ attributes, histogram: h }) => ({
        attributes: keyValues(attributes),
        bucketCounts: Array.from(h.counts),
        explicitBounds: [...h.boundaries],
        count: h.count,
        sum: h.sum,
        min: h.count > 0 ? h.min : undefined,
        max: h.count > 0 ? h.max : undefined,
        startTimeUnixNano: start,
        timeUnixNano: end,
      })),
    },
  };
}

/** The request as a JSON string; metrics without data points are left out. */
export function metricsRequestJson(s: MetricsSnapshot, meta: ExportMeta): string {
  const start = nanos(s.startMs);
  const end = nanos(s.timeMs);
  const metrics: unknown[] = [];
  if (s.http.length > 0) metrics.push(histogram(METRIC_HTTP_SERVER_REQUEST_DURATION, 'Duration of HTTP server requests.', s.http, start, end));
  if (s.gc.length > 0) metrics.push(histogram(METRIC_V8JS_GC_DURATION, 'Garbage collection duration.', s.gc, start, end));
  for (const g of s.gauges) {
    if (g.points.length === 0) continue;
    metrics.push({
      name: g.name,
      description: g.description,
      unit: g.unit,
      gauge: { dataPoints: g.points.map((p) => ({ attributes: keyValues(p.attributes), startTimeUnixNano: end, timeUnixNano: end, asDouble: p.value })) },
    });
  }
  const scope = { name: meta.scope.name, version: meta.scope.version };
  return JSON.stringify({
    resourceMetrics: [{ resource: { attributes: keyValues(meta.resource), droppedAttributesCount: 0 }, scopeMetrics: [{ scope, metrics }] }],
  });
}
