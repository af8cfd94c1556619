import type { ReadableSpan } from './types.js';

/**
 * Whether a span may be staged (encoded now, sent or written with the next batch): once its
 * request has ended, so metadata set later in the request still reaches every span of it. A
 * span outside any request may be staged at once. Used by the file store and the OTLP exporter.
 */
export function requestEnded(span: ReadableSpan): boolean {
  const request = span.request;
  return request === undefined || !request.span.isRecording();
}
