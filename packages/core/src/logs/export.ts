import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { runningClient as getClient } from '../current-client.js';
import type { LogRecordData } from '../export/log-types.js';
import type { TraceFields } from './fields.js';

/** The OTLP `event_name` of correlated application log records. */
export const APP_LOG_EVENT = 'tracekit.log';

/** OpenTelemetry severity numbers by level name (pino, winston and console names). */
const SEVERITY: Record<string, number> = {
  trace: 1, silly: 1, verbose: 3, debug: 5, http: 7, info: 9, log: 9, notice: 10, warn: 13, warning: 13, error: 17, crit: 19, alert: 20, fatal: 21, emerg: 22,
};

/** A pino level number (10 trace … 60 fatal) as an OpenTelemetry severity number. */
export function pinoSeverity(level: number): { number: number; text: string } {
  if (level >= 60) return { number: 21, text: 'fatal' };
  if (level >= 50) return { number: 17, text: 'error' };
  if (level >= 40) return { number: 13, text: 'warn' };
  if (level >= 30) return { number: 9, text: 'info' };
  if (level >= 20) return { number: 5, text: 'debug' };
  return { number: 1, text: 'trace' };
}

/** A level name as an OpenTelemetry severity number (9, info, for unknown names). */
export function namedSeverity(level: string): number {
  return SEVERITY[level.toLowerCase()] ?? 9;
}

/** Whether `logs.export` is on for the current client. */
export function exportEnabled(): boolean {
  const client = getClient();
  return client !== undefined && client.config.enabled && client.config.logs.export;
}

const MAX_ATTRIBUTES = 64;

/** Flattens a log record's own fields into OTLP attributes (primitives and primitive arrays; objects as JSON). */
export function logAttributes(fields: Record<string, unknown> | undefined, skip: ReadonlySet<string>): Attributes {
  const out: Attributes = {};
  if (!fields) return out;
  let n = 0;
  for (const key of Object.keys(fields)) {
    if (skip.has(key) || n >= MAX_ATTRIBUTES) continue;
    const v = fields[key];
    let value: AttributeValue | undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') value = v;
    else if (v instanceof Error) value = `${v.name}: ${v.message}`;
    else if (v !== undefined && v !== null && typeof v !== 'function' && typeof v !== 'symbol') {
      try {
        value = JSON.stringify(v);
      } catch {
        value = undefined;
      }
    }
    if (value !== undefined) {
      out[key] = value;
      n++;
    }
  }
  return out;
}

/**
 * Queues a correlated application log record on the client's log pipeline (redaction, then the
 * file store or `/v1/logs`), linked to the span by its trace and span IDs. Never throws.
 */
export function exportLogRecord(source: string, severityNumber: number, severityText: string, body: string, attributes: Attributes, fields: TraceFields | undefined): void {
  try {
    const client = getClient();
    if (!client) return;
    const record: LogRecordData = {
      time: Date.now(),
      eventName: APP_LOG_EVENT,
      severityNumber,
      severityText,
      body,
      attributes: { ...attributes, 'log.source': source, ...(fields?.request_id ? { 'tracekit.request_id': fields.request_id } : {}) },
    };
    if (fields) {
      record.traceId = fields.trace_id;
      record.spanId = fields.span_id;
    }
    client.emitLog(record);
  } catch {
    // logging must never fail because of TraceKit
  }
}
