import { SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { TracekitClient } from '../client.js';
import { requestOf } from '../context/context.js';
import { createRedactor, type Redactor } from '../redaction/redactor.js';
import { TracekitSpan } from '../tracing/span.js';
import type { RequestInfo } from '../types.js';

const pathOf = (target: string): string => {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
};

/**
 * The SERVER span another instrumentation already runs for this request, which TraceKit then
 * enriches instead of starting a second one: OpenTelemetry's `instrumentation-http` starts a
 * SERVER span and makes it active before the framework (and so the adapter) sees the request.
 *
 * Adopted only when the active span is recording, is of kind SERVER (read from the SDK span's
 * `kind`), is not TraceKit's own, no TraceKit request is active already (an in-process
 * sub-request gets its own span as before), and, when the span exposes its attributes, its
 * `url.path` or `http.target` names the same path. Never throws.
 */
export function existingServerSpan(ctx: Context, info: RequestInfo): Span | undefined {
  try {
    if (requestOf(ctx)) return undefined;
    const span = trace.getSpan(ctx) as (Span & { kind?: unknown; attributes?: Record<string, unknown> }) | undefined;
    if (!span || span instanceof TracekitSpan || span.kind !== SpanKind.SERVER || !span.isRecording()) return undefined;
    const attributes = span.attributes;
    if (attributes !== null && typeof attributes === 'object') {
      const theirs = attributes['url.path'] ?? attributes['http.target'];
      if (typeof theirs === 'string' && pathOf(theirs) !== pathOf(info.target)) return undefined;
    }
    return span;
  } catch {
    return undefined;
  }
}

const redactors = new WeakMap<TracekitClient, Redactor>();

/**
 * Sets TraceKit's attributes on a span another SDK owns and exports, redacted as TraceKit's own
 * spans are (TraceKit's pipeline, which redacts, never sees that span).
 */
export function setForeignAttributes(client: TracekitClient, span: Span, attributes: Attributes): void {
  try {
    let redact = redactors.get(client);
    if (!redact) {
      redact = createRedactor(client.config.redaction);
      redactors.set(client, redact);
    }
    span.setAttributes(redact.attributes(attributes));
  } catch {
    // A foreign span that throws: the request goes on without these attributes.
  }
}
