import type { FunctionCallDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ms, time } from './format.js';
import { html } from './html.js';
import { traceLink } from './trace-link.js';

/** Function calls: INTERNAL spans with `code.function.name`, and ENTER / EXIT / EXCEPTION records. */
export function FunctionsView() {
  const { data, error } = useApi<FunctionCallDto[]>('/api/functions', ['traces']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  if (data.length === 0) {
    return html`<${Empty} title="No function calls yet"><p>Wrap functions with <code>trace(fn)</code> or <code>@Trace()</code>, or run the whole app with <code>tracekit run app.js</code>: calls slower than the threshold become spans with <code>code.function.name</code>, and with the <code>events</code> file format every call is an ENTER / EXIT record.</p><//>`;
  }
  return html`<section class="view"><table class="list functions" aria-label="Function calls">
    <thead><tr><th>Time</th><th>Kind</th><th>Function</th><th>Where</th><th class="num">Duration</th><th>Trace</th></tr></thead>
    <tbody>${data.map(
      (f, i) => html`<tr key=${i} class=${f.error ? 'has-error' : ''}>
        <td>${time(f.time)}</td><td>${f.kind}</td><td class="mono">${f.function}</td>
        <td class="mono small">${f.file ?? ''}${f.line !== undefined ? `:${f.line}` : ''}</td>
        <td class="num">${f.duration !== undefined ? ms(f.duration) : ''}</td>
        <td>${traceLink(f.traceId, f.spanId)}${f.error ? html` <span class="err">${f.error}</span>` : ''}</td>
      </tr>`,
    )}</tbody></table></section>`;
}
