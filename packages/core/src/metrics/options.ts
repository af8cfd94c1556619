import { configError } from '../config/config-errors.js';
import { pick, toBoolean, toInteger, toText, type Env } from '../config/env.js';
import type { TracekitOptions } from '../types.js';

/** Resolved metrics settings (docs/metrics.md). */
export interface MetricsSettings {
  enabled: boolean;
  /** Export interval, ms (default 10 s). */
  intervalMs: number;
  /** Full OTLP metrics URL from `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`; else derived from the endpoint. */
  endpoint: string | undefined;
}

/** Default export interval of metrics, ms. */
export const DEFAULT_METRICS_INTERVAL_MS = 10_000;

/**
 * Resolves `metrics` (`TRACEKIT_METRICS`), `metricsIntervalMs` (`TRACEKIT_METRICS_INTERVAL_MS`,
 * at least 100) and `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`. Throws a `TracekitConfigError`
 * naming the option or variable.
 */
export function resolveMetricsSettings(options: TracekitOptions, env: Env): { metrics: MetricsSettings } {
  const endpointSource = pick({}, 'metricsEndpoint', env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const endpoint = toText(endpointSource);
  if (endpoint !== undefined && endpointSource && !/^https?:\/\/[^/]/.test(endpoint)) throw configError('TK_CONFIG_URL', endpointSource);
  return {
    metrics: {
      enabled: toBoolean(pick(options, 'metrics', env, 'TRACEKIT_METRICS'), true),
      intervalMs: toInteger(pick(options, 'metricsIntervalMs', env, 'TRACEKIT_METRICS_INTERVAL_MS'), DEFAULT_METRICS_INTERVAL_MS, 100),
      endpoint,
    },
  };
}
