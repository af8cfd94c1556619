import { context as api, INVALID_SPAN_CONTEXT, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

/**
 * The tracer of a client with `enabled: false` (`TRACEKIT_ENABLED=false`): every span it starts is
 * non-recording, so manual spans (`startSpan`, `withSpan`, `trace()`, `@Trace()`) cost almost
 * nothing and nothing reaches the store or an exporter, while the app's code runs unchanged.
 */
export class DisabledTracer implements Tracer {
  private readonly span: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

  startSpan(_name: string, _options?: SpanOptions, parent?: Context): Span {
    // Keep a parent's context (so IDs still flow through the app), recording nothing.
    const parentSpan = parent ? trace.getSpan(parent) : undefined;
    return parentSpan && !parentSpan.isRecording() ? parentSpan : this.span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = (args.length > 1 ? args[0] : undefined) as SpanOptions | undefined;
    const parent = (args.length > 2 ? args[1] : undefined) as Context | undefined;
    const span = this.startSpan(name, options, parent);
    return api.with(trace.setSpan(parent ?? api.active(), span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}
