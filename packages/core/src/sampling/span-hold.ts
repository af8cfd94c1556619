import type { SpanSink, TracekitSpan } from '../tracing/span.js';

/** Spans one request may hold back while its sampling decision waits; more are dropped and counted. */
export const MAX_HELD_SPANS = 1000;

/**
 * The tracer's sink: a span of a request whose sampling decision waits for its end (a route
 * rule, see sampler.ts) is held on the request; a span of a request already dropped is
 * discarded; every other span goes straight on. One property read per span.
 */
export class HoldingSink implements SpanSink {
  constructor(
    private readonly next: SpanSink,
    private readonly counters: Record<string, number>,
  ) {
    counters.spansDropped ??= 0;
  }

  onEnd(span: TracekitSpan): void {
    const hold = span.request?.spanHold;
    if (hold === undefined) this.next.onEnd(span);
    else if (hold !== 'drop') {
      if (hold.length < MAX_HELD_SPANS) hold.push(span);
      else this.counters.spansDropped!++;
    }
  }
}
