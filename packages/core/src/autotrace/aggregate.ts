import { trace } from '@opentelemetry/api';
import { SEVERITY, type LogRecordData } from '../export/log-types.js';
import type { CallRecord } from './call-record.js';

/** The log record's event name (`event_name` in OTLP) of a span's aggregated calls. */
export const FUNCTION_CALLS_EVENT = 'tracekit.function_calls';

interface Totals {
  name: string;
  file: string;
  line: number;
  count: number;
  total: number;
  max: number;
  errors: number;
  every: number;
}

/**
 * Adds up calls per span they ran under and per function: count, total and longest duration,
 * and errors. One {@link FUNCTION_CALLS_EVENT} log record per span and flush carries them,
 * with the span's trace and span IDs, so a trace viewer or a query finds them with the trace:
 * its body is a JSON array of `{ function, file, line, count, totalMs, maxMs, errors }` (and
 * `sampledOneIn` for a hot function that records one call in that many), the slowest in total first.
 */
export class CallAggregator {
  private readonly bySpan = new Map<string, { traceId?: string; spanId?: string; fns: Map<number, Totals> }>();

  // Calls of one request share its context object: the group of the last context is reused without a lookup.
  private lastContext: unknown;
  private lastGroup: { traceId?: string; spanId?: string; fns: Map<number, Totals> } | undefined;

  add(call: CallRecord): void {
    let group = call.context === this.lastContext ? this.lastGroup : undefined;
    if (!group) {
      const ids = call.context ? trace.getSpan(call.context)?.spanContext() : undefined;
      const key = ids ? `${ids.traceId}:${ids.spanId}` : '';
      group = this.bySpan.get(key);
      if (!group) {
        group = { traceId: ids?.traceId, spanId: ids?.spanId, fns: new Map() };
        this.bySpan.set(key, group);
      }
      this.lastContext = call.context;
      this.lastGroup = group;
    }
    const ms = call.end - call.start;
    const t = group.fns.get(call.id);
    if (t) {
      t.count++;
      t.total += ms;
      if (ms > t.max) t.max = ms;
      if (call.threw) t.errors++;
      t.every = call.every;
    } else {
      group.fns.set(call.id, { name: call.name, file: call.file, line: call.line, count: 1, total: ms, max: ms, errors: call.threw ? 1 : 0, every: call.every });
    }
  }

  /** The log records of everything added since the last call, and a fresh start. */
  drain(now: number): LogRecordData[] {
    const out: LogRecordData[] = [];
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    for (const group of this.bySpan.values()) {
      const fns = [...group.fns.values()].sort((a, b) => b.total - a.total);
      // A hot function's counts are of recorded calls: `sampledOneIn` says how many calls each stands for.
      const body = JSON.stringify(
        fns.map((f) => ({ function: f.name, file: f.file, line: f.line, count: f.count, totalMs: round(f.total), maxMs: round(f.max), errors: f.errors, ...(f.every > 1 ? { sampledOneIn: f.every } : {}) })),
      );
      let calls = 0;
      for (const f of fns) calls += f.count;
      const record: LogRecordData = {
        time: now,
        eventName: FUNCTION_CALLS_EVENT,
        severityNumber: SEVERITY.DEBUG,
        severityText: 'DEBUG',
        body,
        attributes: { 'tracekit.function_calls.count': calls, 'tracekit.function_calls.functions': fns.length },
      };
      if (group.traceId) record.traceId = group.traceId;
      if (group.spanId) record.spanId = group.spanId;
      out.push(record);
    }
    this.bySpan.clear();
    this.lastContext = undefined;
    this.lastGroup = undefined;
    return out;
  }
}
