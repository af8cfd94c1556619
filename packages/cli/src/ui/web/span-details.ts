import type { LogDto, SpanDto } from '../api-types.js';
import { AttrTable } from './components.js';
import { KINDS, ms, time, value } from './format.js';
import { Frames, parseFrames } from './frames.js';
import { html } from './html.js';

const STATUS = ['UNSET', 'OK', 'ERROR'];

/** An `exception` event: type, message, parsed frames with source context, and the raw stack on demand. */
function Exception({ attrs }: { attrs: SpanDto['events'][number]['attributes'] }) {
  const frames = parseFrames(attrs['tracekit.error.frames']);
  return html`<div class="exception">
    <div class="exc-title"><strong>${value(attrs['exception.type'])}</strong>: ${value(attrs['exception.message'])}</div>
    ${attrs['tracekit.error.fingerprint'] !== undefined && html`<div class="small"><a href=${`/errors/${encodeURIComponent(value(attrs['tracekit.error.fingerprint']))}`}>all occurrences of this error</a></div>`}
    ${frames.length > 0 ? html`<${Frames} frames=${frames} />` : attrs['exception.stacktrace'] !== undefined ? html`<pre class="stack">${value(attrs['exception.stacktrace'])}</pre>` : ''}
  </div>`;
}

/** Everything about one span: timing, status, attributes, events (exceptions with frames), links, resource, logs. */
export function SpanDetails({ span, traceStart, logs }: { span: SpanDto; traceStart: number; logs: LogDto[] }) {
  const spanLogs = logs.filter((l) => l.spanId === span.spanId);
  const filterLink = (k: string, v: string) => `/traces?attr=${encodeURIComponent(`${k}=${v}`)}`;
  return html`<aside class="details" aria-label="Span details">
    <h3 class="span-title">${span.name}</h3>
    <dl class="facts">
      <dt>Kind</dt><dd>${KINDS[span.kind] ?? span.kind}</dd>
      <dt>Service</dt><dd>${span.service}</dd>
      <dt>Duration</dt><dd>${ms(span.duration)} <span class="muted">(at +${ms(span.start - traceStart)})</span></dd>
      <dt>Status</dt><dd class=${span.status.code === 2 ? 'err' : ''}>${STATUS[span.status.code] ?? span.status.code}${span.status.message ? ` — ${span.status.message}` : ''}</dd>
      <dt>Span ID</dt><dd class="mono">${span.spanId}</dd>
      <dt>Parent</dt><dd class="mono">${span.parentSpanId || '(root)'}</dd>
      ${span.scope && html`<dt>Scope</dt><dd>${span.scope}</dd>`}
    </dl>
    <h4>Attributes</h4>
    <${AttrTable} attrs=${span.attributes} filterLink=${filterLink} />
    ${span.events.length > 0 &&
    html`<h4>Events</h4>${span.events.map(
      (e, i) => html`<div class="event" key=${i}>
        <div><span class="muted">+${ms(e.time - traceStart)}</span> <strong>${e.name}</strong></div>
        ${e.name === 'exception' ? html`<${Exception} attrs=${e.attributes} />` : html`<${AttrTable} attrs=${e.attributes} />`}
      </div>`,
    )}`}
    ${span.links.length > 0 &&
    html`<h4>Links</h4>${span.links.map(
      (l, i) => html`<div key=${i} class="link-row"><a class="mono" href=${`/traces/${l.traceId}?span=${l.spanId}`}>${l.traceId} / ${l.spanId}</a><${AttrTable} attrs=${l.attributes} /></div>`,
    )}`}
    ${spanLogs.length > 0 &&
    html`<h4>Logs</h4>${spanLogs.map((l, i) => html`<div key=${i} class="log"><span class="muted">${time(l.time)}</span> <span class="sev">${l.severity}</span> ${l.eventName ? html`<strong>${l.eventName}</strong> ` : ''}${value(l.body)}</div>`)}`}
    <h4>Resource</h4>
    <${AttrTable} attrs=${span.resource} />
  </aside>`;
}
