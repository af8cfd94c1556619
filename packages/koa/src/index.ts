import type { ServerResponse } from 'node:http';
import { createAdapter, endWithNodeResponse, nodeRequestInfo, type AdapterOptions, type RequestScope } from '@tracekit/core/adapter';
import { instrumentRouters, routeOf } from './routing.js';
import { SCOPE, type KoaContextLike, type KoaMiddleware, type TracedContext } from './internal-types.js';

export * from '@tracekit/core';
export type { KoaContextLike, KoaMiddleware } from './internal-types.js';

/**
 * Options of {@link koa}: the options every TraceKit adapter takes. Hooks, `ignore` and
 * `spanName` receive Koa's context (`requestHook(span, ctx)`, `responseHook(span, ctx)`).
 */
export type KoaOptions<Ctx extends KoaContextLike = KoaContextLike> = AdapterOptions<Ctx, Ctx>;

/**
 * Koa's default error response (`ctx.onerror`) starts by removing every header. Put the
 * request ID back just before the head is written, so error responses carry it too.
 */
function keepRequestIdHeader(res: ServerResponse, header: string, id: string): void {
  if (res.headersSent) return;
  const writeHead = res.writeHead;
  res.writeHead = function tracekitWriteHead(this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent && !this.hasHeader(header)) this.setHeader(header, id);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Traces every request of a Koa 2 or 3 app. Register it first, before your routers and your
 * error-handling middleware. With @koa/router, spans are named by the matched route template
 * (router prefixes and nested routers included) and each route handler runs in a child span.
 * Errors thrown downstream are recorded and rethrown unchanged.
 *
 * @example
 * import Koa from 'koa';
 * import * as tracekit from '@tracekit/koa';
 * const app = new Koa();
 * app.use(tracekit.koa());
 * app.use(router.routes());
 */
export function koa<Ctx extends KoaContextLike = KoaContextLike>(options: KoaOptions<Ctx> = {}): KoaMiddleware<Ctx> {
  const runtime = createAdapter<Ctx, Ctx>('koa', options);
  const header = runtime.requestIdHeader;
  return function tracekitKoa(ctx, next) {
    const traced = ctx as Ctx & TracedContext;
    // A mounted sub-app with its own tracekit.koa() sees the request again: trace it once.
    if (traced[SCOPE]) return next();
    const scope = runtime.start(ctx, nodeRequestInfo(ctx.req));
    if (!scope) return next();
    traced[SCOPE] = scope;
    const res = ctx.res;
    if (!res.headersSent) res.setHeader(header, scope.requestId);
    instrumentRouters(traced.app);
    endWithNodeResponse(
      runtime,
      scope,
      res,
      () => {
        const route = routeOf(traced);
        if (route) scope.setRoute(route);
      },
      ctx,
    );
    // Not an async function: chaining on next()'s promise costs one promise per request where an
    // async wrapper costs two or three, and on Node 20 every promise pays the async-context hooks.
    return scope.run(() => {
      const fail = (err: unknown): never => {
        scope.recordError(err);
        keepRequestIdHeader(res, header, scope.requestId);
        throw err;
      };
      let result: unknown;
      try {
        result = next();
      } catch (err) {
        return Promise.reject(err).catch(fail);
      }
      return Promise.resolve(result).then(undefined, fail);
    });
  };
}

/** The request's TraceKit scope, if it is traced. */
export function getRequestScope(ctx: KoaContextLike): RequestScope | undefined {
  return (ctx as TracedContext)[SCOPE];
}
