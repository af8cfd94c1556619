import type { Span } from '@opentelemetry/api';
import type { RequestMetadata } from '../types.js';

/** What core keeps about one request, reachable from its async context. */
export interface RequestState {
  readonly requestId: string;
  /** The request's SERVER span. */
  readonly span: Span;
  readonly framework: string;
  /**
   * True when TraceKit generated `requestId` (no valid incoming header): a value TraceKit
   * produced itself, which the redactor does not scan.
   */
  readonly ownRequestId?: boolean;
  /** Set by `setMetadata`; attached to every span of the request when it is exported. */
  metadata: RequestMetadata | undefined;
  /**
   * While the request's sampling decision waits for its end: the spans that ended so far
   * (held back), or `'drop'` once the decision dropped them. Undefined: spans go straight on.
   * Typed loosely so that request state does not import the span (which refers to it): the
   * request scope keeps `TracekitSpan[]` here.
   */
  spanHold?: unknown[] | 'drop' | undefined;
  /** The export pipeline prepared the request's SERVER span: its contexts may let go of it (RequestScope.release). */
  release?(): void;
}
