import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { otlpTransformer } from '../export/otlp-transformer.js';
import type { ExportMeta } from '../export/types.js';
import type { OtlpProtocol } from '../types.js';
import type { HistogramCell } from './histogram.js';
import { hrTime as hr, metricsRequestJson } from './metrics-json.js';
import type { GaugeReading } from './runtime.js';
import { METRIC_HTTP_SERVER_REQUEST_DURATION, METRIC_V8JS_GC_DURATION } from './semconv.js';

/**
 * OTLP metrics bodies. Protobuf comes from the official serializer of
 * `@opentelemetry/otlp-transformer` (loaded on first use; it runs once per export interval, not
 * per request): TraceKit's aggregates are mapped onto the SDK's `ResourceMetrics` data shape
 * here. OTLP/JSON, which the default file store writes, is TraceKit's own (`metrics-json.ts`),
 * the same text as the official serializer's, so the default setup never loads the package.
 */

type MetricsInput = Parameters<typeof ProtobufMetricsSerializer.serializeRequest>[0];

// The SDK's enums (`DataPointType`, `AggregationTemporality`, `ValueType`), by value.
const HISTOGRAM = 0;
const GAUGE = 2;
const CUMULATIVE = 1;
const DOUBLE = 1;

/** What one collection read: cumulative histograms since `startMs`, gauges at `timeMs`. */
export interface MetricsSnapshot {
  startMs: number;
  timeMs: number;
  http: Array<{ attributes: Attributes; histogram: HistogramCell }>;
  gc: Array<{ attributes: Attributes; histogram: HistogramCell }>;
  gauges: GaugeReading[];
}

function histogramMetric(name: string, description: string, series: MetricsSnapshot['http'], start: HrTime, end: HrTime) {
  return {
    descriptor: { name, description, unit: 's', valueType: DOUBLE },
    aggregationTemporality: CUMULATIVE,
    dataPointType: HISTOGRAM,
    dataPoints: series.map(({ attributes, histogram: h }) => ({
      attributes,
      startTime: start,
      endTime: end,
      value: {
        buckets: { boundaries: [...h.boundaries], counts: Array.from(h.counts) },
        count: h.count,
        sum: h.sum,
        min: h.count > 0 ? h.min : undefined,
        max: h.count > 0 ? h.max : undefined,
      },
    })),
  };
}

/** The snapshot in the SDK's `ResourceMetrics` shape; metrics without data points are left out. */
export function toResourceMetrics(s: MetricsSnapshot, meta: ExportMeta): MetricsInput {
  const start = hr(s.startMs);
  const end = hr(s.timeMs);
  const metrics: unknown[] = [];
  if (s.http.length > 0) metrics.push(histogramMetric(METRIC_HTTP_SERVER_REQUEST_DURATION, 'Duration of HTTP server requests.', s.http, start, end));
  if (s.gc.length > 0) metrics.push(histogramMetric(METRIC_V8JS_GC_DURATION, 'Garbage collection duration.', s.gc, start, end));
  for (const g of s.gauges) {
    if (g.points.length === 0) continue;
    metrics.push({
      descriptor: { name: g.name, description: g.description, unit: g.unit, valueType: DOUBLE },
      aggregationTemporality: CUMULATIVE,
      dataPointType: GAUGE,
      dataPoints: g.points.map((p) => ({ attributes: p.attributes, startTime: end, endTime: end, value: p.value })),
    });
  }
  return {
    resource: { attributes: meta.resource },
    scopeMetrics: [{ scope: { name: meta.scope.name, version: meta.scope.version }, metrics }],
  } as unknown as MetricsInput;
}

/** An `ExportMetricsServiceRequest` body in `protocol`. */
export function encodeMetrics(s: MetricsSnapshot, meta: ExportMeta, protocol: OtlpProtocol): Uint8Array {
  if (protocol === 'http/json') return Buffer.from(metricsRequestJson(s, meta), 'utf8');
  return otlpTransformer().ProtobufMetricsSerializer.serializeRequest(toResourceMetrics(s, meta))!;
}
