import type { ExportLogsRequest, ExportTraceRequest, KeyValue } from '../src/ui/otlp-json.js';

/** Attributes in OTLP/JSON form. */
export function kvs(attrs: Record<string, string | number | boolean>): KeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));
}

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parent?: string;
  name: string;
  kind?: number;
  /** ms after the base time. */
  at?: number;
  ms?: number;
  attrs?: Record<string, string | number | boolean>;
  error?: boolean;
  exception?: { type: string; message: string; fingerprint?: string; frames?: unknown[] };
}

const BASE = 1_800_000_000_000;

/** An OTLP/JSON trace export request with the given spans of one service. */
export function traceRequest(service: string, specs: SpanSpec[], base = BASE): ExportTraceRequest {
  const ns = (ms: number) => String(BigInt(base) * 1_000_000n + BigInt(Math.round((ms - base) * 1e6)));
  return {
    resourceSpans: [{
      resource: { attributes: kvs({ 'service.name': service }) },
      scopeSpans: [{
        scope: { name: 'test', version: '1' },
        spans: specs.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parent ?? '', name: s.name, kind: s.kind ?? 1,
          startTimeUnixNano: ns(base + (s.at ?? 0)), endTimeUnixNano: ns(base + (s.at ?? 0) + (s.ms ?? 1)),
          attributes: kvs(s.attrs ?? {}),
          events: s.exception
            ? [{ timeUnixNano: ns(base + (s.at ?? 0)), name: 'exception', attributes: kvs({
                'exception.type': s.exception.type, 'exception.message': s.exception.message,
                ...(s.exception.fingerprint ? { 'tracekit.error.fingerprint': s.exception.fingerprint } : {}),
                ...(s.exception.frames ? { 'tracekit.error.frames': JSON.stringify(s.exception.frames) } : {}),
              }) }]
            : [],
          status: { code: s.error || s.exception ? 2 : 0 },
        })),
      }],
    }],
  };
}

/** An OTLP/JSON logs export request. */
export function logsRequest(service: string, records: Array<{ eventName?: string; body?: string; attrs?: Record<string, string | number | boolean>; traceId?: string; at?: number }>): ExportLogsRequest {
  return {
    resourceLogs: [{
      resource: { attributes: kvs({ 'service.name': service }) },
      scopeLogs: [{ logRecords: records.map((r) => ({ timeUnixNano: String(BigInt((BASE + (r.at ?? 0)) * 1e6)), eventName: r.eventName ?? '', body: { stringValue: r.body ?? '' }, attributes: kvs(r.attrs ?? {}), traceId: r.traceId ?? '' })) }],
    }],
  };
}

export const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const tid = (n: number) => hex(n + 1, 32);
export const sid = (n: number) => hex(n + 1, 16);
