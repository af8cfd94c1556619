import { html } from './html.js';

/** A short link to a trace (and span), or nothing without a trace ID. */
export const traceLink = (traceId: string, spanId?: string) => (traceId ? html`<a class="mono" href=${`/traces/${traceId}${spanId ? `?span=${spanId}` : ''}`}>${traceId.slice(0, 8)}…</a>` : '');
