import { context } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createAdapter,
  handlerName,
  httpStatusOf,
  nodeRequestInfo,
  nodeResponseInfo,
  onResponseDone,
  webRequestInfo,
  type AdapterOptions,
  type AdapterRuntime,
  type RequestScope,
} from '@tracekit/core/adapter';

export * from '@tracekit/core';

/** Options of {@link hono}: the options every TraceKit adapter takes; hooks receive Hono's `Context`. */
export type HonoOptions = AdapterOptions<Context, Context>;

// The scope rides on Hono's context under a symbol of this module: a property read and write per
// request, where a WeakMap cost about 150 ns more (and its entries are ephemerons for the GC).
const SCOPE = Symbol('tracekit.hono.scope');
type Traced = Context & { [SCOPE]?: RequestScope };
/** Hono's mark on a route handler wrapped for a sub-app's own `onError` (hono/utils/constants). */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';

/** @hono/node-server's bindings (`c.env`): present when the request came through Node's HTTP server. */
function nodeBindings(c: Context): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  if (!env || typeof env !== 'object' || !env.incoming || !env.outgoing) return undefined;
  if (typeof env.incoming.headers !== 'object' || typeof env.outgoing.once !== 'function') return undefined;
  return env as { incoming: IncomingMessage; outgoing: ServerResponse };
}

/**
 * Sets the route from the handler Hono dispatched last. Read after `await next()`: before it,
 * `routeIndex` points at this middleware. Middleware added with `app.use()` is registered for
 * method `ALL` and takes `next`, so an entry like that means no route handled the request
 * (Hono's not-found handler answered).
 */
function recordRoute(c: Context, scope: RequestScope): void {
  try {
    const route = matchedRoutes(c)[c.req.routeIndex];
    if (!route || (route.method === 'ALL' && route.handler.length >= 2)) return;
    scope.setRoute(route.path);
    const handler = (route.handler as unknown as Record<string, { name?: string } | undefined>)[COMPOSED_HANDLER] ?? route.handler;
    const name = handlerName(handler);
    if (name) scope.setHandler(name);
  } catch {
    // Hono internals that changed shape: the span keeps the method as its name.
  }
}

/**
 * The route handler Hono is about to run, from the routes it matched (known before dispatch):
 * the first entry after this middleware that does not take `next`. Undefined when none did
 * (the not-found handler answers) or Hono's internals changed shape.
 */
function plannedHandler(c: Context): { path: string; name: string | undefined } | undefined {
  try {
    const routes = matchedRoutes(c);
    for (let i = c.req.routeIndex + 1; i < routes.length; i++) {
      const route = routes[i]!;
      if (route.handler.length >= 2) continue;
      const handler = (route.handler as unknown as Record<string, { name?: string } | undefined>)[COMPOSED_HANDLER] ?? route.handler;
      return { path: route.path, name: handlerName(handler) };
    }
  } catch {
    // no handler span, as before
  }
  return undefined;
}

/** Echoes the request ID when the response the app produced does not carry it yet. */
function echoRequestId(c: Context, header: string, id: string): void {
  try {
    if (!c.res.headers.has(header)) c.header(header, id);
  } catch {
    // an immutable or odd response: the header is a courtesy, never worth breaking it
  }
}

/**
 * Traces every request of a Hono 4 app, over @hono/node-server (real sockets: client address,
 * ports, aborted connections) or through `app.fetch()` / `app.request()` with a Web `Request`.
 * Register it first.
 *
 * @example
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import * as tracekit from '@tracekit/hono';
 * const app = new Hono();
 * app.use(tracekit.hono());
 * app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
 * serve({ fetch: app.fetch, port: 3000 });
 */
export function hono(options: HonoOptions = {}): MiddlewareHandler {
  const runtime: AdapterRuntime<Context, Context> = createAdapter<Context, Context>('hono', options);
  const header = runtime.requestIdHeader;
  return function tracekitHono(c, next) {
    // A sub-app with its own tracekit.hono() shares the parent's context: trace it once.
    if ((c as Traced)[SCOPE] !== undefined) return next();
    const node = nodeBindings(c);
    const scope = runtime.start(c, node ? nodeRequestInfo(node.incoming) : webRequestInfo(c.req.raw));
    if (!scope) return next();
    (c as Traced)[SCOPE] = scope;
    // Over Node the header goes straight on the socket's response: Hono's own headers would turn
    // @hono/node-server's light responses into full Web Responses on every request.
    if (node) node.outgoing.setHeader(header, scope.requestId);
    else c.header(header, scope.requestId);
    if (node) {
      // Over Node the span lasts until the body is sent, and sees aborted connections (whose
      // handler is still running: routeIndex already points at it).
      const res = node.outgoing;
      onResponseDone(res, (aborted) => {
        if (scope.route === undefined) recordRoute(c, scope);
        runtime.end(scope, c, nodeResponseInfo(res, aborted));
      });
    }
    // The handler's span covers the rest of the chain from here (Hono has no hook around the
    // handler alone): everything the handler does nests under it, as in the other adapters.
    const planned = plannedHandler(c);
    if (planned) scope.setRoute(planned.path);
    const child = planned ? scope.startHandler(planned.name) : undefined;
    // Not an async function: `await` would cost two more promises per request than `then`, and
    // with a context store active every promise pays the async hooks.
    const failed = (err: unknown): never => {
      // Only values that are not `Error`s escape Hono's compose; record them and let Hono decide.
      if (child) {
        scope.recordChildError(child.span, err);
        child.span.end();
      } else scope.recordError(err);
      recordRoute(c, scope);
      if (!node) runtime.end(scope, c, { statusCode: httpStatusOf(err) ?? 500 });
      throw err;
    };
    let chain: Promise<void>;
    try {
      // One context entry: the handler's context links to the request's, so entering it alone
      // gives the chain both (no second AsyncLocalStorage run, no closure per request).
      chain = context.with(child ? child.context : scope.context, next);
    } catch (err) {
      return failed(err);
    }
    // Hono's compose always returns a promise; anything else (a custom `next`) is wrapped, as `await` would.
    if (!(chain instanceof Promise)) chain = Promise.resolve(chain);
    return chain.then(() => {
      // Errors thrown by handlers reach the app's onError inside compose, which keeps them here.
      if (c.error !== undefined) {
        if (child) scope.recordChildError(child.span, c.error);
        else scope.recordError(c.error);
      }
      child?.span.end();
      recordRoute(c, scope);
      if (!node) {
        echoRequestId(c, header, scope.requestId);
        runtime.end(scope, c, { statusCode: c.res.status, header: (n) => c.res.headers.get(n) ?? undefined });
      }
    }, failed);
  };
}

/** The request's TraceKit scope, if it is traced. */
export function getRequestScope(c: Context): RequestScope | undefined {
  return (c as Traced)[SCOPE];
}
