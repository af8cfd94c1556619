import { isSpanContextValid, type Attributes } from '@opentelemetry/api';
import { activeRequest, activeSpan } from '../context/context.js';
import { TracekitSpan } from '../tracing/span.js';

/** The request a capture happened in, as log record attributes and IDs. */
export interface CaptureContext {
  attributes: Attributes;
  traceId: string | undefined;
  spanId: string | undefined;
}

/** Attributes of the SERVER span copied into a capture: the request's method, route and URL. */
const COPIED = ['http.request.method', 'http.route', 'url.path', 'url.query', 'url.scheme', 'server.address', 'tracekit.framework'];
const HEADER_PREFIX = 'http.request.header.';

/**
 * The context of the current request, read from its async context: method, route, URL path and
 * query (redacted later by the redactor, as on spans), request ID, trace and span IDs of the active
 * span, and the request headers the adapter's `captureHeaders` allow-list recorded. Outside a
 * request only the active span's IDs (if any) are given. Never throws.
 */
export function captureContext(): CaptureContext {
  const attributes: Attributes = {};
  const request = activeRequest();
  if (request) {
    attributes['tracekit.request_id'] = request.requestId;
    const server = request.span;
    if (server instanceof TracekitSpan) {
      const source = server.attributes;
      for (const key of COPIED) {
        const v = source[key];
        if (v !== undefined) attributes[key] = v;
      }
      for (const key in source) {
        if (key.startsWith(HEADER_PREFIX)) attributes[key] = source[key]!;
      }
    }
  }
  const sc = activeSpan()?.spanContext();
  const linked = sc !== undefined && isSpanContextValid(sc);
  return { attributes, traceId: linked ? sc.traceId : undefined, spanId: linked ? sc.spanId : undefined };
}
