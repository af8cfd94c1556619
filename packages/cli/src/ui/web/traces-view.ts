import { useRef, useState } from 'preact/hooks';
import type { TraceListResponse } from '../api-types.js';
import { getJson, useApi } from './api.js';
import { Empty, ErrorNote, SortHeader } from './components.js';
import { ms, statusClass, time } from './format.js';
import { html } from './html.js';
import { moveSelection, useKeys } from './keyboard.js';
import { navigate, withParams, type Route } from './router.js';

interface Facets {
  services: string[];
  routes: string[];
  methods: string[];
}

const FILTERS = ['service', 'route', 'method', 'status', 'error', 'minMs', 'maxMs', 'attr', 'q', 'sort', 'order'];

/** The query string of the list API: the page's filters as they are in the URL. */
function apiQuery(route: Route): string {
  const p = new URLSearchParams();
  for (const k of FILTERS) for (const v of route.params.getAll(k)) p.append(k, v);
  p.set('limit', '300');
  return p.toString();
}

function Select({ label, name, options, route }: { label: string; name: string; options: string[]; route: Route }) {
  const cur = route.params.get(name) ?? '';
  return html`<label class="field">${label}
    <select name=${name} value=${cur} onChange=${(e: Event) => navigate(withParams({ [name]: (e.target as HTMLSelectElement).value }, route), true)}>
      <option value="">any</option>
      ${[...new Set([...options, ...(cur ? [cur] : [])])].map((o) => html`<option key=${o} value=${o}>${o}</option>`)}
    </select></label>`;
}

/**
 * The trace list: live (re-queried when the server announces new traces), filtered by the URL's
 * parameters, sortable by column, with a search box taking a trace ID, a request ID, a
 * `traceparent` or a whole log line.
 */
export function TracesView({ route }: { route: Route }) {
  const list = useApi<TraceListResponse>(`/api/traces?${apiQuery(route)}`, ['traces']);
  const facets = useApi<Facets>('/api/facets', ['traces']);
  const [selected, setSelected] = useState(-1);
  const [searchNote, setSearchNote] = useState('');
  const search = useRef<HTMLInputElement>(null);
  const attrInput = useRef<HTMLInputElement>(null);
  const traces = list.data?.traces ?? [];
  const p = route.params;
  const sort = p.get('sort') ?? 'start';
  const order = p.get('order') ?? 'desc';

  useKeys(
    {
      j: () => setSelected((s) => moveSelection(s, 1, traces.length)),
      ArrowDown: () => setSelected((s) => moveSelection(s, 1, traces.length)),
      k: () => setSelected((s) => moveSelection(s, -1, traces.length)),
      ArrowUp: () => setSelected((s) => moveSelection(s, -1, traces.length)),
      Enter: () => traces[selected] && navigate(`/traces/${traces[selected]!.traceId}`),
      '/': () => search.current?.focus(),
      Escape: () => search.current?.blur(),
    },
    [traces, selected],
  );

  const onSearch = async (e: Event) => {
    e.preventDefault();
    const q = search.current?.value.trim() ?? '';
    setSearchNote('');
    if (!q) return navigate(withParams({ q: undefined }, route), true);
    const { traceIds } = await getJson<{ traceIds: string[] }>(`/api/search?q=${encodeURIComponent(q)}`);
    if (traceIds.length === 1) return navigate(`/traces/${traceIds[0]}`);
    if (traceIds.length === 0) setSearchNote('No trace matches that trace ID, request ID or traceparent.');
    navigate(withParams({ q }, route), true);
  };

  const addAttr = (e: Event) => {
    e.preventDefault();
    const v = attrInput.current?.value.trim();
    if (!v || !/(!=|=|~)/.test(v)) return;
    attrInput.current!.value = '';
    navigate(withParams({ attr: [...p.getAll('attr'), v] }, route), true);
  };

  const sortHref = (field: string, o: string) => withParams({ sort: field, order: o }, route);
  const held = list.data?.held ?? 0;
  const filtered = FILTERS.some((k) => k !== 'sort' && k !== 'order' && p.has(k));

  return html`<section class="view">
    <form class="search" role="search" onSubmit=${onSearch}>
      <input ref=${search} type="search" name="q" aria-label="Search traces" placeholder="Trace ID, request ID, traceparent or a log line  ( / )" defaultValue=${p.get('q') ?? ''} />
      <button type="submit">Find</button>
    </form>
    ${searchNote && html`<div class="muted pad-s">${searchNote}</div>`}
    <div class="filters">
      <${Select} label="Service" name="service" options=${facets.data?.services ?? []} route=${route} />
      <${Select} label="Route" name="route" options=${facets.data?.routes ?? []} route=${route} />
      <${Select} label="Method" name="method" options=${facets.data?.methods ?? []} route=${route} />
      <${Select} label="Status" name="status" options=${['2xx', '3xx', '4xx', '5xx']} route=${route} />
      <label class="field check"><input type="checkbox" name="error" checked=${p.get('error') === '1'} onChange=${(e: Event) => navigate(withParams({ error: (e.target as HTMLInputElement).checked ? '1' : undefined }, route), true)} /> errors only</label>
      <label class="field">Min ms<input type="number" min="0" name="minMs" value=${p.get('minMs') ?? ''} onChange=${(e: Event) => navigate(withParams({ minMs: (e.target as HTMLInputElement).value }, route), true)} /></label>
      <label class="field">Max ms<input type="number" min="0" name="maxMs" value=${p.get('maxMs') ?? ''} onChange=${(e: Event) => navigate(withParams({ maxMs: (e.target as HTMLInputElement).value }, route), true)} /></label>
      <form class="field" onSubmit=${addAttr}><label>Attribute<input ref=${attrInput} name="attr" placeholder="key=value, key!=value, key~part" /></label></form>
      ${filtered && html`<a class="button" href="/traces">Clear</a>`}
    </div>
    ${p.getAll('attr').length > 0 &&
    html`<div class="chips">${p.getAll('attr').map(
      (a) => html`<span class="chip" key=${a}>${a} <a href=${withParams({ attr: p.getAll('attr').filter((x) => x !== a) }, route)} aria-label="remove filter">×</a></span>`,
    )}</div>`}
    ${list.error && html`<${ErrorNote} message=${list.error} />`}
    ${list.data && held === 0
      ? html`<${Empty} title="No traces yet">
          <p>Run your app with a TraceKit adapter (traces go to <code>.tracekit/traces.jsonl</code>, which this viewer follows), or point any OpenTelemetry SDK at this server: <code>OTEL_EXPORTER_OTLP_ENDPOINT=${location.origin}</code>. New traces appear here as they arrive.</p>
        <//>`
      : html`<div class="count muted">${list.data ? `${list.data.total} of ${held} traces${list.data.total > traces.length ? `, showing ${traces.length}` : ''}` : ''}</div>
        <table class="list traces" aria-label="Traces">
          <thead><tr>
            <${SortHeader} label="Start" field="start" sort=${sort} order=${order} href=${sortHref} />
            <th>Service</th><th>Request</th><th>Status</th>
            <${SortHeader} label="Duration" field="duration" sort=${sort} order=${order} href=${sortHref} num=${true} />
            <${SortHeader} label="Spans" field="spans" sort=${sort} order=${order} href=${sortHref} num=${true} />
            <th>Request ID</th>
          </tr></thead>
          <tbody>${traces.map(
            (t, i) => html`<tr key=${t.traceId} data-trace-id=${t.traceId} data-selected=${i === selected ? 'true' : 'false'} class=${t.errorCount > 0 ? 'has-error' : ''} onClick=${() => navigate(`/traces/${t.traceId}`)}>
              <td class="nowrap">${time(t.start)}</td>
              <td>${t.service}</td>
              <td><a href=${`/traces/${t.traceId}`}>${t.method ? html`<span class="method">${t.method}</span> ${t.route ?? t.path ?? t.name}` : t.name}</a></td>
              <td class=${statusClass(t.statusCode)}>${t.statusCode ?? ''}${t.errorCount > 0 ? html` <span class="badge err">${t.errorCount} error${t.errorCount === 1 ? '' : 's'}</span>` : ''}</td>
              <td class="num">${ms(t.duration)}</td>
              <td class="num">${t.spanCount}</td>
              <td class="mono">${t.requestId ?? ''}</td>
            </tr>`,
          )}</tbody>
        </table>`}
  </section>`;
}
