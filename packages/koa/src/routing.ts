import { handlerName, runIn } from '@tracekit/core/adapter';
import { SCOPE, type LayerLike, type RouterLike, type TracedContext } from './internal-types.js';

type Handler = LayerLike['stack'][number];

const traced = new WeakSet<Handler>();
const instrumented = new WeakMap<RouterLike, number>();

/** @koa/router's matched route template (with router prefixes and nesting), if a route matched. */
export function routeOf(ctx: TracedContext): string | undefined {
  const route = ctx._matchedRoute;
  return typeof route === 'string' ? route : route instanceof RegExp ? String(route) : undefined;
}

/** Runs a route's handler in a child span named after it; a throw is recorded and passed on unchanged. */
function traceHandler(handler: Handler): Handler {
  // Read once: a function's name is an accessor that costs a runtime call per read.
  const name = handlerName(handler);

  const wrapper: Handler = function tracekitHandler(this: unknown, ctx, next) {
    const scope = ctx[SCOPE];
    if (!scope || scope.isEnded) return handler.call(this, ctx, next);
    const route = routeOf(ctx);
    if (route) scope.setRoute(route);
    const child = scope.startHandler(name);
    const fail = (err: unknown) => {
      scope.recordChildError(child.span, err);
      child.span.end();
      throw err;
    };
    let result: unknown;
    try {
      result = runIn(child.context, () => handler.call(this, ctx, next));
    } catch (err) {
      return fail(err);
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      return (result as PromiseLike<unknown>).then((value) => {
        child.span.end();
        return value;
      }, fail);
    }
    child.span.end();
    return result;
  };
  traced.add(wrapper);
  return wrapper;
}

/**
 * Wraps the handler (the last function) of every route of the @koa/router routers mounted on
 * the app, found through the `router` property @koa/router puts on its middleware. Nested
 * routers are covered because @koa/router copies their layers into the parent. Routes added
 * later are picked up on a later request.
 */
export function instrumentRouters(app: TracedContext['app']): void {
  const middleware = app?.middleware;
  if (!Array.isArray(middleware)) return;
  for (const fn of middleware) {
    const router = (fn as { router?: RouterLike } | null)?.router;
    if (!router || !Array.isArray(router.stack) || instrumented.get(router) === router.stack.length) continue;
    instrumented.set(router, router.stack.length);
    for (const layer of router.stack) {
      if (!Array.isArray(layer.methods) || layer.methods.length === 0 || !Array.isArray(layer.stack)) continue;
      const last = layer.stack.length - 1;
      const handler = layer.stack[last];
      if (typeof handler === 'function' && !traced.has(handler)) layer.stack[last] = traceHandler(handler);
    }
  }
}
