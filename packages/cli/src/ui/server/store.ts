import type { LogDto, SpanDto, StatsDto } from '../api-types.js';
import { ErrorGroups } from './error-groups.js';
import type { MetricPoint } from './metrics.js';
import { TraceEntry } from './trace-entry.js';

/** Bounds of the in-memory store. */
export interface StoreLimits {
  /** Spans held; beyond it the oldest traces go. Default 250,000. */
  maxSpans: number;
  /** Estimated bytes held by spans; beyond it the oldest traces go. Default 256 MiB. */
  maxBytes: number;
  /** Log records held (a ring). Default 50,000. */
  maxLogs: number;
  /** Metric data points held (a ring). Default 50,000. */
  maxMetricPoints: number;
}

export const DEFAULT_LIMITS: StoreLimits = { maxSpans: 250_000, maxBytes: 256 * 1024 * 1024, maxLogs: 50_000, maxMetricPoints: 50_000 };

/** What changed, for live views: traces touched since the last notification. */
export type ChangeListener = (traceIds: ReadonlySet<string>, kinds: ReadonlySet<'traces' | 'logs' | 'metrics'>) => void;

const addTo = (index: Map<string, Set<string>>, key: string, id: string) => {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
};

const removeFrom = (index: Map<string, Set<string>>, key: string, id: string) => {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
};

/**
 * The viewer's in-memory index over spans, logs and metric points, bounded by span count and by
 * estimated bytes: when a bound is crossed, the traces that arrived first are evicted whole
 * (counted in `evicted`). Indexed by trace ID, request ID (`tracekit.request_id`), route,
 * service and error fingerprint. Spans already held (same trace and span ID) are ignored, so a
 * file re-read or an exporter retry never duplicates them.
 */
export class TelemetryStore {
  readonly traces = new Map<string, TraceEntry>();
  readonly byRequestId = new Map<string, string>();
  readonly byRoute = new Map<string, Set<string>>();
  readonly byService = new Map<string, Set<string>>();
  readonly errors = new ErrorGroups();
  /** Oldest first; a ring bounded by `maxLogs`. */
  logs: LogDto[] = [];
  metricPoints: MetricPoint[] = [];
  spanCount = 0;
  bytes = 0;
  readonly evicted = { traces: 0, spans: 0, logs: 0 };
  readonly sources = new Set<string>();
  private readonly listeners = new Set<ChangeListener>();
  private pendingTraces = new Set<string>();
  private pendingKinds = new Set<'traces' | 'logs' | 'metrics'>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly limits: StoreLimits = DEFAULT_LIMITS,
    /** How long changes are gathered before listeners hear of them. */
    private readonly notifyEveryMs = 100,
  ) {}

  /** Adds spans; returns how many were new. */
  addSpans(spans: readonly SpanDto[]): number {
    let added = 0;
    for (const span of spans) {
      let trace = this.traces.get(span.traceId);
      if (!trace) {
        trace = new TraceEntry(span.traceId);
        this.traces.set(span.traceId, trace);
      }
      const before = trace.bytes;
      const oldRoute = trace.route;
      const oldService = trace.service;
      if (!trace.add(span)) continue;
      added++;
      this.spanCount++;
      this.bytes += trace.bytes - before;
      if (trace.requestId) this.byRequestId.set(trace.requestId, trace.traceId);
      const route = trace.route;
      if (route !== oldRoute) {
        if (oldRoute) removeFrom(this.byRoute, oldRoute, trace.traceId);
        if (route) addTo(this.byRoute, route, trace.traceId);
      }
      if (trace.service !== oldService) {
        if (oldService) removeFrom(this.byService, oldService, trace.traceId);
        addTo(this.byService, trace.service, trace.traceId);
      }
      if (span.events.length > 0) this.errors.addSpan(span, trace);
      if (route !== oldRoute && trace.fingerprints.size > 0) this.errors.routeKnown(trace);
      this.pendingTraces.add(trace.traceId);
    }
    if (added > 0) {
      this.evict();
      this.changed('traces');
    }
    return added;
  }

  addLogs(logs: readonly LogDto[]): void {
    if (logs.length === 0) return;
    for (const log of logs) this.logs.push(log);
    const over = this.logs.length - this.limits.maxLogs;
    if (over > 0) {
      this.logs = this.logs.slice(over);
      this.evicted.logs += over;
    }
    this.changed('logs');
  }

  addMetricPoints(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    for (const p of points) this.metricPoints.push(p);
    const over = this.metricPoints.length - this.limits.maxMetricPoints;
    if (over > 0) this.metricPoints = this.metricPoints.slice(over);
    this.changed('metrics');
  }

  private evict(): void {
    while ((this.spanCount > this.limits.maxSpans || this.bytes > this.limits.maxBytes) && this.traces.size > 1) {
      const oldest = this.traces.values().next().value as TraceEntry;
      this.removeTrace(oldest);
    }
  }

  private removeTrace(trace: TraceEntry): void {
    this.traces.delete(trace.traceId);
    this.spanCount -= trace.spans.size;
    this.bytes -= trace.bytes;
    this.evicted.traces++;
    this.evicted.spans += trace.spans.size;
    if (trace.requestId && this.byRequestId.get(trace.requestId) === trace.traceId) this.byRequestId.delete(trace.requestId);
    if (trace.route) removeFrom(this.byRoute, trace.route, trace.traceId);
    removeFrom(this.byService, trace.service, trace.traceId);
    this.pendingTraces.delete(trace.traceId);
  }

  /** Listens for changes, gathered over `notifyEveryMs`; returns the function that stops listening. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(kind: 'traces' | 'logs' | 'metrics'): void {
    this.pendingKinds.add(kind);
    if (this.timer || this.listeners.size === 0) {
      if (this.listeners.size === 0) {
        this.pendingTraces.clear();
        this.pendingKinds.clear();
      }
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const traces = this.pendingTraces;
      const kinds = this.pendingKinds;
      this.pendingTraces = new Set();
      this.pendingKinds = new Set();
      for (const listener of this.listeners) listener(traces, kinds);
    }, this.notifyEveryMs);
    this.timer.unref();
  }

  stats(version: string): StatsDto {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      logs: this.logs.length,
      metricPoints: this.metricPoints.length,
      bytes: this.bytes,
      evicted: { ...this.evicted },
      sources: [...this.sources],
      version,
    };
  }
}
