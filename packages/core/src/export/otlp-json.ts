import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import { msToNanoString } from '../tracing/time.js';
import type { SpanEventData } from '../tracing/span.js';
import type { ExportMeta, ReadableSpan } from './types.js';

/** An OTLP/JSON `AnyValue`. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** One attribute value in the OTLP/JSON mapping (64-bit integers as strings). */
export function toAnyValue(value: AttributeValue): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    default:
      if (Array.isArray(value)) {
        const values: OtlpAnyValue[] = [];
        for (const v of value as unknown[]) {
          if (v === null || v === undefined) values.push({ stringValue: '' });
          else values.push(toAnyValue(v as AttributeValue));
        }
        return { arrayValue: { values } };
      }
      return { stringValue: String(value) };
  }
}

export function toKeyValues(attributes: Attributes | undefined): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  if (!attributes) return out;
  for (const key in attributes) {
    const v = attributes[key];
    if (v !== undefined && v !== null) out.push({ key, value: toAnyValue(v) });
  }
  return out;
}

function toEvent(e: SpanEventData) {
  return { timeUnixNano: msToNanoString(e.time), name: e.name, attributes: toKeyValues(e.attributes), droppedAttributesCount: 0 };
}

function toLink(l: Link) {
  return {
    traceId: l.context.traceId,
    spanId: l.context.spanId,
    traceState: l.context.traceState?.serialize() ?? '',
    attributes: toKeyValues(l.attributes),
    droppedAttributesCount: 0,
  };
}

/** One span in OTLP/JSON. OTLP's kind enum is the API's plus one. */
export function toOtlpSpan(span: ReadableSpan) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState?.serialize() ?? '',
    parentSpanId: span.parentSpanId ?? '',
    flags: span.traceFlags & 0xff,
    name: span.name,
    kind: span.kind + 1,
    startTimeUnixNano: msToNanoString(span.startTime),
    endTimeUnixNano: msToNanoString(span.endTime),
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributes,
    events: span.events ? span.events.map(toEvent) : [],
    droppedEventsCount: span.droppedEvents,
    links: span.links ? span.links.map(toLink) : [],
    droppedLinksCount: 0,
    status: span.status.message ? { code: span.status.code, message: span.status.message } : { code: span.status.code },
  };
}

/** An `ExportTraceServiceRequest` in the OTLP/JSON encoding, as the Collector's file exporter writes it. */
export function toOtlpTraceRequest(spans: ReadableSpan[], meta: ExportMeta) {
  return {
    resourceSpans: [
      {
        resource: { attributes: toKeyValues(meta.resource), droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: meta.scope.name, version: meta.scope.version }, spans: spans.map(toOtlpSpan) }],
      },
    ],
  };
}
