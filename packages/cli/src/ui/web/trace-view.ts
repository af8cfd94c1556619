import { useMemo, useRef } from 'preact/hooks';
import type { LogDto, SpanDto, TraceSummary } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ms, statusClass, time, value } from './format.js';
import { html } from './html.js';
import { useKeys } from './keyboard.js';
import { navigate, withParams, type Route } from './router.js';
import { SpanDetails } from './span-details.js';
import { treeRows } from './tree-rows.js';
import { Waterfall } from './waterfall.js';

interface TraceResponse {
  summary: TraceSummary;
  spans: SpanDto[];
  logs: LogDto[];
}

function spanMatches(span: SpanDto, needle: string): boolean {
  if (span.name.toLowerCase().includes(needle) || span.spanId === needle) return true;
  for (const k in span.attributes) if (k.toLowerCase().includes(needle) || value(span.attributes[k]).toLowerCase().includes(needle)) return true;
  return false;
}

/**
 * One trace: a summary, the virtualised waterfall, and the selected span's details. The selected
 * span (`span`) and the search within the trace (`find`) are in the URL. Keys: j/k next and
 * previous span, n/N next and previous error, / search, Escape back to the list.
 */
export function TraceView({ route, traceId }: { route: Route; traceId: string }) {
  const { data, error, loading } = useApi<TraceResponse>(`/api/traces/${encodeURIComponent(traceId)}`, ['traces'], traceId.toLowerCase());
  const find = route.params.get('find') ?? '';
  const findInput = useRef<HTMLInputElement>(null);
  const rows = useMemo(() => (data ? treeRows(data.spans) : []), [data]);
  const matches = useMemo(() => {
    const needle = find.trim().toLowerCase();
    return needle ? new Set(rows.filter((r) => spanMatches(r.span, needle)).map((r) => r.span.spanId)) : undefined;
  }, [rows, find]);
  const errors = useMemo(() => rows.filter((r) => r.span.status.code === 2 || r.span.events.some((e) => e.name === 'exception')).map((r) => r.span.spanId), [rows]);
  const selectedId = route.params.get('span') ?? rows[0]?.span.spanId;
  const select = (spanId: string | undefined) => spanId && navigate(withParams({ span: spanId }, route), true);
  const step = (list: string[], delta: number) => {
    if (list.length === 0) return;
    const order = rows.map((r) => r.span.spanId);
    const at = order.indexOf(selectedId ?? '');
    const sorted = list.map((id) => order.indexOf(id)).sort((a, b) => a - b);
    const next = delta > 0 ? (sorted.find((i) => i > at) ?? sorted[0]) : ([...sorted].reverse().find((i) => i < at) ?? sorted[sorted.length - 1]);
    select(order[next!]);
  };
  const move = (delta: number) => {
    const i = rows.findIndex((r) => r.span.spanId === selectedId);
    select(rows[Math.max(0, Math.min(rows.length - 1, i + delta))]?.span.spanId);
  };
  useKeys(
    {
      j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
      n: () => step(matches ? [...matches] : errors, 1), N: () => step(matches ? [...matches] : errors, -1),
      e: () => step(errors, 1), E: () => step(errors, -1),
      '/': () => findInput.current?.focus(),
      Escape: () => (document.activeElement === findInput.current ? findInput.current?.blur() : history.length > 1 ? history.back() : navigate('/traces')),
    },
    [rows, selectedId, matches, errors],
  );
  if (loading && !data) return html`<${Loading} />`;
  if (error) return html`<section class="view"><${ErrorNote} message=${error} /><${Empty} title="Trace not found"><p>It may not have arrived yet, or it was evicted to keep memory bounded. <a href="/traces">All traces</a></p><//></section>`;
  if (!data) return null;
  const s = data.summary;
  const selected = data.spans.find((x) => x.spanId === selectedId) ?? data.spans[0];
  return html`<section class="view trace-view">
    <header class="trace-head">
      <h2><a href="/traces" class="muted" aria-label="Back to traces">Traces</a> / ${s.method ? html`<span class="method">${s.method}</span> ${s.route ?? s.path ?? s.name}` : s.name}</h2>
      <div class="facts-line">
        <span class="mono">${s.traceId}</span>
        <span>${time(s.start)}</span>
        <span>${ms(s.duration)}</span>
        <span>${s.spanCount} spans</span>
        ${s.statusCode !== undefined && html`<span class=${statusClass(s.statusCode)}>${s.statusCode}</span>`}
        ${s.requestId && html`<span>request <span class="mono">${s.requestId}</span></span>`}
        ${s.service && html`<span>${s.service}</span>`}
      </div>
      <div class="trace-tools">
        <form onSubmit=${(e: Event) => { e.preventDefault(); navigate(withParams({ find: findInput.current?.value || undefined }, route), true); }}>
          <input ref=${findInput} type="search" name="find" aria-label="Find in trace" placeholder="Find in trace ( / )" defaultValue=${find} />
        </form>
        ${matches && html`<span class="muted">${matches.size} match${matches.size === 1 ? '' : 'es'}</span>`}
        <button type="button" disabled=${errors.length === 0} onClick=${() => step(errors, -1)} title="previous error (E)">◀ error</button>
        <button type="button" disabled=${errors.length === 0} onClick=${() => step(errors, 1)} title="next error (e)">error ▶</button>
        <span class=${errors.length > 0 ? 'err' : 'muted'}>${errors.length} error span${errors.length === 1 ? '' : 's'}</span>
      </div>
    </header>
    <div class="split">
      <${Waterfall} rows=${rows} start=${s.start} duration=${s.duration} selected=${selected?.spanId} matches=${matches} onSelect=${select} />
      ${selected && html`<${SpanDetails} span=${selected} traceStart=${s.start} logs=${data.logs} />`}
    </div>
  </section>`;
}
