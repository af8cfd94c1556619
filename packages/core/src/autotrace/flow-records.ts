import { trace } from '@opentelemetry/api';
import { requestOf } from '../context/context.js';
import type { FlowEvent } from '../export/events-exporter.js';
import type { CallRecord } from './call-record.js';
import { errorPreview } from '../tracing/preview.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The FlowTrace-style records of one call, in the `events` format's shape (the same fields as
 * `toFlowEvents` writes for spans): `ENTER` with the argument preview, then `EXIT` with the
 * result preview and the duration in µs and ms, or `EXCEPTION` with the exception. `spanId` is
 * the span the call ran under (the request's, or a handler's); calls outside a request have no
 * trace or request fields. `redact` is applied to every preview.
 */
export function callFlowEvents(call: CallRecord, redact: (text: string) => string): FlowEvent[] {
  const span = call.context ? trace.getSpan(call.context) : undefined;
  const ids = span?.spanContext();
  const requestId = call.context ? requestOf(call.context)?.requestId : undefined;
  const base = { traceId: ids?.traceId, spanId: ids?.spanId, requestId, module: call.file, function: call.name, line: call.line } as unknown as FlowEvent;
  const micros = Math.round((call.end - call.start) * 1000);
  const durations = { durationMicros: micros, durationMillis: micros / 1000 };
  const p = call.previews;
  const enter: FlowEvent = { ...base, event: 'ENTER', timestamp: iso(call.start), args: p?.args === undefined ? undefined : redact(p.args) };
  // Records have their kind and time first, as the span records do.
  const ordered = (rec: FlowEvent): FlowEvent => Object.assign({ event: rec.event, timestamp: rec.timestamp }, rec);
  if (call.threw) {
    const err = call.error as { name?: unknown } | null;
    const type = err !== null && typeof err === 'object' && typeof err.name === 'string' ? err.name : typeof call.error;
    return [
      ordered(enter),
      ordered({ ...base, event: 'EXCEPTION', timestamp: iso(call.end), ...durations, type, exception: redact(p?.exception ?? errorPreview(call.error)), status: 'ERROR' }),
    ];
  }
  return [ordered(enter), ordered({ ...base, event: 'EXIT', timestamp: iso(call.end), ...durations, result: p?.result === undefined ? undefined : redact(p.result), status: 'OK' })];
}
