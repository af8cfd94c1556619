import type { Span } from '@opentelemetry/api';
import type { RequestMetadata } from '../types.js';
import type { RequestState } from './request-state.js';

/**
 * What a finished, exported request leaves in its async context (RequestScope.release): its
 * request ID and its SERVER span's IDs, enough for log correlation and `getRequestId()` in a
 * callback that outlives the request, and nothing of its spans' attributes. Metadata set now is
 * kept here and reaches no span (the request's spans were exported).
 */
export class EndedRequest implements RequestState {
  metadata: RequestMetadata | undefined = undefined;
  readonly spanHold = undefined;

  constructor(
    readonly requestId: string,
    /** A non-recording span with the SERVER span's IDs. */
    readonly span: Span,
    readonly framework: string,
    readonly ownRequestId: boolean,
  ) {}
}
