import type { Attributes } from '@opentelemetry/api';
import { HistogramCell, HTTP_DURATION_BOUNDARIES } from './histogram.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_OTEL_METRIC_OVERFLOW,
} from './semconv.js';

/** Series kept per process before new attribute sets go to the overflow series. */
export const MAX_SERIES = 2000;

/** One `http.server.request.duration` series: its attributes and histogram. */
export interface RedSeries {
  attributes: Attributes;
  histogram: HistogramCell;
}

/**
 * Per-route RED metrics: the `http.server.request.duration` histogram (seconds) by
 * `http.route`, `http.request.method`, `http.response.status_code` and `error.type`. The
 * rate and errors are the histogram's counts. Attributes are only these low-cardinality
 * values, never an ID or a raw path: a request without a route template has no `http.route`.
 * At most {@link MAX_SERIES} series; later attribute sets are counted in one series marked
 * `otel.metric.overflow: true`, as the OpenTelemetry SDK does.
 *
 * Series are looked up by route, then method, then status (plus error type when there is one)
 * in nested Maps, so the common request allocates nothing (bench/metrics-cost.mjs).
 */
export class RedMetrics {
  private readonly byRoute = new Map<string, Map<string, Map<number | string, RedSeries>>>();
  private readonly all: RedSeries[] = [];
  private overflow: RedSeries | undefined;

  record(method: string, route: string | undefined, status: number, errorType: string | undefined, seconds: number): void {
    const routeKey = route ?? '';
    let byMethod = this.byRoute.get(routeKey);
    if (byMethod === undefined) this.byRoute.set(routeKey, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    // A 5xx's error type is its status code: the status alone is the key. Other error types are rare.
    const key = errorType === undefined || errorType === String(status) ? status : `${status} ${errorType}`;
    let s = byStatus.get(key);
    if (s === undefined) {
      if (this.all.length >= MAX_SERIES) {
        (this.overflow ??= { attributes: { [ATTR_OTEL_METRIC_OVERFLOW]: true }, histogram: new HistogramCell(HTTP_DURATION_BOUNDARIES) }).histogram.record(seconds);
        return;
      }
      const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status };
      if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
      if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
      s = { attributes, histogram: new HistogramCell(HTTP_DURATION_BOUNDARIES) };
      byStatus.set(key, s);
      this.all.push(s);
    }
    s.histogram.record(seconds);
  }

  /** Every series, in first-seen order (the overflow series last). */
  series(): RedSeries[] {
    return this.overflow ? [...this.all, this.overflow] : [...this.all];
  }
}
