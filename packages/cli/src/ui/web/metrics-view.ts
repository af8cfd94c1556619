import type { MetricDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { time, value } from './format.js';
import { html } from './html.js';

const num = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 1000 || Number.isInteger(v) ? Math.round(v).toLocaleString('en') : v.toPrecision(4));

/** The newest value of every metric series an app sent (runtime metrics, per-route RED metrics, others). */
export function MetricsView() {
  const { data, error } = useApi<MetricDto[]>('/api/metrics', ['metrics']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  if (data.length === 0) {
    return html`<${Empty} title="No metrics yet"><p>TraceKit writes per-route request metrics and runtime metrics (event-loop delay, heap, GC) to <code>.tracekit/metrics.jsonl</code> when metrics are on; any OpenTelemetry SDK can send OTLP metrics to <code>/v1/metrics</code> here. Per-route latency from spans is under Routes.</p><//>`;
  }
  return html`<section class="view"><table class="list metrics" aria-label="Metrics">
    <thead><tr><th>Service</th><th>Metric</th><th>Attributes</th><th class="num">Value</th><th>Unit</th><th class="num">Count</th><th>At</th></tr></thead>
    <tbody>${data.map(
      (m, i) => html`<tr key=${i}>
        <td>${m.service}</td><td class="mono">${m.name}</td>
        <td class="mono small">${Object.entries(m.attributes).map(([k, v]) => `${k}=${value(v)}`).join(' ')}</td>
        <td class="num">${num(m.value)}${m.type === 'histogram' ? html` <span class="muted small">mean</span>` : ''}</td><td>${m.unit}</td>
        <td class="num">${num(m.count)}</td><td class="nowrap">${time(m.time)}</td>
      </tr>`,
    )}</tbody></table></section>`;
}
