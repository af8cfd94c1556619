import type { BreakpointsDto, LogDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { time, value } from './format.js';
import { html } from './html.js';
import { traceLink } from './trace-link.js';

/** A snapshot body: JSON text indented, anything else as it is. */
function pretty(body: unknown): string {
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The breakpoints and probes of `.tracekit/breakpoints.json`, read-only. */
function Breakpoints({ doc }: { doc: BreakpointsDto }) {
  if (doc.breakpoints.length === 0 && doc.probes.length === 0) return doc.error ? html`<div class="muted small">${doc.file}: ${doc.error}</div>` : null;
  return html`<div>
    <h3>Breakpoints and probes <span class="muted small">${doc.file}</span></h3>
    <table class="list breakpoints" aria-label="Breakpoints and probes">
      <thead><tr><th>Kind</th><th>Label / location</th><th>Where</th><th>Enabled</th><th class="num">Captures</th><th>Expires / status</th></tr></thead>
      <tbody>
        ${doc.breakpoints.map((b, i) => html`<tr key=${`b${i}`}><td>breakpoint</td><td>${cell(b['label'])}</td><td class="mono small">${cell(b['file'])}${b['line'] !== undefined ? `:${cell(b['line'])}` : ''} ${cell(b['function'])}</td><td>${b['enabled'] === false ? 'no' : 'yes'}</td><td class="num">${cell(b['captures'])}${b['maxCaptures'] !== undefined ? ` / ${cell(b['maxCaptures'])}` : ''}</td><td>${cell(b['expiresAt'])}</td></tr>`)}
        ${doc.probes.map((p, i) => html`<tr key=${`p${i}`}><td>probe</td><td class="mono">${cell(p['location'])}</td><td class="mono small">${p['condition'] ? `if ${cell(p['condition'])}` : ''} ${p['log'] ? `log ${cell(p['log'])}` : ''}</td><td>${p['enabled'] === false ? 'no' : 'yes'}</td><td class="num"></td><td>${cell(p['status'])}</td></tr>`)}
      </tbody>
    </table>
    <p class="muted small">Switch them with <code>tracekit breakpoints</code> and <code>tracekit probe</code>; the app picks up changes within 2 s.</p>
  </div>`;
}

/** Snapshots taken by breakpoints and probes (`tracekit.snapshot` log records), and the breakpoints file. */
export function SnapshotsView() {
  const { data, error } = useApi<LogDto[]>('/api/snapshots', ['logs']);
  const bps = useApi<BreakpointsDto>('/api/breakpoints', ['logs']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  const list = bps.data ? html`<${Breakpoints} doc=${bps.data} />` : '';
  if (data.length === 0) {
    return html`<section class="view">${list}<${Empty} title="No snapshots yet"><p>Turn on code monitoring (<code>codeMonitoring: true</code>) and call <code>captureSnapshot('label', { ...variables })</code>, or add a line probe with <code>tracekit probe</code>. Each capture is a <code>tracekit.snapshot</code> log record in <code>.tracekit/logs.jsonl</code> and shows here.</p><//></section>`;
  }
  return html`<section class="view">${list}<h3>Captures</h3>${data.map(
    (l, i) => html`<article class="snapshot" key=${i}>
      <header><strong>${value(l.attributes['tracekit.breakpoint.label'] ?? l.attributes['tracekit.snapshot.label'] ?? l.eventName)}</strong>
        <span class="muted">${time(l.time)}</span> ${traceLink(l.traceId, l.spanId)}
        <span class="mono small">${value(l.attributes['code.filepath'] ?? l.attributes['code.file.path'] ?? '')}${l.attributes['code.lineno'] !== undefined ? `:${value(l.attributes['code.lineno'])}` : ''}</span></header>
      <pre class="vars">${pretty(l.body)}</pre>
    </article>`,
  )}</section>`;
}
