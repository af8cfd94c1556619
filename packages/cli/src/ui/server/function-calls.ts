import type { FunctionCallDto } from '../api-types.js';
import type { TelemetryStore } from './store.js';

/** One record of the `events` file format (`.tracekit/events.jsonl`), as far as the viewer reads it. */
export interface FlowRecord {
  event: string;
  timestamp: string;
  traceId: string;
  spanId: string;
  [field: string]: unknown;
}

const FUNCTION_RECORDS = new Set(['ENTER', 'EXIT', 'EXCEPTION']);

/** ENTER / EXIT / EXCEPTION records of `events.jsonl`, kept in a ring by the store's log bound. */
export class FunctionRecords {
  records: FunctionCallDto[] = [];
  constructor(private readonly max = 50_000) {}

  add(rec: FlowRecord): void {
    if (!FUNCTION_RECORDS.has(rec.event)) return;
    const fn = rec['function'] ?? rec['name'];
    this.records.push({
      kind: rec.event, time: Date.parse(rec.timestamp) || 0, function: typeof fn === 'string' ? fn : '', traceId: String(rec.traceId ?? ''), spanId: String(rec.spanId ?? ''),
      ...(typeof rec['durationMillis'] === 'number' ? { duration: rec['durationMillis'] } : {}),
      ...(typeof rec['file'] === 'string' ? { file: rec['file'] } : {}),
      ...(typeof rec['line'] === 'number' ? { line: rec['line'] } : {}),
      ...(typeof rec['errorType'] === 'string' ? { error: rec['errorType'] } : typeof rec['exceptionType'] === 'string' ? { error: rec['exceptionType'] } : {}),
    });
    if (this.records.length > this.max) this.records = this.records.slice(this.records.length - this.max);
  }
}

/**
 * Function calls, newest first, at most `limit`: INTERNAL spans with `code.function.name`
 * (from `trace()`, `@Trace()` or `tracekit run`), and ENTER / EXIT / EXCEPTION records.
 */
export function functionCalls(store: TelemetryStore, records: FunctionRecords, limit = 1000): FunctionCallDto[] {
  const out: FunctionCallDto[] = [];
  for (const trace of store.traces.values()) {
    for (const s of trace.spans.values()) {
      const fn = s.attributes['code.function.name'];
      if (s.kind !== 1 || typeof fn !== 'string') continue;
      const file = s.attributes['code.filepath'] ?? s.attributes['code.file.path'];
      const line = s.attributes['code.lineno'] ?? s.attributes['code.line.number'];
      out.push({
        kind: 'span', time: s.start, duration: s.duration, function: fn, traceId: s.traceId, spanId: s.spanId,
        ...(typeof file === 'string' ? { file } : {}), ...(typeof line === 'number' ? { line } : {}),
        ...(s.status.code === 2 ? { error: s.status.message ?? 'error' } : {}),
      });
    }
  }
  for (const r of records.records) out.push(r);
  return out.sort((a, b) => b.time - a.time).slice(0, limit);
}
