import {
  context as apiContext,
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { requestOf } from '../context/context.js';
import { scopedMetadataOf } from '../context/metadata.js';
import { newSpanId, newTraceId } from './ids.js';
import type { RequestState } from '../context/request-state.js';
import type { TracekitSampler } from '../sampling/sampler.js';
import { UnsampledSpan } from '../sampling/unsampled-span.js';
import { TracekitSpan, type SpanSink } from './span.js';

/** Counters the tracer keeps. */
export interface TracerCounters {
  spansStarted: number;
  sampledOut: number;
}

/**
 * An OpenTelemetry `Tracer` that creates {@link TracekitSpan}s, or, for traces the sampler
 * drops, one {@link UnsampledSpan} per trace (so the trace ID and the unsampled flag still
 * propagate, at the cost of one object however many spans the app starts).
 */
export class TracekitTracer implements Tracer {
  constructor(
    private readonly sink: SpanSink,
    private readonly sampler: TracekitSampler,
    private readonly counters: TracerCounters,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = apiContext.active()): Span {
    const parentSpan = options.root ? undefined : trace.getSpan(ctx);
    // A dropped trace stays one non-recording span: children are the parent itself.
    if (parentSpan instanceof UnsampledSpan) return parentSpan;
    // Fast path: a local TraceKit parent is valid by construction and already sampled.
    if (parentSpan instanceof TracekitSpan) {
      this.counters.spansStarted++;
      const child = new TracekitSpan(this.sink, parentSpan.traceId, newSpanId(), parentSpan.spanId, parentSpan.traceFlags, parentSpan.traceState, name, options.kind, options.attributes, options.startTime, requestOf(ctx), options.links);
      child.scopedMetadata = scopedMetadataOf(ctx);
      return child;
    }
    let parent = parentSpan?.spanContext();
    if (parent && !isSpanContextValid(parent)) parent = undefined;
    let sampled: boolean;
    let traceId: string;
    if (parent && !parent.isRemote) {
      traceId = parent.traceId;
      sampled = (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    } else {
      traceId = parent ? parent.traceId : newTraceId();
      sampled = this.sampler.decideRoot(traceId, parent);
    }
    if (!sampled) return new UnsampledSpan(traceId, undefined, parent?.traceState, undefined);
    this.counters.spansStarted++;
    const span = new TracekitSpan(
      this.sink,
      traceId,
      newSpanId(),
      parent?.spanId,
      TraceFlags.SAMPLED,
      parent?.traceState,
      name,
      options.kind,
      options.attributes,
      options.startTime,
      requestOf(ctx),
      options.links,
    );
    span.scopedMetadata = scopedMetadataOf(ctx);
    return span;
  }

  /**
   * Starts a recording span for a decision the caller made (the request scope, which samples
   * with the request's method, path and route): no sampling happens here.
   */
  startDecided(
    name: string,
    options: SpanOptions,
    traceId: string,
    spanId: string,
    parent: SpanContext | undefined,
    request: RequestState | undefined,
  ): TracekitSpan {
    this.counters.spansStarted++;
    // The SERVER span's start attributes are built by the request scope for this span alone.
    return new TracekitSpan(this.sink, traceId, spanId, parent?.spanId, TraceFlags.SAMPLED, parent?.traceState, name, options.kind, options.attributes, options.startTime, request, options.links, true);
  }

  /** Hands on the spans a request held back while its sampling decision waited (it was kept). */
  release(spans: readonly TracekitSpan[]): void {
    for (const span of spans) this.sink.onEnd(span);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    let options: SpanOptions = {};
    let ctx = apiContext.active();
    let fn: F;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a ?? {};
      fn = b;
    } else {
      options = a ?? {};
      ctx = b ?? ctx;
      fn = c as F;
    }
    const span = this.startSpan(name, options, ctx);
    return apiContext.with(trace.setSpan(ctx, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}
