import type { AiCallDto, BreakpointsDto, FunctionCallDto, InventoryEntryDto, LogDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ago, ms, time, value } from './format.js';
import { html } from './html.js';

const traceLink = (traceId: string, spanId?: string) => (traceId ? html`<a class="mono" href=${`/traces/${traceId}${spanId ? `?span=${spanId}` : ''}`}>${traceId.slice(0, 8)}…</a>` : '');

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

/** AI model calls (`gen_ai.*` spans): model, tokens, cost, time to first token. */
export function AiView() {
  const { data, error } = useApi<AiCallDto[]>('/api/ai', ['traces']);
  if (error) return html`<${ErrorNote} message=${error} />`;
  if (!data) return html`<${Loading} />`;
  if (data.length === 0) {
    return html`<${Empty} title="No AI calls yet"><p>Calls to OpenAI, Anthropic and OpenAI-compatible servers made inside traced requests become spans with <code>gen_ai.*</code> attributes (model, tokens, <code>tracekit.cost.usd</code>). Any OpenTelemetry GenAI instrumentation sending here shows too.</p><//>`;
  }
  const cost = data.reduce((a, c) => a + (c.costUsd ?? 0), 0);
  return html`<section class="view">
    <div class="muted pad-s">${data.length} calls, $${cost.toFixed(4)} in all</div>
    <table class="list ai" aria-label="AI calls">
    <thead><tr><th>Time</th><th>Operation</th><th>Provider</th><th>Model</th><th class="num">In</th><th class="num">Out</th><th class="num">Cost</th><th class="num">First token</th><th class="num">Duration</th><th>Conversation</th><th>Trace</th></tr></thead>
    <tbody>${data.map(
      (c) => html`<tr key=${c.spanId} class=${c.error ? 'has-error' : ''}>
        <td>${time(c.time)}</td><td>${c.operation}</td><td>${c.provider}</td><td>${c.model}</td>
        <td class="num">${c.inputTokens ?? ''}</td><td class="num">${c.outputTokens ?? ''}</td>
        <td class="num">${c.costUsd !== undefined ? `$${c.costUsd.toFixed(5)}` : ''}</td>
        <td class="num">${c.timeToFirstChunk !== undefined ? ms(c.timeToFirstChunk * 1000) : ''}</td>
        <td class="num">${ms(c.duration)}</td>
        <td>${c.conversationId ? html`<a href=${`/traces?attr=${encodeURIComponent(`gen_ai.conversation.id=${c.conversationId}`)}`}>${c.conversationId}</a>` : ''}</td>
        <td>${traceLink(c.traceId, c.spanId)}${c.error ? html` <span class="err">${c.error}</span>` : ''}</td>
      </tr>`,
    )}</tbody></table></section>`;
}

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
