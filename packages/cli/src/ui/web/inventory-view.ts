import type { InventoryEntryDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ago, time } from './format.js';
import { html } from './html.js';

/** Code inventory: the places in the app's code errors went through. */
export function InventoryView() {
  const { data, error } = useApi<InventoryEntryDto[]>('/api/inventory', ['logs', 'traces']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  if (data.length === 0) {
    return html`<${Empty} title="No code inventory yet"><p>TraceKit writes code discovery records (event <code>tracekit.code_inventory</code>) to <code>.tracekit/logs.jsonl</code> for every in-app place a captured error passed through, periodically and when the app stops. Throw an error in a traced request and they appear here.</p><//>`;
  }
  return html`<section class="view"><table class="list inventory" aria-label="Code inventory">
    <thead><tr><th>Function</th><th>File</th><th class="num">Line</th><th class="num">Count</th><th>First seen</th><th>Last seen</th><th>Errors</th></tr></thead>
    <tbody>${data.map(
      (e) => html`<tr key=${`${e.service}${e.file}${e.line}${e.function}`}>
        <td class="mono">${e.function || '<anonymous>'}</td><td class="mono">${e.file}</td><td class="num">${e.line}</td><td class="num">${e.count}</td>
        <td title=${time(e.firstSeen)}>${ago(e.firstSeen)}</td><td title=${time(e.lastSeen)}>${ago(e.lastSeen)}</td>
        <td>${e.errors.map((g) => html`<a key=${g.fingerprint} class="chip" href=${`/errors/${encodeURIComponent(g.fingerprint)}`}>${g.type}: ${g.message}</a>`)}</td>
      </tr>`,
    )}</tbody></table></section>`;
}
