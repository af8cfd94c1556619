import { SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import type { CallRecord } from './call-record.js';
import { errorMessage } from '../errors/exception.js';

/** At most this many function spans a flush (about 5 a second each): a throw through 10,000 frames stays a handful of spans. */
export const MAX_SPANS_PER_FLUSH = 200;

/** What a function span needs from the client. */
export interface SpanTools {
  tracer: Tracer;
  recordError(span: import('@opentelemetry/api').Span, err: unknown): void;
}

/**
 * Turns a slow or throwing call into an INTERNAL span under the span it ran in, with its real
 * start and end: `code.function.name`, `code.filepath`, `code.lineno` (the original source
 * line), the previews when the call had them, and for a throw the exception (recorded as by
 * `recordException`) and an error status. The span is made at flush time, off the request path.
 */
export function emitFunctionSpan(call: CallRecord, tools: SpanTools, redact: (text: string) => string): boolean {
  // Only under a span: a call outside any request or span is counted, not made a trace of its own.
  if (!call.context || trace.getSpan(call.context) === undefined) return false;
  const attributes: Attributes = { 'code.function.name': call.name, 'code.filepath': call.path, 'code.lineno': call.line };
  const p = call.previews;
  if (p?.args !== undefined) attributes['tracekit.function.args'] = redact(p.args);
  if (p?.result !== undefined) attributes['tracekit.function.result'] = redact(p.result);
  const span = tools.tracer.startSpan(call.name, { kind: SpanKind.INTERNAL, startTime: call.start, attributes }, call.context);
  if (call.threw) {
    tools.recordError(span, call.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(call.error) });
  }
  span.end(call.end);
  return true;
}
