import type { BreakpointsDto, LogDto } from '../api-types.js';
import { useState } from 'preact/hooks';
import { postJson, useApi } from './api.js';
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

/** Arm / disarm (and, for probes, remove) buttons of one entry; each POSTs to the viewer's API, which writes the file. */
function Actions({ kind, id, enabled, onDone }: { kind: 'breakpoints' | 'probes'; id: string; enabled: boolean; onDone: (error?: string) => void }) {
  const [busy, setBusy] = useState(false);
  const act = (action: 'arm' | 'disarm' | 'remove') => {
    setBusy(true);
    postJson(`/api/${kind}/${encodeURIComponent(id)}/${action}`).then(
      () => {
        setBusy(false);
        onDone();
      },
      (err: Error) => {
        setBusy(false);
        onDone(err.message);
      },
    );
  };
  return html`<span class="actions">
    ${enabled
      ? html`<button type="button" disabled=${busy} onClick=${() => act('disarm')} aria-label=${`Disarm ${id}`}>Disarm</button>`
      : html`<button type="button" disabled=${busy} onClick=${() => act('arm')} aria-label=${`Arm ${id}`}>Arm</button>`}
    ${kind === 'probes' ? html` <button type="button" disabled=${busy} onClick=${() => act('remove')} aria-label=${`Remove ${id}`}>Remove</button>` : ''}
  </span>`;
}

/** The breakpoints and probes of `.tracekit/breakpoints.json`, with buttons that arm, disarm and remove them. */
function Breakpoints({ doc, reload }: { doc: BreakpointsDto; reload: () => void }) {
  const [problem, setProblem] = useState<string | undefined>(undefined);
  if (doc.breakpoints.length === 0 && doc.probes.length === 0) return doc.error ? html`<div class="muted small">${doc.file}: ${doc.error}</div>` : null;
  const done = (error?: string) => {
    setProblem(error);
    reload();
  };
  const on = (e: Record<string, unknown>) => e['enabled'] !== false;
  return html`<div>
    <h3>Breakpoints and probes <span class="muted small">${doc.file}</span></h3>
    ${problem ? html`<${ErrorNote} message=${problem} />` : ''}
    <table class="list breakpoints" aria-label="Breakpoints and probes">
      <thead><tr><th>Kind</th><th>Label / location</th><th>Where</th><th>Enabled</th><th class="num">Captures</th><th>Expires / status</th><th></th></tr></thead>
      <tbody>
        ${doc.breakpoints.map((b, i) => html`<tr key=${`b${i}`} data-id=${cell(b['id'])}><td>breakpoint</td><td>${cell(b['label'])}</td><td class="mono small">${cell(b['file'])}${b['line'] !== undefined ? `:${cell(b['line'])}` : ''} ${cell(b['function'])}</td><td>${on(b) ? 'yes' : 'no'}</td><td class="num">${cell(b['captures'])}${b['maxCaptures'] !== undefined ? ` / ${cell(b['maxCaptures'])}` : ''}</td><td>${cell(b['expiresAt'])}</td><td>${typeof b['id'] === 'string' ? html`<${Actions} kind="breakpoints" id=${b['id']} enabled=${on(b)} onDone=${done} />` : ''}</td></tr>`)}
        ${doc.probes.map((p, i) => html`<tr key=${`p${i}`} data-id=${cell(p['id'])}><td>probe</td><td class="mono">${cell(p['location'])}</td><td class="mono small">${p['condition'] ? `if ${cell(p['condition'])}` : ''} ${p['log'] ? `log ${cell(p['log'])}` : ''}</td><td>${on(p) ? 'yes' : 'no'}</td><td class="num">${cell(p['hits'])}</td><td>${cell(p['status'])}${p['error'] ? ` (${cell(p['error'])})` : ''}</td><td>${typeof p['id'] === 'string' ? html`<${Actions} kind="probes" id=${p['id']} enabled=${on(p)} onDone=${done} />` : ''}</td></tr>`)}
      </tbody>
    </table>
    <p class="muted small">The buttons edit the file (as <code>tracekit breakpoints</code> and <code>tracekit probe</code> do); the running app picks changes up within 2 s.</p>
  </div>`;
}

/** Snapshots taken by breakpoints and probes (`tracekit.snapshot` log records), and the breakpoints file. */
export function SnapshotsView() {
  const { data, error } = useApi<LogDto[]>('/api/snapshots', ['logs']);
  const bps = useApi<BreakpointsDto>('/api/breakpoints', ['logs']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  const list = bps.data ? html`<${Breakpoints} doc=${bps.data} reload=${bps.reload} />` : '';
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
