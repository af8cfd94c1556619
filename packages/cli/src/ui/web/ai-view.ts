import type { AiCallDto } from '../api-types.js';
import { useApi } from './api.js';
import { Empty, ErrorNote, Loading } from './components.js';
import { ms, time } from './format.js';
import { html } from './html.js';
import { traceLink } from './trace-link.js';

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
