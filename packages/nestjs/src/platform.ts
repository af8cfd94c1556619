import type { IncomingMessage, ServerResponse } from 'node:http';
import { endWithNodeResponse, nodeRequestInfo, type AdapterRuntime, type RequestScope } from '@tracekit/core/adapter';

const SCOPE = Symbol.for('tracekit.nestjs.scope');

type Traced = IncomingMessage & { [SCOPE]?: RequestScope };
type Runtime = AdapterRuntime<IncomingMessage, ServerResponse>;

/**
 * The scope of the request Nest hands to guards and interceptors: Express's request is Node's
 * `IncomingMessage` itself, Fastify's wraps it as `raw`.
 */
export function scopeOf(req: unknown): RequestScope | undefined {
  if (req === null || typeof req !== 'object') return undefined;
  const r = req as Traced & { raw?: Traced };
  return r[SCOPE] ?? r.raw?.[SCOPE];
}

/** The route template the platform matched: Fastify's `routeOptions.url`, Express's `req.route.path`. */
export function routeOf(req: unknown): string | undefined {
  const r = req as { routeOptions?: { url?: unknown }; route?: { path?: unknown } };
  const url = r.routeOptions?.url ?? r.route?.path;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/** Starts the request's scope, echoes its ID and ends it with the Node response. */
function begin(runtime: Runtime, req: IncomingMessage, res: ServerResponse, target: string | undefined, setHeader: (name: string, value: string) => void): RequestScope | undefined {
  // A second app sharing the server, or a hook installed twice: trace the request once.
  if ((req as Traced)[SCOPE]) return undefined;
  const scope = runtime.start(req, nodeRequestInfo(req, target));
  if (!scope) return undefined;
  (req as Traced)[SCOPE] = scope;
  setHeader(runtime.requestIdHeader, scope.requestId);
  endWithNodeResponse(runtime, scope, res);
  return scope;
}

type Next = (err?: unknown) => void;
interface ExpressLike {
  use(fn: (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next) => void): unknown;
}
interface FastifyLike {
  addHook(name: 'onRequest', fn: (request: { raw: IncomingMessage; url: string }, reply: { raw: ServerResponse; header(n: string, v: string): unknown }, done: Next) => void): unknown;
}

/**
 * Starts a scope for every request the app's HTTP platform receives, before Nest's own
 * middleware and routing, so that requests a guard rejects, 404s and body-parser errors are
 * traced too. Returns false for a platform TraceKit does not know.
 */
export function hookPlatform(type: string, instance: unknown, runtime: Runtime): boolean {
  if (type === 'express' && instance && typeof (instance as ExpressLike).use === 'function') {
    (instance as ExpressLike).use(function tracekitNest(req, res, next) {
      const scope = begin(runtime, req, res, req.originalUrl, (n, v) => {
        if (!res.headersSent) res.setHeader(n, v);
      });
      if (scope) scope.run(next);
      else next();
    });
    return true;
  }
  if (type === 'fastify' && instance && typeof (instance as FastifyLike).addHook === 'function') {
    (instance as FastifyLike).addHook('onRequest', function tracekitNest(request, reply, done) {
      const scope = begin(runtime, request.raw, reply.raw, request.url, (n, v) => reply.header(n, v));
      if (scope) scope.run(done);
      else done();
    });
    return true;
  }
  return false;
}

/** The TraceKit scope of a request (Express's `req` or Fastify's `request`), if it is traced. */
export const getRequestScope = (req: object): RequestScope | undefined => scopeOf(req);
