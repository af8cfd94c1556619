import { context, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { activeRequest, handlerName, RequestScope, runIn } from '@tracekit/core/adapter';
import { isObservable, Observable } from 'rxjs';
import { routeOf, scopeOf } from './platform.js';

/**
 * Child spans for Nest's request pipeline. Nest runs every route through three consumers:
 * `GuardsConsumer.tryActivate` (guards), `InterceptorsConsumer.intercept` (interceptors
 * around pipes and the handler) and `PipesConsumer.applyPipes`. TraceKit wraps those three
 * methods on their prototypes, reached through the `ExternalContextCreator` Nest injects (so
 * no private module of @nestjs/core is imported, and the app's own copy of Nest is the one
 * patched). Each wrapper hands Nest proxies of the enhancers that time each call until its
 * promise or Observable settles; errors are recorded and passed on unchanged, so the app's
 * exception filters see exactly what they saw before.
 */

type Fn = (this: unknown, ...args: any[]) => any;
const PATCHED = Symbol.for('tracekit.nestjs.patched');

/** The Nest-side name of an enhancer or a controller: its class. */
const nameOf = (target: unknown, fallback: string): string => {
  const name = (target as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : fallback;
};

/**
 * The context new child spans hang from: the current one while it belongs to this request,
 * else the request's own (middleware may have lost it), so the enhancers and the handler
 * always run in the request's context.
 */
const parentOf = (scope: RequestScope): Context => (activeRequest() === scope ? context.active() : scope.context);

/** Ends `span` when an Observable completes, errors or is unsubscribed, and passes everything through. */
function observeEnd<T>(source: Observable<T>, onError: (err: unknown) => void, onValue: ((v: T) => void) | undefined, end: () => void): Observable<T> {
  return new Observable<T>((subscriber) => {
    const sub = source.subscribe({
      next: (v) => {
        onValue?.(v);
        subscriber.next(v);
      },
      error: (e: unknown) => {
        onError(e);
        end();
        subscriber.error(e);
      },
      complete: () => {
        end();
        subscriber.complete();
      },
    });
    return () => {
      sub.unsubscribe();
      end();
    };
  });
}

/**
 * Calls `fn` inside a new child span and ends the span when the call is done: at once for a
 * plain value, when a promise settles, and (when `observe`) when an Observable finishes.
 */
function traced<T>(scope: RequestScope, name: string, attributes: Attributes, observe: boolean, fn: () => T, onValue?: (span: Span, v: unknown) => void): T {
  const child = scope.startChild(name, attributes, parentOf(scope));
  const span = child.span;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.end();
  };
  const settle = (value: unknown): unknown => {
    if (observe && isObservable(value)) return observeEnd(value, (e) => scope.recordChildError(span, e), onValue && ((v) => onValue(span, v)), end);
    onValue?.(span, value);
    end();
    return value;
  };
  let result: unknown;
  try {
    result = runIn(child.context, fn);
  } catch (err) {
    scope.recordChildError(span, err);
    end();
    throw err;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    return (result as PromiseLike<unknown>).then(settle, (err: unknown) => {
      scope.recordChildError(span, err);
      end();
      throw err;
    }) as T;
  }
  return settle(result) as T;
}

/** A stand-in for a guard, interceptor or pipe whose `method` runs in its own span. */
function enhancer<E extends object>(scope: RequestScope, target: E, method: string, kind: string, attributes: Attributes, observe: boolean, onValue?: (span: Span, v: unknown) => void): E {
  const original = (target as Record<string, Fn>)[method];
  if (typeof original !== 'function') return target;
  const name = `${kind} ${nameOf(target, kind)}`;
  const proxy = Object.create(target) as Record<string, Fn>;
  proxy[method] = (...args: unknown[]) => traced(scope, name, attributes, observe, () => original.apply(target, args), onValue);
  return proxy as E;
}

/**
 * `Controller.method` for a handler, made once per controller class and method: the class and
 * function names are accessors, and the label a new string, that a request would otherwise pay
 * for twice (the guards' step and the interceptors').
 */
const handlerLabels = new WeakMap<object, WeakMap<object, string>>();
const labelOf = (instance: unknown, callback: unknown): string => `${nameOf(instance, 'Controller')}.${handlerName(callback) || '<anonymous>'}`;
function handlerLabel(instance: unknown, callback: unknown): string {
  const cls = (instance as { constructor?: unknown } | null)?.constructor;
  if (typeof cls !== 'function' || typeof callback !== 'function') return labelOf(instance, callback);
  let byCallback = handlerLabels.get(cls);
  if (byCallback === undefined) handlerLabels.set(cls, (byCallback = new WeakMap()));
  let label = byCallback.get(callback);
  if (label === undefined) byCallback.set(callback, (label = labelOf(instance, callback)));
  return label;
}

/** Names the request after the route Nest is about to run: the platform's template and `Controller.method`. */
function nameRequest(scope: RequestScope, req: unknown, instance: unknown, callback: unknown): string {
  const handler = handlerLabel(instance, callback);
  if (scope.route === undefined) {
    const route = routeOf(req);
    if (route) scope.setRoute(route);
    scope.setHandler(handler);
  }
  return handler;
}

const guardResult = (span: Span, v: unknown) => {
  if (typeof v === 'boolean') span.setAttribute('nestjs.guard.allowed', v);
};

function wrapTryActivate(original: Fn): Fn {
  return function tracekitTryActivate(this: unknown, guards: unknown[] | undefined, args: unknown[], instance: unknown, callback: unknown, ...rest: unknown[]) {
    const scope = scopeOf(args?.[0]);
    if (!scope || scope.isEnded) return original.call(this, guards, args, instance, callback, ...rest);
    nameRequest(scope, args[0], instance, callback);
    const wrapped = guards?.map((g) => enhancer(scope, g as object, 'canActivate', 'guard', { 'nestjs.type': 'guard' }, true, guardResult));
    return original.call(this, wrapped, args, instance, callback, ...rest);
  };
}

function wrapIntercept(original: Fn): Fn {
  return function tracekitIntercept(this: unknown, interceptors: unknown[] | undefined, args: unknown[], instance: unknown, callback: unknown, next: () => unknown, ...rest: unknown[]) {
    const scope = scopeOf(args?.[0]);
    if (!scope || scope.isEnded || typeof next !== 'function') return original.call(this, interceptors, args, instance, callback, next, ...rest);
    const handler = nameRequest(scope, args[0], instance, callback);
    const attributes = { 'nestjs.type': 'handler', 'code.function.name': handler };
    // Nest's handler step resolves the arguments (running pipes) and then calls the method.
    const tracedNext = () => traced(scope, `handler ${handler}`, attributes, true, next);
    const wrapped = interceptors?.map((i) => enhancer(scope, i as object, 'intercept', 'interceptor', { 'nestjs.type': 'interceptor' }, true));
    return original.call(this, wrapped, args, instance, callback, tracedNext, ...rest);
  };
}

function wrapApplyPipes(original: Fn): Fn {
  return function tracekitApplyPipes(this: unknown, value: unknown, metadata: { type?: unknown; data?: unknown } | undefined, transforms: unknown[] | undefined, ...rest: unknown[]) {
    // Pipes get no request: the handler span's context, active here, says which request it is.
    const scope = activeRequest();
    if (!(scope instanceof RequestScope) || scope.isEnded || !transforms?.length) return original.call(this, value, metadata, transforms, ...rest);
    const param = metadata?.data === undefined ? String(metadata?.type) : `${String(metadata?.type)}:${String(metadata.data)}`;
    const attributes = { 'nestjs.type': 'pipe', 'nestjs.param': param };
    const wrapped = transforms.map((p) => enhancer(scope, p as object, 'transform', 'pipe', attributes, false));
    return original.call(this, value, metadata, wrapped, ...rest);
  };
}

function patch(consumer: unknown, method: string, wrap: (original: Fn) => Fn): boolean {
  const proto = consumer && typeof consumer === 'object' ? (Object.getPrototypeOf(consumer) as Record<string, Fn & { [PATCHED]?: true }>) : undefined;
  const original = proto?.[method];
  if (!proto || typeof original !== 'function') return false;
  if (original[PATCHED]) return true;
  const wrapped = Object.assign(wrap(original), { [PATCHED]: true as const });
  proto[method] = wrapped;
  return true;
}

/**
 * Instruments Nest's guards, interceptors, pipes and route handlers, once per copy of Nest,
 * from the `ExternalContextCreator` instance Nest provides. Returns the steps it could not find
 * (an unknown Nest version), which the module reports once.
 */
export function instrumentPipeline(externalContextCreator: unknown): string[] {
  const ecc = (externalContextCreator ?? {}) as { guardsConsumer?: unknown; interceptorsConsumer?: unknown; pipesConsumer?: unknown };
  const missing: string[] = [];
  if (!patch(ecc.guardsConsumer, 'tryActivate', wrapTryActivate)) missing.push('guards');
  if (!patch(ecc.interceptorsConsumer, 'intercept', wrapIntercept)) missing.push('interceptors and handlers');
  if (!patch(ecc.pipesConsumer, 'applyPipes', wrapApplyPipes)) missing.push('pipes');
  return missing;
}
