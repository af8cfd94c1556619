import type { AttrValue, Attrs, LogDto, SpanDto } from '../api-types.js';
import type { AnyValue, ExportLogsRequest, ExportTraceRequest, KeyValue } from '../otlp-json.js';

/** An AnyValue as a plain value; 64-bit integers beyond 2^53 stay decimal strings. */
export function plainValue(v: AnyValue | undefined): AttrValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) {
    if (typeof v.intValue === 'number') return v.intValue;
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : v.intValue;
  }
  if (v.doubleValue !== undefined) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plainValue);
  if (v.kvlistValue) return plainAttrs(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function plainAttrs(kvs: KeyValue[] | undefined): Attrs {
  const out: Attrs = {};
  if (!kvs) return out;
  for (const kv of kvs) if (typeof kv.key === 'string') out[kv.key] = plainValue(kv.value);
  return out;
}

/** Epoch nanoseconds (a decimal string or a number) as epoch milliseconds. */
export function nanosToMs(ns: string | number | undefined): number {
  if (ns === undefined) return 0;
  const n = typeof ns === 'number' ? ns : Number(ns);
  return Number.isFinite(n) ? n / 1e6 : 0;
}

/**
 * `end - start` of two epoch-nanosecond values in ms, exact to the nanosecond: subtracting the
 * two as doubles (about 1.8e18) would be off by up to 256 ns.
 */
export function nanosDiffMs(start: string | number | undefined, end: string | number | undefined): number {
  if (typeof start === 'string' && typeof end === 'string' && start.length > 6 && end.length > 6) {
    const d = Number(end.slice(0, -6)) - Number(start.slice(0, -6)) + (Number(end.slice(-6)) - Number(start.slice(-6))) / 1e6;
    if (Number.isFinite(d)) return Math.max(0, d);
  }
  return Math.max(0, nanosToMs(end) - nanosToMs(start));
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);

/** Normalizes a hex ID (any case); undefined when it is not one (OTLP/JSON IDs are hex). */
function hexId(id: unknown, re: RegExp): string | undefined {
  if (typeof id !== 'string') return undefined;
  const lower = id.toLowerCase();
  return re.test(lower) ? lower : undefined;
}

/** Spans of a request, and how many were rejected (invalid trace or span ID) with the first reason. */
export interface NormalizedSpans {
  spans: SpanDto[];
  rejected: number;
  reason?: string;
}

/**
 * The spans of an OTLP/JSON (or decoded protobuf) `ExportTraceServiceRequest` as {@link SpanDto}s,
 * one resource attributes object shared by the spans of a resource. A span without a valid trace
 * or span ID is rejected and counted (the receiver reports it as a partial success).
 */
export function normalizeTraces(req: ExportTraceRequest): NormalizedSpans {
  const out: NormalizedSpans = { spans: [], rejected: 0 };
  if (!req || typeof req !== 'object' || !Array.isArray(req.resourceSpans ?? [])) throw new TypeError('resourceSpans is not a list');
  for (const rs of req.resourceSpans ?? []) {
    const resource = plainAttrs(rs?.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const ss of rs?.scopeSpans ?? []) {
      const scope = ss?.scope?.name ? `${ss.scope.name}${ss.scope.version ? `@${ss.scope.version}` : ''}` : '';
      for (const s of ss?.spans ?? []) {
        const traceId = hexId(s?.traceId, TRACE_ID);
        const spanId = hexId(s?.spanId, SPAN_ID);
        if (!traceId || traceId === ZERO_TRACE || !spanId) {
          out.rejected++;
          out.reason ??= `span "${String(s?.name ?? '')}" has an invalid trace or span ID`;
          continue;
        }
        const start = nanosToMs(s.startTimeUnixNano);
        const duration = nanosDiffMs(s.startTimeUnixNano, s.endTimeUnixNano);
        const end = start + duration;
        out.spans.push({
          traceId,
          spanId,
          parentSpanId: hexId(s.parentSpanId, SPAN_ID) ?? '',
          name: typeof s.name === 'string' ? s.name : '',
          kind: typeof s.kind === 'number' ? s.kind : Number(s.kind ?? 0) || 0,
          start,
          end,
          duration,
          attributes: plainAttrs(s.attributes),
          events: (s.events ?? []).map((e) => ({ time: nanosToMs(e.timeUnixNano), name: String(e.name ?? ''), attributes: plainAttrs(e.attributes) })),
          links: (s.links ?? []).map((l) => ({ traceId: String(l.traceId ?? ''), spanId: String(l.spanId ?? ''), attributes: plainAttrs(l.attributes) })),
          status: { code: Number(s.status?.code ?? 0) || 0, ...(s.status?.message ? { message: String(s.status.message) } : {}) },
          service,
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

const SEVERITY = ['', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL'];

/** The log records of an `ExportLogsServiceRequest`; `event.name` in the attributes counts as the event name too. */
export function normalizeLogs(req: ExportLogsRequest): LogDto[] {
  if (!req || typeof req !== 'object' || !Array.isArray(req.resourceLogs ?? [])) throw new TypeError('resourceLogs is not a list');
  const out: LogDto[] = [];
  for (const rl of req.resourceLogs ?? []) {
    const resource = plainAttrs(rl?.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const sl of rl?.scopeLogs ?? []) {
      for (const l of sl?.logRecords ?? []) {
        if (!l || typeof l !== 'object') continue;
        const attributes = plainAttrs(l.attributes);
        const eventName = l.eventName || (typeof attributes['event.name'] === 'string' ? attributes['event.name'] : '');
        out.push({
          time: nanosToMs(l.timeUnixNano) || nanosToMs(l.observedTimeUnixNano),
          severity: l.severityText || SEVERITY[l.severityNumber ?? 0] || '',
          body: plainValue(l.body),
          eventName,
          attributes,
          traceId: hexId(l.traceId, TRACE_ID) ?? '',
          spanId: hexId(l.spanId, SPAN_ID) ?? '',
          service: typeof attributes['service.name'] === 'string' ? attributes['service.name'] : service,
        });
      }
    }
  }
  return out;
}
