/**
 * The OTLP/JSON shapes the viewer reads and writes (the protobuf messages of
 * opentelemetry-proto, in their JSON mapping): the store's JSONL lines, the receiver's JSON
 * bodies, and what the protobuf decoder produces. Only the fields the viewer uses are typed.
 */

/** `AnyValue`: exactly one of the fields is set. 64-bit integers may arrive as strings. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  /** Base64. */
  bytesValue?: string;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface Resource {
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface Scope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
}

export interface OtlpEvent {
  timeUnixNano?: string | number;
  name?: string;
  attributes?: KeyValue[];
}

export interface OtlpLink {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  attributes?: KeyValue[];
}

export interface OtlpSpan {
  /** Hex in the JSON mapping (32 characters). */
  traceId?: string;
  spanId?: string;
  traceState?: string;
  parentSpanId?: string;
  name?: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  links?: OtlpLink[];
  /** code: 0 unset, 1 ok, 2 error. */
  status?: { code?: number; message?: string };
  flags?: number;
}

export interface ExportTraceRequest {
  resourceSpans?: Array<{ resource?: Resource; scopeSpans?: Array<{ scope?: Scope; spans?: OtlpSpan[]; schemaUrl?: string }>; schemaUrl?: string }>;
}

export interface OtlpLogRecord {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ExportLogsRequest {
  resourceLogs?: Array<{ resource?: Resource; scopeLogs?: Array<{ scope?: Scope; logRecords?: OtlpLogRecord[]; schemaUrl?: string }>; schemaUrl?: string }>;
}

export interface NumberDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
  asDouble?: number;
  asInt?: string | number;
}

export interface HistogramDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
  count?: string | number;
  sum?: number;
  bucketCounts?: Array<string | number>;
  explicitBounds?: number[];
  min?: number;
  max?: number;
}

export interface OtlpMetric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPoint[] };
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: number };
  /** Kept as a marker: the viewer does not chart exponential histograms or summaries. */
  exponentialHistogram?: { dataPoints?: unknown[]; aggregationTemporality?: number };
  summary?: { dataPoints?: unknown[] };
}

export interface ExportMetricsRequest {
  resourceMetrics?: Array<{ resource?: Resource; scopeMetrics?: Array<{ scope?: Scope; metrics?: OtlpMetric[]; schemaUrl?: string }>; schemaUrl?: string }>;
}

/** The three signals of the receiver and the store. */
export type Signal = 'traces' | 'logs' | 'metrics';
