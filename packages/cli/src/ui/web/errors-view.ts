import { useState } from 'preact/hooks';
import type { ErrorGroupDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ago, time } from './format.js';
import { Frames } from './frames.js';
import { html } from './html.js';
import { moveSelection, useKeys } from './keyboard.js';
import { navigate } from './router.js';

/** The innermost in-app frame, as `function (file:line)`. */
function culprit(g: ErrorGroupDto): string {
  const f = g.frames.find((x) => x.in_app) ?? g.frames[0];
  return f ? `${f.function ?? '<anonymous>'} (${f.file}${f.line !== undefined ? `:${f.line}` : ''})` : '';
}

const groupHref = (g: ErrorGroupDto) => `/errors/${encodeURIComponent(g.fingerprint)}`;

/** Errors grouped by fingerprint, the most recently seen first. */
export function ErrorsView() {
  const { data, error } = useApi<ErrorGroupDto[]>('/api/errors', ['traces']);
  const [selected, setSelected] = useState(-1);
  const groups = data ?? [];
  useKeys(
    {
      j: () => setSelected((s) => moveSelection(s, 1, groups.length)),
      k: () => setSelected((s) => moveSelection(s, -1, groups.length)),
      Enter: () => groups[selected] && navigate(groupHref(groups[selected]!)),
    },
    [groups, selected],
  );
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  if (groups.length === 0) {
    return html`<${Empty} title="No errors recorded">
      <p>Errors thrown in requests traced by a TraceKit adapter appear here, grouped by their fingerprint (type, message and in-app frames), with the source line of the throw. Exceptions recorded by other OpenTelemetry SDKs are grouped by type and message.</p>
    <//>`;
  }
  return html`<section class="view">
    <table class="list errors" aria-label="Error groups">
      <thead><tr><th>Error</th><th>Where</th><th class="num">Count</th><th>Routes</th><th>First seen</th><th>Last seen</th></tr></thead>
      <tbody>${groups.map(
        (g, i) => html`<tr key=${g.fingerprint} data-fingerprint=${g.fingerprint} data-selected=${i === selected ? 'true' : 'false'} onClick=${() => navigate(groupHref(g))}>
          <td><a href=${groupHref(g)}><strong class="err">${g.type}</strong></a> <span class="msg">${g.message}</span></td>
          <td class="mono small">${culprit(g)}</td>
          <td class="num count">${g.count}</td>
          <td>${g.routes.slice(0, 3).map((r) => html`<span class="chip" key=${r.route}>${r.route}</span>`)}${g.routes.length > 3 ? ` +${g.routes.length - 3}` : ''}</td>
          <td title=${time(g.firstSeen)}>${ago(g.firstSeen)}</td>
          <td title=${time(g.lastSeen)}>${ago(g.lastSeen)}</td>
        </tr>`,
      )}</tbody>
    </table>
  </section>`;
}

/** One error group: counts, routes, sample traces and the in-app frames with source context. */
export function ErrorGroupView({ fingerprint }: { fingerprint: string }) {
  const { data, error } = useApi<ErrorGroupDto>(`/api/errors/${encodeURIComponent(fingerprint)}`, ['traces']);
  useKeys({ Escape: () => navigate('/errors') }, []);
  if (error) return html`<section class="view"><${ErrorNote} message=${error} /><a href="/errors">All errors</a></section>`;
  if (!data) return html`<${Loading} />`;
  const g = data;
  return html`<section class="view error-group">
    <h2><a href="/errors" class="muted">Errors</a> / <span class="err">${g.type}</span></h2>
    <p class="msg big">${g.message}</p>
    <dl class="facts">
      <dt>Occurrences</dt><dd class="count">${g.count}</dd>
      <dt>First seen</dt><dd>${time(g.firstSeen)} (${ago(g.firstSeen)})</dd>
      <dt>Last seen</dt><dd>${time(g.lastSeen)} (${ago(g.lastSeen)})</dd>
      <dt>Services</dt><dd>${g.services.join(', ')}</dd>
      <dt>Fingerprint</dt><dd class="mono">${g.fingerprint}</dd>
    </dl>
    <h3>Routes</h3>
    ${g.routes.length === 0 ? html`<div class="muted">none recorded</div>` : html`<ul class="plain">${g.routes.map((r) => html`<li key=${r.route}><a href=${`/traces?route=${encodeURIComponent(r.route)}&error=1`}>${r.route}</a> <span class="muted">× ${r.count}</span></li>`)}</ul>`}
    <h3>Frames</h3>
    <${Frames} frames=${g.frames} inAppOnly=${true} />
    <h3>Sample traces</h3>
    ${g.sampleTraceIds.length === 0 ? html`<div class="muted">evicted from memory</div>` : html`<ul class="plain">${g.sampleTraceIds.map((id) => html`<li key=${id}><a class="mono" href=${`/traces/${id}`}>${id}</a></li>`)}</ul>`}
  </section>`;
}
