import type { WaitPolicy } from './batch-processor.js';
import type { ReadableSpan } from './types.js';

/**
 * How long a span may wait in the export queue for its request to end, counted from the
 * span's own end: a child span of a stream or a long poll is exported this long after it
 * ended at the latest, even while its request goes on.
 */
export const MAX_WAIT_FOR_REQUEST_MS = 30_000;

/**
 * Whether a queued span should wait for its request to end before it is prepared (metadata
 * merged, redacted) and exported: metadata set later in the request (`setMetadata` after a
 * slow call) must still reach every span of it, also when a batch falls due meanwhile. A span
 * outside any request, or of a request that has ended, never waits; nor one that ended
 * {@link MAX_WAIT_FOR_REQUEST_MS} ago or more. The pipeline stops waiting when its queue fills
 * (BatchProcessor), so long requests cannot make new spans drop.
 */
export function waitsForRequest(span: ReadableSpan, now: number): boolean {
  const request = span.request;
  return request !== undefined && request.span.isRecording() && now - span.endTime < MAX_WAIT_FOR_REQUEST_MS;
}

/**
 * The span pipeline's wait policy: a span waits for its running request (see
 * {@link waitsForRequest}), and the request's own SERVER span, when it arrives, ends that wait
 * for the spans set aside for it.
 */
export const SPAN_WAIT_POLICY: WaitPolicy<ReadableSpan> = {
  waitsFor: (span, now) => (waitsForRequest(span, now) ? span.request : undefined),
  ends: (span) => {
    const request = span.request;
    return request !== undefined && request.span === span ? request : undefined;
  },
};
