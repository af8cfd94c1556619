import path from 'node:path';
import { waitAtMost } from '../lifecycle/wait-at-most.js';
import type { Attributes } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config/config.js';
import { debug } from '../diag.js';
import { DEFAULT_OTLP_ENDPOINT, otlpHeaders } from '../export/create-exporter.js';
import type { ExportMeta } from '../export/types.js';
import { FileMetricsExporter, OtlpMetricsExporter, type MetricsExporter } from './exporters.js';
import type { HistogramCell } from './histogram.js';
import { requestErrorType } from './error-type.js';
import type { MetricsSnapshot } from './otlp-metrics.js';
import { RedMetrics } from './red.js';
import { RuntimeMetrics } from './runtime.js';

/** What the request lifecycle passes at the end of a request. */
export interface RequestOutcome {
  statusCode: number;
  aborted?: boolean;
  abortReason?: string;
}

/**
 * The metrics of one client: RED per route, recorded at the end of every traced request
 * (sampled or not), and runtime metrics; aggregated in process (cumulative temporality) and
 * exported every `metricsIntervalMs` and at shutdown (not on `flush()`: its callers wait for
 * spans and logs, and cumulative metrics lose nothing by waiting for the next interval).
 */
export class MetricsPipeline {
  readonly red = new RedMetrics();
  readonly runtime = new RuntimeMetrics();
  private readonly startMs: number;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly meta: ExportMeta,
    private readonly exporter: MetricsExporter,
    intervalMs: number,
    private readonly now: () => number,
  ) {
    this.startMs = now();
    this.timer = setInterval(() => void this.export(), intervalMs);
    this.timer.unref();
  }

  /**
   * Records one request: `startedAt` is on the same clock as `now` (the client's). `error.type`
   * follows the semantic conventions, as the SERVER span's does: the escaped exception's type
   * (from `errors`, the errors the request recorded), else the abort reason, else the status code
   * of a 5xx ({@link requestErrorType}). Never throws.
   */
  recordRequest(method: string, route: string | undefined, startedAt: number, response: RequestOutcome, errorSeen: boolean, errors?: ReadonlySet<unknown>): void {
    const status = response.statusCode;
    const errorType = errorSeen || response.aborted || status >= 500 ? requestErrorType(response, errorSeen, errors) : undefined;
    const seconds = (this.now() - startedAt) / 1000;
    this.red.record(method, route, status, errorType, seconds > 0 ? seconds : 0);
  }

  /** The current cumulative state, copied. */
  snapshot(): MetricsSnapshot {
    const copy = (series: Array<{ attributes: Attributes; histogram: HistogramCell }>) => series.map((s) => ({ attributes: s.attributes, histogram: s.histogram.clone() }));
    return { startMs: this.startMs, timeMs: this.now(), http: copy(this.red.series()), gc: copy(this.runtime.gcSeries()), gauges: this.runtime.gauges() };
  }

  /** Exports a snapshot now. Never rejects. */
  async export(): Promise<void> {
    try {
      await this.exporter.export(this.snapshot());
    } catch (err) {
      debug(`metrics export failed: ${String(err)}`);
    }
  }

  /** For the process's `exit` event. */
  exportSync(): void {
    if (this.stopped) return;
    try {
      this.exporter.exportSync(this.snapshot());
    } catch (err) {
      debug(`metrics export at exit failed: ${String(err)}`);
    }
  }

  /**
   * Stops the timer and the runtime observers, exports a last snapshot, and closes the exporter.
   * With `timeoutMs` (the client's `shutdownTimeoutMs`), the last export is waited for that long
   * at most: closing the exporter then abandons a request the endpoint has not answered.
   */
  async shutdown(timeoutMs?: number): Promise<void> {
    if (this.stopped) return;
    clearInterval(this.timer);
    const last = this.export();
    if (timeoutMs === undefined) await last;
    else await waitAtMost(last, timeoutMs);
    this.stopped = true;
    this.runtime.stop();
    await this.exporter.shutdown().catch(() => undefined);
  }
}

/** The OTLP metrics URL: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else the endpoint's `/v1/metrics`. */
export function metricsUrl(config: Pick<ResolvedConfig, 'metrics' | 'endpoint' | 'tracesEndpoint'>): string {
  if (config.metrics.endpoint) return config.metrics.endpoint;
  if (config.endpoint) return `${config.endpoint}/v1/metrics`;
  if (config.tracesEndpoint?.endsWith('/v1/traces')) return `${config.tracesEndpoint.slice(0, -'/v1/traces'.length)}/v1/metrics`;
  return `${DEFAULT_OTLP_ENDPOINT}/v1/metrics`;
}

/**
 * Starts metrics for a client, or returns `undefined` when they are off (`metrics: false`,
 * TraceKit disabled, or an exporter that has no metrics: `console`, `none`). `exporter`
 * overrides the configured one (tests); `null` turns metrics off (a client built with test
 * span exporters and no metrics exporter).
 */
export function startMetrics(config: ResolvedConfig, meta: ExportMeta, now: () => number, exporter?: MetricsExporter | null): MetricsPipeline | undefined {
  if (!config.enabled || !config.metrics.enabled || exporter === null) return undefined;
  let chosen = exporter;
  if (!chosen) {
    if (config.exporter === 'file') {
      chosen = new FileMetricsExporter(path.join(path.dirname(config.file), 'metrics.jsonl'), meta, { maxBytes: config.maxFileBytes, maxFiles: config.maxFiles });
    } else if (config.exporter === 'otlp') {
      chosen = new OtlpMetricsExporter(meta, {
        url: metricsUrl(config),
        protocol: config.protocol,
        compression: config.compression,
        headers: otlpHeaders(config),
        timeoutMs: config.exportTimeoutMs,
      });
    } else return undefined;
  }
  return new MetricsPipeline(meta, chosen, config.metrics.intervalMs, now);
}
