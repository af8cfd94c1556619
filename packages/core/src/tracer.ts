import {
  context as apiContext,
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { requestOf } from './context.js';
import { newSpanId, newTraceId } from './ids.js';
import type { Sampler } from './sampler.js';
import { TracekitSpan, type SpanSink } from './span.js';

/** Counters the tracer keeps. */
export interface TracerCounters {
  spansStarted: number;
  sampledOut: number;
}

/**
 * An OpenTelemetry `Tracer` that creates {@link TracekitSpan}s, or non-recording spans for
 * traces the sampler drops (so the trace ID and the unsampled flag still propagate).
 */
export class TracekitTracer implements Tracer {
  constructor(
    private readonly sink: SpanSink,
    private readonly sampler: Sampler,
    private readonly counters: TracerCounters,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = apiContext.active()): Span {
    const parentSpan = options.root ? undefined : trace.getSpan(ctx);
    // Fast path: a local TraceKit parent is valid by construction and already sampled.
    if (parentSpan instanceof TracekitSpan) {
      this.counters.spansStarted++;
      return new TracekitSpan(this.sink, parentSpan.traceId, newSpanId(), parentSpan.spanId, parentSpan.traceFlags, parentSpan.traceState, name, options.kind, options.attributes, options.startTime, requestOf(ctx), options.links);
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
      sampled = this.sampler.shouldSample({ traceId, parent });
      if (!sampled) this.counters.sampledOut++;
    }
    if (!sampled) {
      return trace.wrapSpanContext({ traceId, spanId: newSpanId(), traceFlags: TraceFlags.NONE, traceState: parent?.traceState });
    }
    this.counters.spansStarted++;
    return new TracekitSpan(
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
