import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { captureNodeBodies, createAdapter, endWithNodeResponse, nodeRequestInfo, type AdapterOptions, type RequestScope } from '@tracekit/core/adapter';
import { instrumentRegistration, instrumentRouting, routeTemplate } from './routing.js';
import { HANDLER_END, SCOPE, type TracedRequest } from './internal-types.js';

export * from '@tracekit/core';

/** Options of {@link express}: the options every TraceKit adapter takes. */
export type ExpressOptions = AdapterOptions<Request, Response>;

/**
 * Traces every request of an Express 4 or 5 app. Register it before your routes, and
 * {@link expressErrorHandler} after them.
 *
 * @example
 * import express from 'express';
 * import * as tracekit from '@tracekit/express';
 * const app = express();
 * app.use(tracekit.express());
 * app.get('/users/:id', handler);
 * app.use(tracekit.expressErrorHandler());
 */
export function express(options: ExpressOptions = {}): RequestHandler {
  const runtime = createAdapter<Request, Response>('express', options);
  // Now, before the app registers its routes: each route then records where it was registered.
  instrumentRegistration();
  return function tracekitExpress(req, res, next) {
    const traced = req as TracedRequest;
    // A sub-app with its own tracekit.express() sees the request again: trace it once.
    if (traced[SCOPE]) return next();
    const scope = runtime.start(req, nodeRequestInfo(req, req.originalUrl));
    if (!scope) return next();
    traced[SCOPE] = scope;
    if (!res.headersSent) res.setHeader(runtime.requestIdHeader, scope.requestId);
    instrumentRouting(req.app);
    // Opt-in `captureBody`: the response as written, the request body as the app's parser left it.
    const finishBodies = captureNodeBodies(scope, res);
    endWithNodeResponse(runtime, scope, res, () => {
      traced[HANDLER_END]?.();
      // Fallback when the routing patch could not run: Express leaves req.route set.
      if (scope.route === undefined && req.route) scope.setRoute(routeTemplate(req.baseUrl, undefined, (req.route as { path?: unknown }).path));
      finishBodies?.(req.body, req.headers['content-type']);
    });
    scope.run(next);
  };
}

/**
 * Records an error that reached Express's error handling on the request's span, then passes it
 * on unchanged to the app's own error handlers. Register it after your routes.
 */
export function expressErrorHandler(): ErrorRequestHandler {
  return function tracekitErrorHandler(err: unknown, req, _res, next) {
    (req as TracedRequest)[SCOPE]?.recordError(err);
    next(err);
  };
}

/** The request's TraceKit scope, if it is traced. */
export function getRequestScope(req: Request): RequestScope | undefined {
  return (req as TracedRequest)[SCOPE];
}
