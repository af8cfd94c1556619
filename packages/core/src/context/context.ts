import { context, createContextKey, trace, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LinkedContext, SPAN_KEY } from './linked-context.js';
import type { RequestState } from './request-state.js';

const REQUEST_KEY = createContextKey('tracekit.request');
// The key @opentelemetry/core's suppressTracing() uses (createContextKey is Symbol.for), so a
// context suppressed by either TraceKit or an OpenTelemetry SDK exporter is honoured.
const SUPPRESS_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const MANAGER_KEY = Symbol.for('tracekit.contextManager');

/**
 * Makes sure an OpenTelemetry context manager is active. If the app (or its OpenTelemetry SDK)
 * registered one already, that one is used, so TraceKit and the SDK share one context.
 */
export function ensureContextManager(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[MANAGER_KEY]) return;
  const probe = createContextKey('tracekit.probe');
  const marker = {};
  // If with() carries a value into the callback, a working context manager is registered.
  const works = context.with(context.active().setValue(probe, marker), () => context.active().getValue(probe) === marker);
  if (!works) {
    const manager = new AsyncLocalStorageContextManager();
    manager.enable();
    if (!context.setGlobalContextManager(manager)) manager.disable();
  }
  g[MANAGER_KEY] = true;
}

/** The context with the request attached: one small object, the parent is not copied. */
export function withRequest(ctx: Context, state: RequestState): Context {
  return new LinkedContext(ctx, REQUEST_KEY, state, SPAN_KEY, state.span);
}

/**
 * Runs `fn` in `ctx`, entering it only when it is not the active context already. An adapter
 * runs a route handler (or a guard, an interceptor) in its span's context; for a dropped request
 * that context is the request's own, which the adapter entered at the start, and entering it
 * again costs an `AsyncLocalStorage.run` for nothing (about 0.3 µs on Node 24, where each entry
 * copies the context frame: docs/performance.md, round 6).
 */
export function runIn<T>(ctx: Context, fn: () => T): T {
  return context.active() === ctx ? fn() : context.with(ctx, fn);
}

/** The context with the request attached and the active span left as it is (to start the request's own span in). */
export function withRequestState(ctx: Context, state: RequestState): Context {
  return ctx.setValue(REQUEST_KEY, state);
}

/** The request of the current async flow, if any. */
export function activeRequest(): RequestState | undefined {
  return context.active().getValue(REQUEST_KEY) as RequestState | undefined;
}

/** The request recorded in a given context. */
export function requestOf(ctx: Context): RequestState | undefined {
  return ctx.getValue(REQUEST_KEY) as RequestState | undefined;
}

/** The active span of the current async flow, if any. */
export function activeSpan(): Span | undefined {
  return trace.getSpan(context.active());
}

/** A context in which outbound calls are not traced (TraceKit's own exporter requests). */
export function suppressTracing(ctx: Context = context.active()): Context {
  return ctx.setValue(SUPPRESS_KEY, true);
}

/** True when tracing is suppressed in the context. */
export function isTracingSuppressed(ctx: Context = context.active()): boolean {
  return ctx.getValue(SUPPRESS_KEY) === true;
}
