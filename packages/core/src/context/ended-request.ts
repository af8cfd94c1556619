import type { Span, SpanContext, TraceState } from '@opentelemetry/api';
import { InertSpan } from '../tracing/inert-span.js';
import type { RequestMetadata } from '../types.js';
import type { RequestState } from './request-state.js';

/**
 * A finished, exported span as its contexts keep it (RequestScope.release): its IDs only,
 * non-recording, like the ended span it stands for (which ignored every change too).
 */
export class EndedSpan extends InertSpan {
  private ids: SpanContext | undefined = undefined;

  // The IDs as fields, the SpanContext object made only if something asks for it later.
  constructor(
    private readonly traceId: string,
    private readonly spanId: string,
    private readonly traceFlags: number,
    private readonly traceState: TraceState | undefined,
  ) {
    super();
  }

  /** The stand-in for an ended span (its IDs, flags and trace state). */
  static of(span: Span): EndedSpan {
    const c = span.spanContext();
    return new EndedSpan(c.traceId, c.spanId, c.traceFlags, c.traceState);
  }

  spanContext(): SpanContext {
    return (this.ids ??= { traceId: this.traceId, spanId: this.spanId, traceFlags: this.traceFlags, traceState: this.traceState, isRemote: false });
  }
}

/**
 * What a finished, exported request leaves in its async context: its request ID and its SERVER
 * span's IDs (it is its own stand-in span), enough for log correlation, `getRequestId()` and
 * spans started in a callback that outlives the request, and nothing of its spans' attributes.
 * Metadata set now is kept here and reaches no span (the request's spans were exported).
 */
export class EndedRequest extends EndedSpan implements RequestState {
  metadata: RequestMetadata | undefined = undefined;
  readonly spanHold = undefined;

  constructor(
    readonly requestId: string,
    server: { readonly traceId: string; readonly spanId: string; readonly traceFlags: number; readonly traceState?: TraceState },
    readonly framework: string,
    readonly ownRequestId: boolean,
  ) {
    super(server.traceId, server.spanId, server.traceFlags, server.traceState);
  }

  get span(): Span {
    return this;
  }
}

/**
 * What a finished request the sampler dropped leaves in its async context: its request ID and
 * its one unsampled span (which stays the parent of whatever starts later, unsampled), not the
 * request's scope. Like {@link EndedRequest}, metadata set now reaches no span.
 */
export class DroppedRequest implements RequestState {
  metadata: RequestMetadata | undefined = undefined;
  readonly spanHold = undefined;

  constructor(
    readonly requestId: string,
    readonly span: Span,
    readonly framework: string,
    readonly ownRequestId: boolean,
  ) {}
}
