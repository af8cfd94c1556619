import type { Span } from '@opentelemetry/api';
import type { RequestMetadata } from './types.js';

/** What core keeps about one request, reachable from its async context. */
export interface RequestState {
  readonly requestId: string;
  /** The request's SERVER span. */
  readonly span: Span;
  readonly framework: string;
  /** Set by `setMetadata`; attached to every span of the request when it is exported. */
  metadata: RequestMetadata | undefined;
}
