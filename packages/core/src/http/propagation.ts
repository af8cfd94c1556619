import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { parseTracestate } from './tracestate.js';

export { parseTracestate } from './tracestate.js';

const HEX = /^[0-9a-f]+$/;
const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/**
 * Parses a W3C `traceparent` header (Trace Context level 1). Anything invalid returns
 * `undefined`, so the request starts a new trace; it never throws.
 */
export function parseTraceparent(header: string | undefined, tracestate?: string): SpanContext | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (value.length < 55) return undefined;
  const version = value.slice(0, 2);
  if (!HEX.test(version) || version === 'ff') return undefined;
  // Version 00 is exactly 55 characters; a later version may append fields after a dash.
  if (version === '00' ? value.length !== 55 : value.length > 55 && value[55] !== '-') return undefined;
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  const traceId = value.slice(3, 35);
  const spanId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (!HEX.test(traceId) || !HEX.test(spanId) || !HEX.test(flags)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const ctx: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  const state = parseTracestate(tracestate);
  if (state) ctx.traceState = state;
  return ctx;
}

/** Formats a span context as a version-00 `traceparent`. */
export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags & TraceFlags.SAMPLED}`;
}
