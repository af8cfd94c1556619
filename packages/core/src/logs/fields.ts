import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { requestOf } from '../context/context.js';

/** The fields a correlated log record carries (OpenTelemetry's log-correlation names). */
export interface TraceFields {
  trace_id: string;
  span_id: string;
  /** `01` when the trace is sampled (recorded and exported), `00` when it is not. */
  trace_flags: string;
  /** The request's ID (`x-request-id`), inside a traced request. */
  request_id?: string;
}

/**
 * The trace fields of the current async context: the active span (the innermost one, e.g. a
 * route handler's span) and the request it belongs to. `undefined` outside any span. Never throws.
 */
export function currentTraceFields(): TraceFields | undefined {
  try {
    const ctx = context.active();
    const span = trace.getSpan(ctx);
    if (!span) return undefined;
    const sc = span.spanContext();
    if (!isSpanContextValid(sc)) return undefined;
    const fields: TraceFields = { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: (sc.traceFlags & 1) === 1 ? '01' : '00' };
    const request = requestOf(ctx);
    if (request) fields.request_id = request.requestId;
    return fields;
  } catch {
    return undefined;
  }
}
