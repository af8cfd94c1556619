import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import type { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordData } from './log-types.js';
import { traceRequestEncoder } from './otlp-json-string.js';
import { encodeTracesProtobuf, toHrTime } from './otlp-protobuf.js';
import { otlpTransformer } from './otlp-transformer.js';
import type { ExportMeta, ReadableSpan } from './types.js';
import type { OtlpProtocol } from '../types.js';

/**
 * OTLP request bodies. Logs use the official OpenTelemetry serializers
 * (`@opentelemetry/otlp-transformer`), which take the SDK's `ReadableLogRecord`; TraceKit's
 * records are mapped onto that shape here. Spans, many per request, use TraceKit's own
 * encoders for a measured reason (docs/export.md): protobuf from otlp-protobuf.ts (byte for
 * byte what the official serializer writes, about 5x cheaper) and JSON from the file store's
 * string encoder; the official span serializers stay available as {@link encodeTracesOfficial}.
 */

type TraceInput = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0];
type LogsInput = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];

/** The `Content-Type` of each protocol. */
export const CONTENT_TYPES: Readonly<Record<OtlpProtocol, string>> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

export { toHrTime } from './otlp-protobuf.js';

/** The resource and scope objects; the serializers group records by their identity, so one pair per exporter. */
export interface EncodingMeta {
  resource: { attributes: Attributes; schemaUrl?: string };
  scope: { name: string; version: string };
}

const metas = new WeakMap<ExportMeta, EncodingMeta>();
const jsonEncoders = new WeakMap<ExportMeta, (spans: ReadableSpan[]) => string>();

export function encodingMeta(meta: ExportMeta): EncodingMeta {
  const cached = metas.get(meta);
  if (cached) return cached;
  const made = { resource: { attributes: meta.resource }, scope: { name: meta.scope.name, version: meta.scope.version } };
  metas.set(meta, made);
  return made;
}

interface EventView {
  name: string;
  time: HrTime;
  attributes: Attributes | undefined;
  droppedAttributesCount: number;
}

/** A {@link ReadableSpan} in the shape of the SDK's `ReadableSpan`, as far as the serializers read it. */
class SpanView {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended = true;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: EventView[];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount = 0;
  private readonly context: SpanContext;

  constructor(
    span: ReadableSpan,
    readonly resource: EncodingMeta['resource'],
    readonly instrumentationScope: EncodingMeta['scope'],
  ) {
    this.name = span.name;
    this.kind = span.kind;
    this.context = { traceId: span.traceId, spanId: span.spanId, traceFlags: span.traceFlags, traceState: span.traceState };
    // TraceKit does not keep whether a parent was remote; a SERVER or CONSUMER span's parent
    // always came from an incoming traceparent (or message), so it is marked remote.
    this.parentSpanContext =
      span.parentSpanId === undefined
        ? undefined
        : { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: span.traceFlags, isRemote: span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER };
    this.startTime = toHrTime(span.startTime);
    this.endTime = toHrTime(span.endTime);
    this.duration = toHrTime(span.endTime - span.startTime);
    this.status = span.status;
    this.attributes = span.attributes;
    this.links = span.links ?? [];
    const events: EventView[] = [];
    if (span.events) {
      for (const e of span.events) events.push({ name: e.name, time: toHrTime(e.time), attributes: e.attributes, droppedAttributesCount: 0 });
    }
    this.events = events;
    this.droppedAttributesCount = span.droppedAttributes;
    this.droppedEventsCount = span.droppedEvents;
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/** An `ExportTraceServiceRequest` body in the protocol's encoding, with TraceKit's span encoders. */
export function encodeTraces(spans: readonly ReadableSpan[], meta: ExportMeta, protocol: OtlpProtocol): Uint8Array {
  if (protocol === 'http/protobuf') return encodeTracesProtobuf(spans, meta);
  let encode = jsonEncoders.get(meta);
  if (!encode) jsonEncoders.set(meta, (encode = traceRequestEncoder(meta)));
  return Buffer.from(encode(spans as ReadableSpan[]), 'utf8');
}

/** The same request encoded by the official serializers of @opentelemetry/otlp-transformer (the reference). */
export function encodeTracesOfficial(spans: readonly ReadableSpan[], exportMeta: ExportMeta, protocol: OtlpProtocol): Uint8Array {
  const meta = encodingMeta(exportMeta);
  const views = new Array<SpanView>(spans.length);
  for (let i = 0; i < spans.length; i++) views[i] = new SpanView(spans[i]!, meta.resource, meta.scope);
  const { JsonTraceSerializer, ProtobufTraceSerializer } = otlpTransformer();
  const serializer = protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  return serializer.serializeRequest(views as unknown as TraceInput) ?? new Uint8Array(0);
}

/** An `ExportLogsServiceRequest` body in the protocol's encoding. */
export function encodeLogs(records: readonly LogRecordData[], exportMeta: ExportMeta, protocol: OtlpProtocol): Uint8Array {
  const meta = encodingMeta(exportMeta);
  const views = records.map((r) => {
    const time = toHrTime(r.time);
    return {
      hrTime: time,
      hrTimeObserved: time,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: r.body,
      eventName: r.eventName,
      attributes: r.attributes,
      droppedAttributesCount: 0,
      spanContext: r.traceId && r.spanId ? { traceId: r.traceId, spanId: r.spanId, traceFlags: 1 } : undefined,
      resource: meta.resource,
      instrumentationScope: meta.scope,
    };
  });
  const { JsonLogsSerializer, ProtobufLogsSerializer } = otlpTransformer();
  const serializer = protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  return serializer.serializeRequest(views as unknown as LogsInput) ?? new Uint8Array(0);
}

/** Rejected items reported by a collector's partial-success response, or 0. */
export function rejectedItems(signal: 'traces' | 'logs', protocol: OtlpProtocol, body: Uint8Array): number {
  if (body.length === 0) return 0;
  try {
    const { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } = otlpTransformer();
    if (signal === 'traces') {
      const serializer = protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
      return Number(serializer.deserializeResponse(body).partialSuccess?.rejectedSpans ?? 0) || 0;
    }
    const serializer = protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
    return Number(serializer.deserializeResponse(body).partialSuccess?.rejectedLogRecords ?? 0) || 0;
  } catch {
    // A response that is not OTLP (a proxy's page, say) says nothing about the batch.
    return 0;
  }
}
