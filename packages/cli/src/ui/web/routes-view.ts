import type { RouteStatsDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ms } from './format.js';
import { html } from './html.js';
import { navigate, withParams, type Route } from './router.js';

const WINDOWS = ['5m', '15m', '1h', '6h', '24h', '7d', 'all'];
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Per-route rate, error rate and latency percentiles over a window chosen in the URL (`window`). */
export function RoutesView({ route }: { route: Route }) {
  const window = route.params.get('window') ?? '1h';
  const { data, error } = useApi<RouteStatsDto[]>(`/api/routes?window=${encodeURIComponent(window)}`, ['traces', 'metrics']);
  return html`<section class="view">
    <div class="filters">
      <label class="field">Window
        <select name="window" value=${window} onChange=${(e: Event) => navigate(withParams({ window: (e.target as HTMLSelectElement).value }, route), true)}>
          ${WINDOWS.map((w) => html`<option key=${w} value=${w}>${w === 'all' ? 'everything held' : `last ${w}`}</option>`)}
        </select></label>
    </div>
    ${error && html`<${ErrorNote} message=${error} />`}
    ${!data ? html`<${Loading} />` : data.length === 0
      ? html`<${Empty} title="No requests in this window"><p>Per-route statistics come from the SERVER spans of traced requests (and from <code>http.server.request.duration</code> OTLP metrics when an app sends them). Choose a longer window, or send a few requests to your app.</p><//>`
      : html`<table class="list routes" aria-label="Routes">
        <thead><tr><th>Service</th><th>Route</th><th class="num">Requests</th><th class="num">Rate</th><th class="num">Errors</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th>From metrics</th></tr></thead>
        <tbody>${data.map(
          (r) => html`<tr key=${`${r.service} ${r.method} ${r.route}`}>
            <td>${r.service}</td>
            <td><a href=${`/traces?route=${encodeURIComponent(r.route)}${r.method ? `&method=${encodeURIComponent(r.method)}` : ''}`}>${r.method ? html`<span class="method">${r.method}</span> ` : ''}${r.route}</a></td>
            <td class="num">${r.count}</td>
            <td class="num">${r.rate < 1 ? `${(r.rate * 60).toFixed(1)}/min` : `${r.rate.toFixed(1)}/s`}</td>
            <td class=${`num ${r.errorRate > 0 ? 'err' : ''}`}>${pct(r.errorRate)}</td>
            <td class="num">${ms(r.p50)}</td><td class="num">${ms(r.p95)}</td><td class="num">${ms(r.p99)}</td>
            <td class="small">${r.metrics ? `${r.metrics.count} req, p50 ${ms(r.metrics.p50 ?? NaN)}, p95 ${ms(r.metrics.p95 ?? NaN)}, p99 ${ms(r.metrics.p99 ?? NaN)}` : ''}</td>
          </tr>`,
        )}</tbody>
      </table>`}
  </section>`;
}
