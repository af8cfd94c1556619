import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Attributes } from '@opentelemetry/api';
import { GC_DURATION_BOUNDARIES, HistogramCell } from './histogram.js';
import {
  ATTR_V8JS_GC_TYPE,
  ATTR_V8JS_HEAP_SPACE_NAME,
  METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
  METRIC_NODEJS_EVENTLOOP_DELAY_MEAN,
  METRIC_NODEJS_EVENTLOOP_DELAY_MIN,
  METRIC_NODEJS_EVENTLOOP_DELAY_P50,
  METRIC_NODEJS_EVENTLOOP_DELAY_P90,
  METRIC_NODEJS_EVENTLOOP_DELAY_P99,
  METRIC_NODEJS_EVENTLOOP_UTILIZATION,
  METRIC_V8JS_MEMORY_HEAP_LIMIT,
  METRIC_V8JS_MEMORY_HEAP_USED,
} from './semconv.js';

/** One gauge reading. */
export interface GaugeReading {
  name: string;
  unit: string;
  description: string;
  points: Array<{ attributes: Attributes; value: number }>;
}

/** Event-loop delay sampling resolution, ms (Node's default is 10). */
const DELAY_RESOLUTION_MS = 20;

const GC_TYPES: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Runtime metrics, all from Node's own APIs: event-loop delay (`perf_hooks.monitorEventLoopDelay`,
 * min/max/mean/p50/p90/p99 over the last interval, in seconds), event-loop utilisation
 * (`performance.eventLoopUtilization` over the last interval), V8 heap used and size per heap
 * space (`v8.getHeapSpaceStatistics`), and GC pauses (a `PerformanceObserver` on `gc` entries,
 * a cumulative histogram by `v8js.gc.type`). Nothing runs per request; the observer costs one
 * callback per GC.
 */
export class RuntimeMetrics {
  private readonly delay: IntervalHistogram | undefined;
  private lastElu: EventLoopUtilization | undefined;
  private readonly gc = new Map<string, HistogramCell>();
  private readonly observer: PerformanceObserver | undefined;

  constructor() {
    try {
      this.delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
      this.delay.enable();
    } catch {
      this.delay = undefined;
    }
    this.lastElu = performance.eventLoopUtilization();
    try {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
          const type = (kind !== undefined ? GC_TYPES[kind] : undefined) ?? 'other';
          let cell = this.gc.get(type);
          if (!cell) this.gc.set(type, (cell = new HistogramCell(GC_DURATION_BOUNDARIES)));
          cell.record(entry.duration / 1000);
        }
      });
      observer.observe({ entryTypes: ['gc'] });
      this.observer = observer;
    } catch {
      this.observer = undefined;
    }
  }

  /** GC pause histograms by `v8js.gc.type`, cumulative. */
  gcSeries(): Array<{ attributes: Attributes; histogram: HistogramCell }> {
    return [...this.gc].map(([type, histogram]) => ({ attributes: { [ATTR_V8JS_GC_TYPE]: type }, histogram }));
  }

  /** Reads the gauges, and starts the next interval of the event-loop ones. */
  gauges(): GaugeReading[] {
    const out: GaugeReading[] = [];
    const d = this.delay;
    if (d && d.count > 0) {
      const s = (ns: number) => ns / 1e9;
      const delay = (name: string, value: number, what: string) =>
        out.push({ name, unit: 's', description: `Event loop ${what} delay.`, points: [{ attributes: {}, value: s(value) }] });
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_MIN, d.min, 'minimum');
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_MAX, d.max, 'maximum');
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_MEAN, d.mean, 'mean');
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_P50, d.percentile(50), '50th percentile');
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_P90, d.percentile(90), '90th percentile');
      delay(METRIC_NODEJS_EVENTLOOP_DELAY_P99, d.percentile(99), '99th percentile');
      d.reset();
    }
    const now = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(now, this.lastElu);
    this.lastElu = now;
    out.push({ name: METRIC_NODEJS_EVENTLOOP_UTILIZATION, unit: '1', description: 'Event loop utilization.', points: [{ attributes: {}, value: elu.utilization }] });
    const spaces = v8.getHeapSpaceStatistics();
    out.push({
      name: METRIC_V8JS_MEMORY_HEAP_USED,
      unit: 'By',
      description: 'Heap memory used, by V8 heap space.',
      points: spaces.map((sp) => ({ attributes: { [ATTR_V8JS_HEAP_SPACE_NAME]: sp.space_name }, value: sp.space_used_size })),
    });
    out.push({
      name: METRIC_V8JS_MEMORY_HEAP_LIMIT,
      unit: 'By',
      description: 'Heap memory size (total), by V8 heap space.',
      points: spaces.map((sp) => ({ attributes: { [ATTR_V8JS_HEAP_SPACE_NAME]: sp.space_name }, value: sp.space_size })),
    });
    return out;
  }

  stop(): void {
    this.delay?.disable();
    this.observer?.disconnect();
  }
}
