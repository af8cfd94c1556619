import {
  TraceFlags,
  type Attributes,
  type Exception,
  type SpanContext,
  type TimeInput,
  type TraceState,
} from '@opentelemetry/api';
import { InertSpan } from '../tracing/inert-span.js';
import { exceptionAttributes } from '../errors/exception.js';
import { randomWord, wordHex, wordsHex } from './random-words.js';

/**
 * Told when a span of a dropped request records an exception, so tail sampling can keep the
 * request. A status of ERROR alone does not count: an outbound call's 404 is not a failure.
 */
export interface FailureObserver {
  /** An `exception` event (its attributes) was recorded on a span of the request. */
  noteException(attributes: Attributes): void;
}

/**
 * The one span object of a trace the head sampler dropped: it records nothing, and every span
 * started under it is this same object (no allocation, no new span ID per child), so a dropped
 * request costs one object however many spans the app starts. Its span ID is the SERVER span's,
 * which is the parent ID that downstream services see in `traceparent` (with the sampled flag
 * off); if tail sampling keeps the request, the kept SERVER span has this ID, so a downstream
 * service that also kept its part links to it.
 *
 * Its IDs are written out in hex, and its `SpanContext` built, only when something reads them (a
 * downstream call, `getTraceId()`, log correlation), since most dropped requests never do.
 */
export class UnsampledSpan extends InertSpan {
  readonly traceFlags: number = TraceFlags.NONE;
  private hexTraceId: string | undefined;
  private hexSpanId: string | undefined = undefined;
  private context: SpanContext | undefined = undefined;

  /**
   * @param traceId the trace ID in hex, or undefined when `words` hold it (a new trace)
   * @param words the new trace ID's four 32-bit words (not all zero), most significant first
   */
  constructor(
    traceId: string | undefined,
    private readonly words: readonly [number, number, number, number] | undefined,
    readonly traceState: TraceState | undefined,
    /** The request scope when tail sampling may keep the request; else undefined (and after {@link detach}). */
    private observer: FailureObserver | undefined,
  ) {
    super();
    this.hexTraceId = traceId;
  }

  /** Its request ended and was not kept: exceptions recorded from now on have nobody to tell, and the span no longer keeps the request's scope. */
  detach(): void {
    this.observer = undefined;
  }

  get traceId(): string {
    if (this.hexTraceId === undefined) {
      const w = this.words ?? [0, 0, 0, 1];
      this.hexTraceId = wordsHex(w[0], w[1], w[2], w[3]);
    }
    return this.hexTraceId;
  }

  get spanId(): string {
    if (this.hexSpanId === undefined) {
      let hi = randomWord();
      const lo = randomWord();
      if (hi === 0 && lo === 0) hi = 1;
      this.hexSpanId = wordHex(hi) + wordHex(lo);
    }
    return this.hexSpanId;
  }

  spanContext(): SpanContext {
    return (this.context ??= { traceId: this.traceId, spanId: this.spanId, traceFlags: TraceFlags.NONE, traceState: this.traceState, isRemote: false });
  }

  override addEvent(name: string, attributesOrTime?: Attributes | TimeInput, _time?: TimeInput): this {
    // recordException() in the API helpers and in adapters adds an `exception` event directly.
    if (this.observer && name === 'exception' && attributesOrTime !== null && typeof attributesOrTime === 'object' && !(attributesOrTime instanceof Date) && !Array.isArray(attributesOrTime)) {
      this.observer.noteException(attributesOrTime);
    }
    return this;
  }

  override recordException(exception: Exception, _time?: TimeInput): void {
    if (this.observer) this.observer.noteException(exceptionAttributes(exception));
  }
}
