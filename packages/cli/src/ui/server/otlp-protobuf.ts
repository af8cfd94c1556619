import type {
  AnyValue, ExportLogsRequest, ExportMetricsRequest, ExportTraceRequest, HistogramDataPoint, KeyValue, NumberDataPoint,
  OtlpEvent, OtlpLink, OtlpLogRecord, OtlpMetric, OtlpSpan, Resource, Scope,
} from '../otlp-json.js';
import { ProtobufError, ProtobufReader } from './protobuf-reader.js';

/*
 * Decoders of the OTLP export requests (opentelemetry-proto v1: collector/{trace,logs,metrics}
 * service requests) straight into their OTLP/JSON shapes, so the receiver, the store and the
 * index handle one form. Field numbers are those of the .proto files; a field with an unexpected
 * wire type is skipped like an unknown one, as protobuf parsers do for forward compatibility.
 * Hand-written rather than protobufjs: it decodes straight into the OTLP/JSON shape the store
 * writes, with no generated code or descriptor to keep in step with the .proto files, and it
 * measured as fast or faster than protobufjs's generated decoder plus its conversion to plain
 * objects (bench/viewer-load.mjs; numbers in docs/viewer.md). A test checks it field by field
 * against that decoder.
 */

const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;

type Fields<T> = (r: ProtobufReader, out: T, num: number, wt: number) => boolean;

function decode<T>(r: ProtobufReader, out: T, fields: Fields<T>): T {
  r.fields((num, wt) => {
    if (!fields(r, out, num, wt)) r.skip(wt);
  });
  return out;
}

/**
 * Attributes are most of a span's bytes, so KeyValue and AnyValue are read in place, in the
 * parent's reader up to `end`, without a sub-reader or a callback per field.
 */
function anyValueAt(r: ProtobufReader, end: number): AnyValue {
  const v: AnyValue = {};
  while (r.pos < end) {
    const tag = r.varint();
    const num = Math.floor(tag / 8);
    const wt = tag & 7;
    if (num === 1 && wt === LEN) v.stringValue = r.string();
    else if (num === 3 && wt === VARINT) v.intValue = r.int64();
    else if (num === 2 && wt === VARINT) v.boolValue = r.varint() !== 0;
    else if (num === 4 && wt === I64) v.doubleValue = r.double();
    else if (num === 5 && wt === LEN) v.arrayValue = decode<{ values: AnyValue[] }>(r.message(), { values: [] }, (r, a, n, w) => n === 1 && w === LEN && a.values.push(anyValue(r.message())) > 0);
    else if (num === 6 && wt === LEN) v.kvlistValue = decode<{ values: KeyValue[] }>(r.message(), { values: [] }, (r, a, n, w) => n === 1 && w === LEN && a.values.push(keyValueAt(r, r.lengthEnd())) > 0);
    else if (num === 7 && wt === LEN) v.bytesValue = r.base64();
    else if (num === 0) throw new ProtobufError('field number 0');
    else r.skip(wt);
  }
  if (r.pos !== end) throw new ProtobufError('message overran its length');
  return v;
}

function anyValue(r: ProtobufReader): AnyValue {
  return anyValueAt(r, r.end);
}

function keyValueAt(r: ProtobufReader, end: number): KeyValue {
  const kv: KeyValue = { key: '' };
  while (r.pos < end) {
    const tag = r.varint();
    const num = Math.floor(tag / 8);
    const wt = tag & 7;
    if (num === 1 && wt === LEN) kv.key = r.string();
    else if (num === 2 && wt === LEN) kv.value = anyValueAt(r, r.lengthEnd());
    else if (num === 0) throw new ProtobufError('field number 0');
    else r.skip(wt);
  }
  if (r.pos !== end) throw new ProtobufError('message overran its length');
  return kv;
}

/** Pushes a KeyValue when the field is one; for the many messages whose attributes are a repeated KeyValue. */
function attribute(r: ProtobufReader, list: KeyValue[], wt: number): boolean {
  if (wt !== LEN) return false;
  list.push(keyValueAt(r, r.lengthEnd()));
  return true;
}

function resource(r: ProtobufReader): Resource {
  return decode<Resource>(r, { attributes: [] }, (r, res, num, wt) => {
    if (num === 1) return attribute(r, res.attributes!, wt);
    if (num === 2 && wt === VARINT) res.droppedAttributesCount = r.varint();
    else return false;
    return true;
  });
}

function scope(r: ProtobufReader): Scope {
  return decode<Scope>(r, {}, (r, s, num, wt) => {
    if (num === 1 && wt === LEN) s.name = r.string();
    else if (num === 2 && wt === LEN) s.version = r.string();
    else if (num === 3) return attribute(r, (s.attributes ??= []), wt);
    else return false;
    return true;
  });
}

function event(r: ProtobufReader): OtlpEvent {
  return decode<OtlpEvent>(r, { attributes: [] }, (r, e, num, wt) => {
    if (num === 1 && wt === I64) e.timeUnixNano = r.fixed64String();
    else if (num === 2 && wt === LEN) e.name = r.string();
    else if (num === 3) return attribute(r, e.attributes!, wt);
    else return false;
    return true;
  });
}

function link(r: ProtobufReader): OtlpLink {
  return decode<OtlpLink>(r, { attributes: [] }, (r, l, num, wt) => {
    if (num === 1 && wt === LEN) l.traceId = r.hex();
    else if (num === 2 && wt === LEN) l.spanId = r.hex();
    else if (num === 3 && wt === LEN) l.traceState = r.string();
    else if (num === 4) return attribute(r, l.attributes!, wt);
    else return false;
    return true;
  });
}

function status(r: ProtobufReader): { code?: number; message?: string } {
  return decode<{ code?: number; message?: string }>(r, {}, (r, st, n, w) => {
    if (n === 2 && w === LEN) st.message = r.string();
    else if (n === 3 && w === VARINT) st.code = r.varint();
    else return false;
    return true;
  });
}

/** A span, read in a plain loop: the message decoded most often. */
function span(r: ProtobufReader): OtlpSpan {
  const s: OtlpSpan = { attributes: [], events: [], links: [] };
  const end = r.end;
  while (r.pos < end) {
    const tag = r.varint();
    const num = Math.floor(tag / 8);
    const wt = tag & 7;
    if (num === 9 && wt === LEN) s.attributes!.push(keyValueAt(r, r.lengthEnd()));
    else if (num === 1 && wt === LEN) s.traceId = r.hex();
    else if (num === 2 && wt === LEN) s.spanId = r.hex();
    else if (num === 4 && wt === LEN) s.parentSpanId = r.hex();
    else if (num === 5 && wt === LEN) s.name = r.string();
    else if (num === 6 && wt === VARINT) s.kind = r.varint();
    else if (num === 7 && wt === I64) s.startTimeUnixNano = r.fixed64String();
    else if (num === 8 && wt === I64) s.endTimeUnixNano = r.fixed64String();
    else if (num === 11 && wt === LEN) s.events!.push(event(r.message()));
    else if (num === 13 && wt === LEN) s.links!.push(link(r.message()));
    else if (num === 15 && wt === LEN) s.status = status(r.message());
    else if (num === 3 && wt === LEN) s.traceState = r.string();
    else if (num === 10 && wt === VARINT) s.droppedAttributesCount = r.varint();
    else if (num === 16 && wt === I32) s.flags = r.fixed32();
    else if (num === 0) throw new ProtobufError('field number 0');
    else r.skip(wt);
  }
  if (r.pos !== end) throw new ProtobufError('message overran its length');
  return s;
}

/**
 * The three layers every signal shares: `Resource{Signal}` { resource = 1, scope_{signal} = 2 }
 * and `Scope{Signal}` { scope = 1, items = 2 }, with schema_url = 3 in both.
 */
function layered<I>(r: ProtobufReader, item: (r: ProtobufReader) => I) {
  const resources: Array<{ resource: Resource; scopes: Array<{ scope?: Scope; items: I[]; schemaUrl?: string }>; schemaUrl?: string }> = [];
  r.fields((num, wt) => {
    if (num !== 1 || wt !== LEN) return r.skip(wt);
    const rr = r.message();
    const entry: (typeof resources)[number] = { resource: {}, scopes: [] };
    rr.fields((n, w) => {
      if (n === 1 && w === LEN) entry.resource = resource(rr.message());
      else if (n === 3 && w === LEN) entry.schemaUrl = rr.string();
      else if (n === 2 && w === LEN) {
        const sr = rr.message();
        const s: (typeof entry.scopes)[number] = { items: [] };
        sr.fields((n2, w2) => {
          if (n2 === 1 && w2 === LEN) s.scope = scope(sr.message());
          else if (n2 === 2 && w2 === LEN) s.items.push(item(sr.message()));
          else if (n2 === 3 && w2 === LEN) s.schemaUrl = sr.string();
          else sr.skip(w2);
        });
        entry.scopes.push(s);
      } else rr.skip(w);
    });
    resources.push(entry);
  });
  return resources;
}

function logRecord(r: ProtobufReader): OtlpLogRecord {
  return decode<OtlpLogRecord>(r, { attributes: [] }, (r, l, num, wt) => {
    switch (num) {
      case 1: if (wt !== I64) return false; l.timeUnixNano = r.fixed64String(); return true;
      case 11: if (wt !== I64) return false; l.observedTimeUnixNano = r.fixed64String(); return true;
      case 2: if (wt !== VARINT) return false; l.severityNumber = r.varint(); return true;
      case 3: if (wt !== LEN) return false; l.severityText = r.string(); return true;
      case 5: if (wt !== LEN) return false; l.body = anyValue(r.message()); return true;
      case 6: return attribute(r, l.attributes!, wt);
      case 8: if (wt !== I32) return false; l.flags = r.fixed32(); return true;
      case 9: if (wt !== LEN) return false; l.traceId = r.hex(); return true;
      case 10: if (wt !== LEN) return false; l.spanId = r.hex(); return true;
      case 12: if (wt !== LEN) return false; l.eventName = r.string(); return true;
      default: return false;
    }
  });
}

function numberPoint(r: ProtobufReader): NumberDataPoint {
  return decode<NumberDataPoint>(r, { attributes: [] }, (r, p, num, wt) => {
    if (num === 7) return attribute(r, p.attributes!, wt);
    if (num === 2 && wt === I64) p.startTimeUnixNano = r.fixed64String();
    else if (num === 3 && wt === I64) p.timeUnixNano = r.fixed64String();
    else if (num === 4 && wt === I64) p.asDouble = r.double();
    else if (num === 6 && wt === I64) p.asInt = r.sfixed64();
    else return false;
    return true;
  });
}

function histogramPoint(r: ProtobufReader): HistogramDataPoint {
  return decode<HistogramDataPoint>(r, { attributes: [], bucketCounts: [], explicitBounds: [] }, (r, p, num, wt) => {
    switch (num) {
      case 9: return attribute(r, p.attributes!, wt);
      case 2: if (wt !== I64) return false; p.startTimeUnixNano = r.fixed64String(); return true;
      case 3: if (wt !== I64) return false; p.timeUnixNano = r.fixed64String(); return true;
      case 4: if (wt !== I64) return false; p.count = r.fixed64Number(); return true;
      case 5: if (wt !== I64) return false; p.sum = r.double(); return true;
      case 6: r.packed(wt, () => r.fixed64Number(), p.bucketCounts as number[]); return true;
      case 7: r.packed(wt, () => r.double(), p.explicitBounds!); return true;
      case 11: if (wt !== I64) return false; p.min = r.double(); return true;
      case 12: if (wt !== I64) return false; p.max = r.double(); return true;
      default: return false;
    }
  });
}

function points<P>(r: ProtobufReader, point: (r: ProtobufReader) => P) {
  return decode<{ dataPoints: P[]; aggregationTemporality?: number; isMonotonic?: boolean }>(r, { dataPoints: [] }, (r, m, num, wt) => {
    if (num === 1 && wt === LEN) m.dataPoints.push(point(r.message()));
    else if (num === 2 && wt === VARINT) m.aggregationTemporality = r.varint();
    else if (num === 3 && wt === VARINT) m.isMonotonic = r.varint() !== 0;
    else return false;
    return true;
  });
}

function metric(r: ProtobufReader): OtlpMetric {
  return decode<OtlpMetric>(r, {}, (r, m, num, wt) => {
    if (wt !== LEN) return false;
    switch (num) {
      case 1: m.name = r.string(); return true;
      case 2: m.description = r.string(); return true;
      case 3: m.unit = r.string(); return true;
      case 5: m.gauge = points(r.message(), numberPoint); return true;
      case 7: m.sum = points(r.message(), numberPoint); return true;
      case 9: m.histogram = points(r.message(), histogramPoint); return true;
      // Not charted: only their presence is kept.
      case 10: r.skip(wt); m.exponentialHistogram = { dataPoints: [] }; return true;
      case 11: r.skip(wt); m.summary = { dataPoints: [] }; return true;
      default: return false;
    }
  });
}

/** Decodes an `ExportTraceServiceRequest`. Throws {@link ProtobufError} when malformed. */
export function decodeTraceRequest(body: Buffer): ExportTraceRequest {
  return {
    resourceSpans: layered(new ProtobufReader(body), span).map((e) => ({
      resource: e.resource, schemaUrl: e.schemaUrl, scopeSpans: e.scopes.map((s) => ({ scope: s.scope, spans: s.items, schemaUrl: s.schemaUrl })),
    })),
  };
}

/** Decodes an `ExportLogsServiceRequest`. Throws {@link ProtobufError} when malformed. */
export function decodeLogsRequest(body: Buffer): ExportLogsRequest {
  return {
    resourceLogs: layered(new ProtobufReader(body), logRecord).map((e) => ({
      resource: e.resource, schemaUrl: e.schemaUrl, scopeLogs: e.scopes.map((s) => ({ scope: s.scope, logRecords: s.items, schemaUrl: s.schemaUrl })),
    })),
  };
}

/** Decodes an `ExportMetricsServiceRequest`. Throws {@link ProtobufError} when malformed. */
export function decodeMetricsRequest(body: Buffer): ExportMetricsRequest {
  return {
    resourceMetrics: layered(new ProtobufReader(body), metric).map((e) => ({
      resource: e.resource, schemaUrl: e.schemaUrl, scopeMetrics: e.scopes.map((s) => ({ scope: s.scope, metrics: s.items, schemaUrl: s.schemaUrl })),
    })),
  };
}

export { ProtobufError };
