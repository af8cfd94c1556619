import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { JsonlFile, type JsonlFileOptions } from './file-exporter.js';
import type { ExportMeta, ReadableSpan, SpanExporter } from './types.js';

/** The kinds of record in the `events` format. */
export type FlowEventName = 'HTTP_REQUEST' | 'HTTP_RESPONSE' | 'ENTER' | 'EXIT' | 'EXCEPTION';

/**
 * One flat record of the `events` format. Every record has `event`, `timestamp` (ISO 8601,
 * UTC), `traceId` and `spanId`; the rest depends on the kind.
 */
export interface FlowEvent {
  event: FlowEventName;
  timestamp: string;
  traceId: string;
  spanId: string;
  [field: string]: string | number | boolean | undefined;
}

const STATUS = ['UNSET', 'OK', 'ERROR'] as const;
// At the same instant a span's start sorts before its exceptions, and those before its end.
const ORDER: Record<FlowEventName, number> = { HTTP_REQUEST: 0, ENTER: 0, EXCEPTION: 1, EXIT: 2, HTTP_RESPONSE: 2 };

const str = (v: AttributeValue | undefined): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v));

/** Microseconds, rounded, and milliseconds with three decimals, of a span's duration. */
function durations(span: ReadableSpan): { durationMicros: number; durationMillis: number } {
  const ms = span.endTime - span.startTime;
  return { durationMicros: Math.round(ms * 1000), durationMillis: Math.round(ms * 1000) / 1000 };
}

/**
 * The records of a batch of finished spans, in time order: a SERVER span becomes
 * `HTTP_REQUEST` and `HTTP_RESPONSE`, any other span `ENTER` and `EXIT`, and each recorded
 * exception an `EXCEPTION`. Records of one request that end up in different batches are each
 * in order within their batch.
 */
export function toFlowEvents(spans: readonly ReadableSpan[], serviceName?: string): FlowEvent[] {
  const timed: Array<{ at: number; rec: FlowEvent }> = [];
  for (const span of spans) {
    const a = span.attributes;
    const ids = { traceId: span.traceId, spanId: span.spanId };
    const requestId = span.request?.requestId ?? str(a['tracekit.request_id']);
    const status = STATUS[span.status.code] ?? 'UNSET';
    if (span.kind === SpanKind.SERVER) {
      timed.push({
        at: span.startTime,
        rec: {
          event: 'HTTP_REQUEST', timestamp: '', ...ids, parentSpanId: span.parentSpanId, requestId, service: serviceName, name: span.name,
          method: str(a['http.request.method']), path: str(a['url.path']), query: str(a['url.query']), route: str(a['http.route']),
        },
      });
      timed.push({
        at: span.endTime,
        rec: {
          event: 'HTTP_RESPONSE', timestamp: '', ...ids, requestId, name: span.name, method: str(a['http.request.method']), route: str(a['http.route']),
          statusCode: typeof a['http.response.status_code'] === 'number' ? a['http.response.status_code'] : undefined, ...durations(span), status, errorType: str(a['error.type']),
        },
      });
    } else {
      timed.push({
        at: span.startTime,
        rec: { event: 'ENTER', timestamp: '', ...ids, parentSpanId: span.parentSpanId, requestId, name: span.name, kind: SpanKind[span.kind], function: str(a['code.function.name']) },
      });
      timed.push({
        at: span.endTime,
        rec: {
          event: 'EXIT', timestamp: '', ...ids, requestId, name: span.name, ...durations(span), status,
          statusCode: typeof a['http.response.status_code'] === 'number' ? a['http.response.status_code'] : undefined,
        },
      });
    }
    for (const e of span.events ?? []) {
      if (e.name !== 'exception') continue;
      const ea = e.attributes ?? {};
      timed.push({
        at: e.time,
        rec: {
          event: 'EXCEPTION', timestamp: '', ...ids, requestId, type: str(ea['exception.type']), message: str(ea['exception.message']),
          stacktrace: str(ea['exception.stacktrace']), fingerprint: str(a['tracekit.error.fingerprint']), status: span.status.code === SpanStatusCode.ERROR ? 'ERROR' : status,
        },
      });
    }
  }
  timed.sort((x, y) => x.at - y.at || ORDER[x.rec.event] - ORDER[y.rec.event]);
  return timed.map(({ at, rec }) => {
    rec.timestamp = new Date(at).toISOString();
    return rec;
  });
}

/**
 * The `events` file format (`fileFormat: 'events'`, `TRACEKIT_FILE_FORMAT=events`): one flat
 * FlowTrace-style JSON record per line in `.tracekit/events.jsonl`, for grep, jq and log tools
 * rather than trace viewers.
 *
 * @example
 * {"event":"HTTP_RESPONSE","timestamp":"2026-01-05T10:00:00.012Z","traceId":"…","spanId":"…","statusCode":200,"durationMicros":11873,"durationMillis":11.873,…}
 */
export class EventsFileExporter implements SpanExporter {
  private readonly out: JsonlFile;
  private readonly service: string | undefined;

  constructor(file: string, options: JsonlFileOptions, meta: ExportMeta) {
    this.out = new JsonlFile(file, options);
    const name = meta.resource['service.name'];
    this.service = typeof name === 'string' ? name : undefined;
  }

  get file(): string {
    return this.out.file;
  }

  private lines(spans: ReadableSpan[]): string {
    let text = '';
    for (const rec of toFlowEvents(spans, this.service)) text += JSON.stringify(rec) + '\n';
    return text;
  }

  export(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    return this.out.append(this.lines(spans));
  }

  exportSync(spans: ReadableSpan[]): void {
    if (spans.length === 0) return;
    this.out.appendSync(this.lines(spans));
  }

  shutdown(): Promise<void> {
    return this.out.idle();
  }
}
