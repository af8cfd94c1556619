import {
  context as apiContext,
  isSpanContextValid,
  ProxyTracerProvider,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { requestOf } from '../context/context.js';
import { TracekitSpan, type SpanSink } from './span.js';
import type { TracerCounters } from './tracer.js';

// The API's own no-op provider: what an empty global proxy delegates to.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_NAMES = new Set(['NoopTracerProvider', 'NonRecordingTracerProvider']);

type MaybeProxy = TracerProvider & { getDelegate?: () => TracerProvider };

/**
 * The TracerProvider the app registered with `trace.setGlobalTracerProvider` (an
 * OpenTelemetry SDK's `provider.register()` or `NodeSDK.start()`), or `undefined` when the
 * global is still the API's proxy without a delegate. Checked once, at `init()`: register the
 * SDK before calling it.
 */
export function registeredTracerProvider(): TracerProvider | undefined {
  let provider: MaybeProxy | undefined = trace.getTracerProvider();
  // Unwrap proxies (another copy of the API may have registered one around the SDK).
  for (let i = 0; i < 4 && provider && typeof provider.getDelegate === 'function'; i++) {
    const next: MaybeProxy = provider.getDelegate();
    if (next === provider) break;
    provider = next;
  }
  if (!provider || provider === NOOP_PROVIDER || typeof provider.getTracer !== 'function') return undefined;
  if (NOOP_NAMES.has((provider as { constructor?: { name?: string } }).constructor?.name ?? '')) return undefined;
  if (typeof provider.getDelegate === 'function') return undefined;
  return provider;
}

/** Metadata and redaction, exactly as TraceKit's own pipeline applies them before export. */
export type SpanPreparer = (span: TracekitSpan) => void;

const NO_SINK: SpanSink = { onEnd: () => undefined };
const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/**
 * TraceKit's tracer when the app already runs an OpenTelemetry SDK: every span is started on
 * the SDK's tracer (so its sampler decides, its IDs are used and its processors and exporters
 * see the span), while TraceKit hands out one of its own spans with the same IDs. The
 * adapters, request IDs, errors and `setMetadata` work on that span as usual; when it ends,
 * metadata and redaction are applied and the result (name, attributes, events, status, links,
 * end time) is copied onto the SDK span, which is then ended. Attributes given at start are
 * redacted before the SDK sees them, so no processor's `onStart` sees a secret either.
 */
export class SdkBridgeTracer implements Tracer, SpanSink {
  private readonly foreign = new WeakMap<TracekitSpan, { span: Span; links: number }>();
  /**
   * Where ended spans go first; by default straight to {@link onEnd}. The client puts its error
   * recorder here (which completes error details, then calls `onEnd`).
   */
  sink: SpanSink = this;

  constructor(
    private readonly sdkTracer: Tracer,
    private readonly prepare: SpanPreparer,
    private readonly counters: TracerCounters,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = apiContext.active()): Span {
    const request = requestOf(ctx);
    let attributes = options.attributes;
    if (attributes) {
      const scratch = new TracekitSpan(NO_SINK, ZERO_TRACE, ZERO_SPAN, undefined, 0, undefined, name, options.kind, attributes, options.startTime, request);
      try {
        this.prepare(scratch);
        attributes = scratch.attributes;
      } catch {
        // Never hand the SDK unprepared values: it starts without them (they are set at the end).
        attributes = undefined;
      }
    }
    const sdkSpan = this.sdkTracer.startSpan(name, { ...options, attributes }, ctx);
    if (!sdkSpan.isRecording()) {
      this.counters.sampledOut++;
      return sdkSpan;
    }
    this.counters.spansStarted++;
    const sc = sdkSpan.spanContext();
    const parent = options.root ? undefined : trace.getSpanContext(ctx);
    const span = new TracekitSpan(
      this.sink,
      sc.traceId,
      sc.spanId,
      parent && isSpanContextValid(parent) ? parent.spanId : undefined,
      sc.traceFlags,
      sc.traceState,
      name,
      options.kind,
      options.attributes,
      options.startTime,
      request,
      options.links,
    );
    this.foreign.set(span, { span: sdkSpan, links: span.links?.length ?? 0 });
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : c) as F;
    const options = typeof a === 'function' ? {} : (a ?? {});
    const ctx = typeof b === 'object' && b !== null ? b : apiContext.active();
    const span = this.startSpan(name, options, ctx);
    return apiContext.with(trace.setSpan(ctx, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }

  /** A span is complete: copy it onto the SDK span and end that. */
  onEnd(span: TracekitSpan): void {
    const entry = this.foreign.get(span);
    if (!entry) return;
    this.foreign.delete(span);
    const sdkSpan = entry.span;
    let prepared = true;
    try {
      this.prepare(span);
    } catch {
      // Unredacted values must not reach the SDK: the span then ends with its start attributes only.
      prepared = false;
    }
    try {
      sdkSpan.updateName(span.name);
      if (prepared) {
        sdkSpan.setAttributes(span.attributes);
        for (const e of span.events ?? []) sdkSpan.addEvent(e.name, e.attributes, e.time);
      }
      for (const link of span.links?.slice(entry.links) ?? []) sdkSpan.addLink(link);
      if (span.status.code !== SpanStatusCode.UNSET) sdkSpan.setStatus(span.status);
    } catch {
      // a foreign span that throws must not break the request
    } finally {
      try {
        sdkSpan.end(span.endTime);
      } catch {
        // as above
      }
    }
  }
}
