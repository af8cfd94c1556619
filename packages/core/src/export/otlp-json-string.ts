import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { SpanEventData } from '../tracing/span.js';
import { msToNanoString } from '../tracing/time.js';
import { toKeyValues } from './otlp-json.js';
import type { ExportMeta, ReadableSpan } from './types.js';

// The same OTLP/JSON as JSON.stringify(toOtlpTraceRequest(...)), built as a string directly:
// about four times cheaper than materialising the nested objects first, and the encoding is
// paid for every span the store writes. A test keeps the two byte-for-byte identical.

// Printable ASCII without quote or backslash needs no escaping: most attribute values are.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const q = (s: string): string => (s.length < 256 && PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

// Attribute keys repeat across every span: their JSON prefix is built once.
const keyPrefixes = new Map<string, string>();
function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `{"key":${JSON.stringify(key)},"value":`;
    if (keyPrefixes.size < 4096) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

function valueJson(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return `{"stringValue":${q(v)}}`;
    case 'boolean':
      return `{"boolValue":${v}}`;
    case 'number':
      return Number.isInteger(v) ? `{"intValue":"${v}"}` : `{"doubleValue":${JSON.stringify(v)}}`;
    default:
      if (Array.isArray(v)) {
        let out = '';
        for (const item of v as unknown[]) {
          out += (out ? ',' : '') + (item === null || item === undefined ? '{"stringValue":""}' : valueJson(item as AttributeValue));
        }
        return `{"arrayValue":{"values":[${out}]}}`;
      }
      return `{"stringValue":${q(String(v))}}`;
  }
}

/** OTLP/JSON `KeyValue[]` for attributes. */
export function attributesJson(attributes: Attributes | undefined): string {
  let out = '';
  if (attributes) {
    for (const key in attributes) {
      const v = attributes[key];
      if (v === undefined || v === null) continue;
      out += `${out ? ',' : ''}${keyPrefix(key)}${valueJson(v)}}`;
    }
  }
  return `[${out}]`;
}

function eventJson(e: SpanEventData): string {
  return `{"timeUnixNano":"${msToNanoString(e.time)}","name":${q(e.name)},"attributes":${attributesJson(e.attributes)},"droppedAttributesCount":0}`;
}

/** One span as an OTLP/JSON string, identical to `JSON.stringify(toOtlpSpan(span))`. */
export function spanJson(span: ReadableSpan): string {
  const state = span.traceState?.serialize() ?? '';
  let events = '';
  if (span.events) for (const e of span.events) events += (events ? ',' : '') + eventJson(e);
  let links = '';
  if (span.links) {
    for (const l of span.links) {
      links += `${links ? ',' : ''}{"traceId":${q(l.context.traceId)},"spanId":${q(l.context.spanId)},"traceState":${q(l.context.traceState?.serialize() ?? '')},"attributes":${attributesJson(l.attributes)},"droppedAttributesCount":0}`;
    }
  }
  const status = span.status.message ? `{"code":${span.status.code},"message":${q(span.status.message)}}` : `{"code":${span.status.code}}`;
  return (
    `{"traceId":"${span.traceId}","spanId":"${span.spanId}","traceState":${q(state)},"parentSpanId":"${span.parentSpanId ?? ''}",` +
    `"flags":${span.traceFlags & 0xff},"name":${q(span.name)},"kind":${span.kind + 1},` +
    `"startTimeUnixNano":"${msToNanoString(span.startTime)}","endTimeUnixNano":"${msToNanoString(span.endTime)}",` +
    `"attributes":${attributesJson(span.attributes)},"droppedAttributesCount":${span.droppedAttributes},` +
    `"events":[${events}],"droppedEventsCount":${span.droppedEvents},"links":[${links}],"droppedLinksCount":0,"status":${status}}`
  );
}

/** Caches the resource and scope part of a request, which is the same for every batch. */
export function traceRequestEncoder(meta: ExportMeta): (spans: ReadableSpan[]) => string {
  const head = `{"resourceSpans":[{"resource":${JSON.stringify({ attributes: toKeyValues(meta.resource), droppedAttributesCount: 0 })},"scopeSpans":[{"scope":${JSON.stringify({ name: meta.scope.name, version: meta.scope.version })},"spans":[`;
  return (spans) => {
    // join() writes one flat string; appending to one string would build a rope thousands of
    // pieces deep that every later reader (byteLength, the write) must flatten first.
    const parts = new Array<string>(spans.length);
    for (let i = 0; i < spans.length; i++) parts[i] = spanJson(spans[i] as ReadableSpan);
    return `${head}${parts.join(',')}]}]}]}`;
  };
}

/**
 * The same request as {@link traceRequestEncoder}, written straight into a buffer and ended with
 * a newline: the file store's line. Writing each span's JSON into one buffer costs less than
 * half of building one large string and converting it (measured in bench/span.mjs), because a
 * string of half a megabyte is allocated, flattened and encoded again as a whole.
 */
export function traceLineEncoder(meta: ExportMeta): (spans: ReadableSpan[]) => Buffer {
  const encode = traceRequestEncoder(meta);
  const head = encode([]);
  const open = head.slice(0, head.length - ']}]}]}'.length);
  let sizeHint = 64 * 1024;
  return (spans) => {
    let buf = Buffer.allocUnsafe(sizeHint);
    let off = buf.write(open, 0, 'latin1');
    const ensure = (n: number) => {
      if (off + n <= buf.length) return;
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + n));
      buf.copy(bigger, 0, 0, off);
      buf = bigger;
    };
    for (let i = 0; i < spans.length; i++) {
      const json = spanJson(spans[i] as ReadableSpan);
      // A UTF-8 character takes at most three bytes per UTF-16 code unit.
      ensure(json.length * 3 + 1);
      if (i > 0) buf[off++] = 0x2c; // ,
      off += buf.write(json, off, 'utf8');
    }
    ensure(8);
    off += buf.write(']}]}]}\n', off, 'latin1');
    sizeHint = Math.min(Math.max(sizeHint, off), 16 * 1024 * 1024);
    return buf.subarray(0, off);
  };
}
