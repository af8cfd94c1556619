import { preview } from './preview.js';
import { context, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ensureClient, getClient } from '../client.js';
import { activeRequest, activeSpan } from '../context/context.js';
import { errorMessage, exceptionAttributes } from '../errors/exception.js';
import type { RequestMetadata, SpanStatusInput } from '../types.js';

/** The current request's ID, anywhere in its async flow. */
export function getRequestId(): string | undefined {
  return activeRequest()?.requestId;
}

/** The current trace ID, anywhere in the request's async flow. */
export function getTraceId(): string | undefined {
  const span = activeSpan();
  return span ? span.spanContext().traceId : undefined;
}

/** The active span (the request's SERVER span, or the innermost child). */
export function getActiveSpan(): Span | undefined {
  return activeSpan();
}

/**
 * Attaches identifiers to every span of the current request (`userId` → `user.id`,
 * `sessionId` → `session.id`, others → `tracekit.metadata.<key>`). Merges with earlier calls.
 * Outside a request it does nothing.
 *
 * @example
 * tracekit.setMetadata({ userId: req.user.id, organizationId: req.user.org });
 */
export function setMetadata(metadata: RequestMetadata): void {
  const request = activeRequest();
  if (!request || metadata === null || typeof metadata !== 'object') return;
  request.metadata = { ...request.metadata, ...metadata };
}

/** Removes the current request's metadata. */
export function clearMetadata(): void {
  const request = activeRequest();
  if (request) request.metadata = undefined;
}

/**
 * Starts a span as a child of the active span. End it with {@link endSpan}. It does not become
 * active itself; use {@link withSpan} for that.
 */
export function startSpan(name: string, attributes?: Attributes): Span {
  return ensureClient().tracer.startSpan(name, { attributes });
}

function toStatus(status: SpanStatusInput): { code: SpanStatusCode; message?: string } {
  const s = typeof status === 'string' ? { code: status } : status;
  const code = s.code === 'ok' ? SpanStatusCode.OK : s.code === 'error' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET;
  return 'message' in s && s.message !== undefined ? { code, message: s.message } : { code };
}

/** Ends a span, optionally adding attributes and a status (`'ok'`, `'error'` or `{ code, message }`). */
export function endSpan(span: Span, attributes?: Attributes, status?: SpanStatusInput): void {
  try {
    if (attributes) span.setAttributes(attributes);
    if (status) span.setStatus(toStatus(status));
    span.end();
  } catch {
    // A foreign span that throws must not break the caller.
  }
}

/**
 * Records a thrown value on a span as an `exception` event and marks the span as failed. The
 * event gets the same details as an escaped exception (frames, source context, fingerprint,
 * culprit location; see docs/errors.md). Never throws.
 */
export function recordException(span: Span, error: unknown): void {
  try {
    const client = getClient();
    if (client) client.errors.record(span, error);
    else span.addEvent('exception', exceptionAttributes(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
  } catch {
    // never throw into user code
  }
}

/**
 * Runs `fn` inside a new active child span and ends the span when `fn` returns or its promise
 * settles. A throw or rejection is recorded and passed on unchanged.
 *
 * @example
 * const user = await tracekit.withSpan('db.users.find', () => db.users.find(id), { 'db.system.name': 'postgresql' });
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, attributes?: Attributes): T {
  const span = startSpan(name, attributes);
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), fn, undefined, span);
  } catch (err) {
    recordException(span, err);
    span.end();
    throw err;
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    return (result as unknown as PromiseLike<unknown>).then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        recordException(span, err);
        span.end();
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

/** Options of {@link trace}. */
export interface TraceOptions {
  /** The span name. Default: the function's name. */
  name?: string;
  attributes?: Attributes;
  /** Record a short preview of the arguments as `tracekit.args`. Default false. */
  captureArgs?: boolean;
  /** Record a short preview of the return value as `tracekit.return`. Default false. */
  captureReturn?: boolean;
}

const PREVIEW_MAX = 256;

/** The arguments, each previewed one level deep without running the app's getters, `toJSON` or proxy traps. */
function argsPreview(args: readonly unknown[]): string {
  const text = `[${args.map((a) => preview(a, PREVIEW_MAX)).join(',')}]`;
  return text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX)}…` : text;
}

/**
 * Wraps a function so that every call runs in its own span (see {@link withSpan}).
 *
 * @example
 * const findUser = tracekit.trace(async function findUser(id: string) { ... });
 */
export function traceFn<F extends (...args: never[]) => unknown>(fn: F, options: TraceOptions = {}): F {
  const name = options.name ?? (fn.name || 'anonymous');
  const wrapped = function (this: unknown, ...args: Parameters<F>) {
    const attributes: Attributes = { ...options.attributes, 'code.function.name': name };
    if (options.captureArgs) attributes['tracekit.args'] = argsPreview(args);
    return withSpan(
      name,
      (span) => {
        const result = fn.apply(this, args);
        if (options.captureReturn) {
          if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
            return (result as PromiseLike<unknown>).then((v) => {
              span.setAttribute('tracekit.return', preview(v, PREVIEW_MAX));
              return v;
            });
          }
          span.setAttribute('tracekit.return', preview(result, PREVIEW_MAX));
        }
        return result;
      },
      attributes,
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped as unknown as F;
}

/**
 * A method decorator: every call of the method is a span named `Class.method`. Works with
 * TypeScript's legacy decorators (`experimentalDecorators`, as NestJS uses) and with standard
 * decorators.
 *
 * @example
 * class UsersService { @Trace() async find(id: string) { ... } }
 */
export function Trace(options: Omit<TraceOptions, 'name'> & { name?: string } = {}) {
  return function (target: unknown, keyOrContext: unknown, descriptor?: PropertyDescriptor): any {
    // Standard decorators: (method, context) with context.kind === 'method'.
    if (typeof target === 'function' && keyOrContext !== null && typeof keyOrContext === 'object' && (keyOrContext as { kind?: unknown }).kind === 'method') {
      const ctx = keyOrContext as { name: string | symbol; addInitializer?: (f: (this: unknown) => void) => void };
      const method = target as (...a: never[]) => unknown;
      const methodName = String(ctx.name);
      const wrapped = function (this: unknown, ...args: never[]) {
        const owner = (this as { constructor?: { name?: string } } | undefined)?.constructor?.name;
        const name = options.name ?? (owner && owner !== 'Object' && owner !== 'Function' ? `${owner}.${methodName}` : methodName);
        return traceFn(method, { ...options, name }).apply(this, args);
      };
      Object.defineProperty(wrapped, 'name', { value: method.name });
      return wrapped;
    }
    // Legacy decorators: (prototype, key, descriptor).
    if (descriptor && typeof descriptor.value === 'function') {
      const owner = typeof target === 'function' ? target.name : (target as { constructor?: { name?: string } })?.constructor?.name;
      const name = options.name ?? (owner ? `${owner}.${String(keyOrContext)}` : String(keyOrContext));
      const original = descriptor.value as (...a: never[]) => unknown;
      const traced = traceFn(original, { ...options, name });
      descriptor.value = traced;
      // Keep metadata other decorators stored on the original (NestJS route metadata, for one).
      const reflect = Reflect as unknown as { getMetadataKeys?: (t: object) => unknown[]; getMetadata?: (k: unknown, t: object) => unknown; defineMetadata?: (k: unknown, v: unknown, t: object) => void };
      if (reflect.getMetadataKeys && reflect.getMetadata && reflect.defineMetadata) {
        for (const key of reflect.getMetadataKeys(original)) reflect.defineMetadata(key, reflect.getMetadata(key, original), traced);
      }
      return descriptor;
    }
    return descriptor;
  };
}
