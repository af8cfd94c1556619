import type { ExportLogsRequest, ExportMetricsRequest, ExportTraceRequest, Signal } from '../otlp-json.js';
import { FunctionRecords, type FlowRecord } from './function-calls.js';
import { normalizeMetrics } from './metrics.js';
import { normalizeLogs, normalizeTraces } from './normalize.js';
import type { TelemetryStore } from './store.js';
import type { StoreFileKind } from './store-files.js';
import type { StoreWriter } from './store-writer.js';

/** The answer to one export request: what was rejected, for the OTLP partial-success response. */
export interface IngestResult {
  accepted: number;
  rejected: number;
  reason?: string;
}

/**
 * The one way data enters the store: export requests from the receiver (then appended to the
 * store folder) and lines read from the store folder (already there, so not written again).
 */
export class Ingest {
  constructor(
    readonly store: TelemetryStore,
    readonly functionRecords: FunctionRecords = new FunctionRecords(),
    private readonly writer?: StoreWriter,
  ) {}

  /** Adds a decoded export request; throws TypeError when it is not shaped like one. */
  request(signal: Signal, req: unknown, persist = true): IngestResult {
    let result: IngestResult;
    if (signal === 'traces') {
      const { spans, rejected, reason } = normalizeTraces(req as ExportTraceRequest);
      this.store.addSpans(spans);
      result = { accepted: spans.length, rejected, ...(reason ? { reason } : {}) };
    } else if (signal === 'logs') {
      const logs = normalizeLogs(req as ExportLogsRequest);
      this.store.addLogs(logs);
      result = { accepted: logs.length, rejected: 0 };
    } else {
      const points = normalizeMetrics(req as ExportMetricsRequest);
      this.store.addMetricPoints(points);
      result = { accepted: points.length, rejected: 0 };
    }
    if (persist && this.writer && result.accepted > 0) this.writer.append(signal, JSON.stringify(req));
    return result;
  }

  /** A line of a store file. Throws on a line that is not JSON (the follower counts it). */
  line(kind: StoreFileKind, line: string): void {
    if (this.writer?.takeOwn(line)) return;
    const parsed = JSON.parse(line) as unknown;
    if (kind === 'events') this.functionRecords.add(parsed as FlowRecord);
    else this.request(kind, parsed, false);
  }
}
